import type { ParleyClient } from '@parley/client';
import type { AccessLostReason, ConversationSummary } from '@parley/protocol';
import { batch, signal, type ReadonlySignal } from '@preact/signals';
import { ApiError, explainError, type Api } from './api.ts';

/** Where a transfer goes: an agent or a queue. */
export interface TransferTarget {
  kind: 'agent' | 'queue';
  id: string;
  name: string;
}

/** The commands on a conversation's routing. */
export type OwnershipAction = 'take' | 'transfer' | 'invite' | 'leave' | 'end-conference' | 'resolve';

/** How the open conversation's routing commands stand, for its header. */
export interface OwnershipState {
  /** The command on its way, if any. */
  busy: OwnershipAction | null;
  /** Why the last command failed. */
  error: string | null;
  /** A transfer waiting for the target's answer. */
  transfer: TransferTarget | null;
}

/** What the ownership model needs: REST for the commands, the client for their answers, and the console's hooks. */
export interface OwnershipTransport {
  api: Pick<Api, 'post'>;
  client: Pick<ParleyClient, 'on'>;
  /** How a conversation is named in a notice ("Vera"). */
  titleOf: (conversationId: string) => string;
  /** Tells the agent something that happened about a conversation (a live region shows it). */
  onNotice: (text: string, key: string) => void;
  /** Takes back a notice about this key that is no longer true (the chat is taken, or transferred again). */
  onNoticeOutdated?: (key: string) => void;
  /** The conversation is no longer this agent's to work: it leaves the list, and closes if open. */
  onGone: (conversationId: string) => void;
  /**
   * This agent resolved the chat: it closes if open, and the list takes the gateway's answer (it
   * leaves the open views and joins those that list it resolved, such as a saved view of closed
   * chats). Without it, a resolved chat is gone (`onGone`).
   */
  onResolved?: (conversationId: string, conversation: ConversationSummary | undefined) => void;
  /**
   * Whether this agent's deletion of the conversation is on its way (default: never). The gateway
   * tells a deletion to every console that held the chat (an access loss, `deleted`), which may
   * arrive before the deletion's own answer; for the admin who deleted it, that is no news.
   */
  deleting?: (conversationId: string) => boolean;
}

/**
 * The commands that change who works a chat (MISSION.md A4, A7–A9): take ownership, transfer
 * (pending until the target answers), invite to a conference, leave it or end it, and resolve with
 * a wrap-up reason. Console-wide, so a pending transfer survives opening another conversation.
 */
export interface OwnershipModel {
  /** The state of one conversation's commands (reads signals: call it while rendering). */
  state(conversationId: string): OwnershipState;
  /** Takes ownership of a broadcast or waiting chat. */
  take(conversationId: string): Promise<boolean>;
  /** Asks an agent or a queue to take the chat over; the chat stays this agent's until they accept. */
  transfer(conversationId: string, target: TransferTarget): Promise<boolean>;
  /** Asks another agent to join the chat (conference). */
  invite(conversationId: string, agent: { id: string; name: string }): Promise<boolean>;
  /** Leaves a conference this agent was invited to. */
  leave(conversationId: string): Promise<boolean>;
  /** Ends the conference: the guests leave, the owner keeps the chat. */
  endConference(conversationId: string): Promise<boolean>;
  /** Resolves the chat with a wrap-up reason; it leaves the open list. */
  resolve(conversationId: string, wrapUp: string): Promise<boolean>;
  /** Forgets a command's error (a dialog was closed). */
  clearError(conversationId: string): void;
  /** This agent deleted the conversation here: says so once, and the access loss that tells of it is not news. */
  deleted(conversationId: string): void;
  /** Transfers waiting for an answer, by conversation. */
  readonly transfers: ReadonlySignal<ReadonlyMap<string, TransferTarget>>;
  /** Stops listening to the client. */
  dispose(): void;
}

