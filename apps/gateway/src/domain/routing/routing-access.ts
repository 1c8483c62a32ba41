import type { ConversationRouting } from '@parley/protocol';
import type { RoutingRow } from '../../db/schema/index.ts';

/** States in which a chat is not yet anyone's: its queue's agents all see it. */
export const UNOWNED_STATES: readonly RoutingRow['state'][] = ['waiting', 'offered', 'broadcast'];

/**
 * A conversation's routing with everyone who may see it: its owner, its guests, its queue's agents
 * while it is not yet owned, and the agents holding a pending offer for it.
 */
export interface RoutingView {
  conversationId: string;
  workspaceId: string;
  queueId: string | null;
  state: RoutingRow['state'];
  ownerAgentId: string | null;
  ownerName: string | null;
  guests: { id: string; name: string }[];
  wrapUp: string | null;
  /** The queue's agents, only while the chat is waiting, offered or broadcast. */
  queueAgentIds: string[];
  /** Agents with a pending offer (chat, transfer or invitation) for it. */
  offeredTo: string[];
}

/** The part of an agent that decides what they see. */
export interface Viewer {
  agentId: string;
  role: 'agent' | 'admin';
}

/**
 * Whether an agent may see and act on a conversation: admins always; everyone when it has no
 * routing (a ticket, or a conversation from before routing); otherwise its owner, its guests,
 * its queue's agents until it is owned, and agents with a pending offer for it. Everyone else is
 * answered exactly as for a conversation that does not exist.
 */
export function agentMaySee(viewer: Viewer, view: RoutingView | undefined): boolean {
  if (viewer.role === 'admin' || !view) return true;
  const me = viewer.agentId;
  return (
    view.ownerAgentId === me ||
    view.guests.some((g) => g.id === me) ||
    view.queueAgentIds.includes(me) ||
    view.offeredTo.includes(me)
  );
}

/** The conversation's routing as agents see it (`ConversationSummary.routing`, `routing.conversation`). */
export function toConversationRouting(view: RoutingView): ConversationRouting {
  return {
    state: view.state,
    queueId: view.queueId,
    ownerAgentId: view.ownerAgentId,
    ownerName: view.ownerName,
    guests: view.guests.map((g) => ({ id: g.id, name: g.name })),
    wrapUp: view.wrapUp,
  };
}
