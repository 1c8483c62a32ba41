import { randomUUID } from 'node:crypto';
import type { Availability, ServerFrame } from '@parley/protocol';
import type { Sql } from 'postgres';
import { createListeners } from './bus.ts';

/** Someone started or stopped typing in a conversation. */
export interface TypingEvent {
  kind: 'typing';
  conversationId: string;
  visitorId: string;
  workspaceId: string;
  state: 'start' | 'stop';
  author: { kind: 'visitor' | 'agent'; id: string; name?: string };
  /** An agent typing an internal note: never for the visitor. */
  internal: boolean;
}

/** A reader moved their read position forward. */
export interface ReadEvent {
  kind: 'read';
  conversationId: string;
  visitorId: string;
  workspaceId: string;
  reader: { kind: 'visitor' | 'agent'; id: string };
  /** The position in the agents' numbering (every message). */
  seq: number;
  /** The position in the visitor's numbering (public messages only). */
  publicSeq: number;
  /** Whether the visitor may hear of it: only when the agents' public read position moved. */
  forVisitor: boolean;
  readAt: string;
}

/** A conversation's status changed outside a message write (the visitor ended it): nodes read the row. */
export interface ConversationEvent {
  kind: 'conversation';
  conversationId: string;
  /** Its customer's name changed (an agent added them as a contact): nodes read that again too. */
  renamed?: true;
}

/** Whether anyone can answer in a workspace may have changed: nodes work it out again. */
export interface AvailabilityEvent {
  kind: 'availability';
  workspaceId: string;
  /** Set when the sender knows it already; receivers may recompute anyway. */
  status?: Availability;
}

/** A workspace's masking setting changed: nodes take the new value and read it again. */
export interface WorkspaceMaskingEvent {
  kind: 'workspace.masking';
  workspaceId: string;
  maskPersonalData: boolean;
}

/**
 * Routing changed something in a workspace (socket/routing-fanout.ts): frames for single agents
 * (an offer, its end, a transfer's answer), agents who may have lost a conversation, and what
 * every node reads again for its own sockets (conversations' routing, agents, queue counts).
 */
export interface RoutingRelayEvent {
  kind: 'routing';
  workspaceId: string;
  /** Frames for one agent each, complete (an offer carries what the pop-over shows). */
  frames?: { agentId: string; frame: ServerFrame }[];
  /** Agents who may no longer see a conversation, and why; each node checks before telling them. */
  lost?: { agentId: string; conversationId: string; reason: 'transferred' | 'taken' | 'left' | 'ended' }[];
  /** Conversations now owned that their queue's other agents no longer see. */
  taken?: { conversationId: string; queueId: string }[];
  /** Conversations whose routing changed. */
  conversationIds?: string[];
  /** Agents whose status, load, limit or queues changed. */
  agentIds?: string[];
}

/** An agent blocked a visitor: every node ends that visitor's sockets (domain/blocking). */
export interface VisitorBlockedEvent {
  kind: 'visitor.blocked';
  workspaceId: string;
  visitorId: string;
}

/**
 * An admin deleted a conversation: every node tells its consoles that may hold it (the
 * workspace's admins, and `agentIds`, or every agent of the workspace when null) that it is gone.
 */
export interface ConversationDeletedEvent {
  kind: 'conversation.deleted';
  workspaceId: string;
  conversationId: string;
  agentIds: string[] | null;
}

/**
 * An agent's console sessions ended (an admin removed them, or they changed their password and
 * their other sessions end): every node closes those sessions' sockets, but the one `keep` names.
 */
export interface AgentSessionsEndedEvent {
  kind: 'agent.sessions.ended';
  agentId: string;
  reason: 'removed' | 'password';
  /** The session that stays (the one that changed the password), by its key. */
  keep?: string;
}

/** A short-lived event every node hands to its own sockets. Never stored: missing one only costs a moment of staleness. */
export type RelayEvent = TypingEvent | ReadEvent | ConversationEvent | AvailabilityEvent | WorkspaceMaskingEvent | RoutingRelayEvent | VisitorBlockedEvent | ConversationDeletedEvent | AgentSessionsEndedEvent;

/**
 * Carries short-lived events (typing, read receipts, status changes, availability) to every
 * gateway node, this one included. Messages travel on the bus; these never need replaying.
 */
export interface EventRelay {
  publish(event: RelayEvent): void;
  /** Calls `listener` for every event published on any node; returns the unsubscribe function. */
  subscribe(listener: (event: RelayEvent) => void): () => void;
  close(): Promise<void>;
}

/** The relay of a single gateway process. */
export function createMemoryRelay(): EventRelay {
  const listeners = createListeners<RelayEvent>();
  return { publish: listeners.emit, subscribe: listeners.add, close: async () => {} };
}

const CHANNEL = 'parley_events';

/** The largest event routing sends in one notification (PostgreSQL refuses NOTIFY payloads of 8000 bytes or more). */
export const MAX_RELAY_EVENT_BYTES = 7000;

/**
 * The relay between gateway nodes on one PostgreSQL database: `NOTIFY parley_events` with the
 * event as JSON (events are small, far below NOTIFY's 8000-byte limit). This node's own events
 * are delivered at once, not by the round trip through the database.
 */
export async function createPostgresRelay({ sql, onError }: { sql: Sql; onError: (error: unknown) => void }): Promise<EventRelay> {
  const node = randomUUID();
  const listeners = createListeners<RelayEvent>();
  const subscription = await sql.listen(CHANNEL, (payload) => {
    try {
      const { from, event } = JSON.parse(payload) as { from: string; event: RelayEvent };
      if (from !== node) listeners.emit(event);
    } catch (error) {
      onError(error);
    }
  });
  return {
    publish(event) {
      listeners.emit(event);
      sql.notify(CHANNEL, JSON.stringify({ from: node, event })).catch(onError);
    },
    subscribe: listeners.add,
    close: () => subscription.unlisten(),
  };
}