const PATH: Record<OwnershipAction, string> = {
  take: 'take',
  transfer: 'transfer',
  invite: 'invite',
  leave: 'leave',
  'end-conference': 'conference/end',
  resolve: 'resolve',
};

const FAILED: Record<OwnershipAction, string> = {
  take: 'The chat could not be taken.',
  transfer: 'The chat could not be transferred.',
  invite: 'The invitation could not be sent.',
  leave: 'You could not leave the conversation.',
  'end-conference': 'The conference could not be ended.',
  resolve: 'The chat could not be resolved.',
};

const LOST: Record<AccessLostReason, (title: string) => string> = {
  transferred: (title) => `The chat with ${title} was transferred to another agent, so it is no longer in your list.`,
  taken: (title) => `Another agent took the chat with ${title}, so it is no longer in your list.`,
  left: (title) => `You left the conversation with ${title}.`,
  ended: (title) => `The conversation with ${title} has ended for you.`,
  deleted: (title) => `An admin deleted the conversation with ${title}.`,
};

/** Creates the ownership model for the signed-in agent. */
export function createOwnershipModel({ api, client, titleOf, onNotice, onNoticeOutdated = () => {}, onGone, onResolved = onGone, deleting = () => false }: OwnershipTransport): OwnershipModel {
  const busy = signal(new Map<string, OwnershipAction>());
  const errors = signal(new Map<string, string>());
  const transfers = signal(new Map<string, TransferTarget>());
  /** Conversations whose transfer was accepted: the access loss that follows needs no second notice. */
  const handedOver = new Set<string>();
  /** Conversations this agent left or resolved here: the access loss that follows was already told. */
  const settled = new Set<string>();
  /** Conversations this agent deleted here, whose access loss has not come yet. */
  const deletedHere = new Set<string>();
  /** Conversations whose access loss came while this agent's deletion of them was on its way. */
  const lostToDeletion = new Set<string>();
  let disposed = false;

  const without = <T>(map: Map<string, T>, key: string) => {
    const next = new Map(map);
    next.delete(key);
    return next;
  };

  /** Sends a command; the gateway's answer, or null when it failed (the reason is in `errors`). */
  async function request(conversationId: string, action: OwnershipAction, body?: unknown): Promise<{ answer: unknown } | null> {
    if (busy.value.has(conversationId)) return null;
    batch(() => {
      busy.value = new Map(busy.value).set(conversationId, action);
      errors.value = without(errors.value, conversationId);
    });
    try {
      const answer = await api.post<unknown>(`/api/agent/conversations/${encodeURIComponent(conversationId)}/${PATH[action]}`, body);
      return disposed ? null : { answer };
    } catch (e) {
      if (disposed) return null;
      const text =
        e instanceof ApiError && e.code === 'NOT_FOUND'
          ? 'This conversation is no longer yours to work, or it does not exist.'
          : explainError(e, FAILED[action]);
      errors.value = new Map(errors.value).set(conversationId, text);
      return null;
    } finally {
      if (!disposed) busy.value = without(busy.value, conversationId);
    }
  }

  const run = async (conversationId: string, action: OwnershipAction, body?: unknown) => (await request(conversationId, action, body)) !== null;

  function settleTransfer(conversationId: string, accepted: boolean, to: { kind: 'agent' | 'queue'; name: string }): void {
    const title = titleOf(conversationId);
    const who = to.kind === 'queue' ? (accepted ? `An agent in ${to.name}` : `No agent in ${to.name}`) : to.name;
    transfers.value = without(transfers.value, conversationId);
    if (accepted) {
      if (handedOver.has(conversationId)) return;
      handedOver.add(conversationId);
      onNotice(`${who} accepted the chat with ${title}.`, `conversation:${conversationId}`);
      onGone(conversationId);
    } else {
      onNotice(`${who} ${to.kind === 'queue' ? 'took' : 'did not take'} the chat with ${title}; it is yours again.`, `conversation:${conversationId}`);
    }
  }

  /** Whether an access loss is this agent's own deletion, which `deleted` tells (whichever of the two comes first). */
  function ownDeletion(conversationId: string): boolean {
    if (deletedHere.delete(conversationId)) return true;
    if (!deleting(conversationId)) return false;
    lostToDeletion.add(conversationId);
    return true;
  }

  const stops = [
    client.on('frame', (frame) => {
      if (frame.type === 'routing.transfer.result') {
        settleTransfer(frame.conversationId, frame.accepted, frame.to);
      } else if (frame.type === 'routing.access.lost') {
        const id = frame.conversationId;
        const pending = transfers.value.get(id);
        // The loss that follows this agent's own leave or resolve was told already (once: they may come back).
        const told = (frame.reason === 'deleted' && ownDeletion(id)) || settled.delete(id) || (frame.reason === 'transferred' && handedOver.has(id));
        // A transfer's acceptance may be told by the loss of access before its result frame.
        if (frame.reason === 'transferred' && pending) settleTransfer(id, true, pending);
        else if (!told) onNotice(LOST[frame.reason](titleOf(id)), `conversation:${id}`);
        onGone(id);
      }
    }),
  ];

  return {
    state: (conversationId) => ({
      busy: busy.value.get(conversationId) ?? null,
      error: errors.value.get(conversationId) ?? null,
      transfer: transfers.value.get(conversationId) ?? null,
    }),
    async take(conversationId) {
      const ok = await run(conversationId, 'take');
      // It is this agent's now: whatever was said about it going elsewhere no longer holds.
      if (ok) onNoticeOutdated(`conversation:${conversationId}`);
      return ok;
    },
    async transfer(conversationId, target) {
      if (transfers.value.has(conversationId)) return false;
      handedOver.delete(conversationId);
      const ok = await run(conversationId, 'transfer', target.kind === 'agent' ? { agentId: target.id } : { queueId: target.id });
      if (ok) {
        transfers.value = new Map(transfers.value).set(conversationId, target);
        // A new transfer is pending: the last one's answer ("did not take the chat") is past.
        onNoticeOutdated(`conversation:${conversationId}`);
      }
      return ok;
    },
    async invite(conversationId, agent) {
      const ok = await run(conversationId, 'invite', { agentId: agent.id });
      if (ok) onNotice(`${agent.name} is invited to the chat with ${titleOf(conversationId)}.`, `conversation:${conversationId}`);
      return ok;
    },
    async leave(conversationId) {
      const ok = await run(conversationId, 'leave');
      if (ok) {
        settled.add(conversationId);
        onNotice(`You left the conversation with ${titleOf(conversationId)}.`, `conversation:${conversationId}`);
        onGone(conversationId);
      }
      return ok;
    },
    endConference: (conversationId) => run(conversationId, 'end-conference'),
    async resolve(conversationId, wrapUp) {
      const reason = wrapUp.trim();
      if (!reason) {
        errors.value = new Map(errors.value).set(conversationId, 'Choose a wrap-up reason to resolve the chat.');
        return false;
      }
      const title = titleOf(conversationId);
      const done = await request(conversationId, 'resolve', { wrapUp: reason });
      if (done) {
        settled.add(conversationId);
        onNotice(`Resolved the chat with ${title} (${reason}).`, `conversation:${conversationId}`);
        onResolved(conversationId, (done.answer as { conversation?: ConversationSummary } | undefined)?.conversation);
      }
      return done !== null;
    },
    clearError(conversationId) {
      if (errors.value.has(conversationId)) errors.value = without(errors.value, conversationId);
    },
    deleted(conversationId) {
      if (!lostToDeletion.delete(conversationId)) deletedHere.add(conversationId);
      onNotice('Conversation deleted.', `conversation:${conversationId}`);
    },
    transfers,
    dispose() {
      disposed = true;
      stops.splice(0).forEach((stop) => stop());
    },
  };
}
