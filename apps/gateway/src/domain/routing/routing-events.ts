/** The statuses an agent may choose; RONA is only ever set by routing. */
export type ChosenStatus = 'online' | 'invisible' | 'break' | 'offline';
/** Every agent status. */
export type AgentStatus = ChosenStatus | 'rona';
/** What an offer hands over. */
export type OfferKind = 'chat' | 'transfer' | 'invite';
/** How an offer ended. */
export type OfferOutcome = 'accepted' | 'declined' | 'expired' | 'withdrawn';
/** Why an agent can no longer see a conversation. */
export type AccessLostReason = 'transferred' | 'taken' | 'left' | 'ended';
/** Where a transfer went. */
export interface TransferTarget {
  kind: 'agent' | 'queue';
  id: string;
  name: string;
}

/**
 * What routing did, for the sockets: who was offered or given which chat, whose status changed.
 * Every event names its workspace; the sockets read anything else they show from the database.
 */
export type RoutingEvent = { workspaceId: string } & (
  | { type: 'offered'; conversationId: string; agentId: string; offerId: string; kind: OfferKind; expiresAt: Date }
  | { type: 'offer.closed'; conversationId: string; agentId: string; offerId: string; outcome: OfferOutcome }
  | { type: 'broadcast'; conversationId: string; queueId: string }
  /** The chat is now `agentId`'s; `queueId` is set when it came from a queue (whose other agents no longer see it). */
  | { type: 'assigned'; conversationId: string; agentId: string; queueId?: string | undefined }
  | { type: 'resolved'; conversationId: string; agentId: string; wrapUp: string }
  | { type: 'status'; agentId: string; status: AgentStatus }
  | { type: 'access.lost'; conversationId: string; agentId: string; reason: AccessLostReason }
  | { type: 'transfer.result'; conversationId: string; agentId: string; accepted: boolean; to: TransferTarget }
  /**
   * Something else changed: a conversation's routing (guests, waiting), agents' rows. Every event
   * (this one with nothing named too) makes the sockets read the workspace's queue counts again.
   */
  | { type: 'changed'; conversationId?: string; agentIds?: string[] }
);
