import type { ParleyClient } from '@parley/client';
import type { ConversationRouting, ConversationSummary, Message } from '@parley/protocol';
import { computed, type ReadonlySignal } from '@preact/signals';
import type { TeamModel } from './TeamModel.ts';

/** What the attention model needs: the client's live events, this agent, their queues, and what the console knows of a conversation. */
export interface AttentionTransport {
  client: Pick<ParleyClient, 'on'>;
  /** This agent's id: their own notes never call for their attention. */
  me: string;
  /** This agent's status, load and queues, and the queues' live counts. */
  team: Pick<TeamModel, 'me' | 'queues'>;
  /** A conversation the console knows (a row of the list, the open conversation), for its routing and its customer. */
  known(conversationId: string): ConversationSummary | undefined;
  /** A customer's message, or a colleague's internal note, in a conversation this agent owns or is a guest of. */
  onMessage(message: Message, conversation: ConversationSummary | undefined): void;
  /** A chat was broadcast to one of this agent's queues, while they can take it. */
  onChat(chat: { conversationId: string; queueName: string | null; conversation: ConversationSummary | undefined }): void;
  /** The agent can no longer see a conversation: what was unread there goes. */
  onGone(conversationId: string): void;
}

/**
 * What in the live events calls for this agent's attention beyond offers (MISSION.md A16): the
 * customer writing in a conversation they own or joined, a colleague's internal note there, and a
 * chat broadcast to their queue, waiting for anyone to take it.
 */
export interface AttentionModel {
  /** Chats broadcast to this agent's queues that wait for someone to take them; 0 while the agent could not take one. */
  readonly waiting: ReadonlySignal<number>;
  /** Stops listening to the client. */
  dispose(): void;
}

/** Whether this agent works a conversation: they own it or joined it. */
const works = (routing: ConversationRouting | undefined, me: string) => !!routing && (routing.ownerAgentId === me || routing.guests.some((guest) => guest.id === me));

/**
 * Creates the attention model. A message is judged by its conversation's routing; when the
 * console does not know it yet, by the `conversation.updated` the gateway sends after every batch
 * of messages (whose routing is absent only for a conversation routing never touched).
 */
export function createAttentionModel({ client, me, team, known, onMessage, onChat, onGone }: AttentionTransport): AttentionModel {
  /** Messages waiting for their conversation's routing. */
  const pending = new Map<string, Message[]>();
  /** Broadcast chats already announced; one comes back when it is broadcast again (a resolved chat the customer reopened). */
  const broadcast = new Set<string>();

  // Like an offer: only an agent who could take the chat now (Online, with room) is called.
  const available = computed(() => {
    const agent = team.me.value;
    return !!agent && agent.status === 'online' && agent.load < agent.maxChats;
  });
  const myBroadcastQueues = computed(() => {
    const mine = new Set(team.me.value?.queueIds ?? []);
    return team.queues.value.filter((queue) => queue.mode === 'broadcast' && mine.has(queue.id));
  });
  // The gateway's live counts, which a reconnect reads again, rather than the frames this console happened to see.
  const waiting = computed(() => (available.value ? myBroadcastQueues.value.reduce((sum, queue) => sum + queue.waiting, 0) : 0));

  /** Whether a message is one an agent is alerted to: the customer's, or a colleague's internal note. */
  const alerting = (message: Message) =>
    !message.event && (message.internal ? message.author.kind === 'agent' && message.author.id !== me : message.author.kind === 'visitor');

  function judge(messages: Message[], routing: ConversationRouting | undefined, conversation: ConversationSummary | undefined): void {
    if (!works(routing, me)) return;
    for (const message of messages) onMessage(message, conversation);
  }

  function receive(message: Message): void {
    if (!alerting(message)) return;
    const id = message.conversationId;
    const conversation = known(id);
    // A row made from a message has no routing yet: the summary that follows the batch says.
    if (conversation?.routing && !pending.has(id)) return judge([message], conversation.routing, conversation);
    pending.set(id, [...(pending.get(id) ?? []), message]);
  }

  function routed(conversationId: string, routing: ConversationRouting | undefined, conversation: ConversationSummary | undefined): void {
    const waitingMessages = pending.get(conversationId);
    if (waitingMessages) {
      pending.delete(conversationId);
      judge(waitingMessages, routing, conversation);
    }
    const queue = routing?.state === 'broadcast' ? myBroadcastQueues.value.find((q) => q.id === routing.queueId) : undefined;
    if (!queue) {
      broadcast.delete(conversationId);
      return;
    }
    if (broadcast.has(conversationId)) return;
    broadcast.add(conversationId);
    if (available.value) onChat({ conversationId, queueName: queue.name, conversation });
  }

  const stops = [
    client.on('message', receive),
    client.on('frame', (frame) => {
      if (frame.type === 'conversation.updated') routed(frame.conversation.id, frame.conversation.routing, frame.conversation);
      else if (frame.type === 'routing.conversation') routed(frame.conversationId, frame.routing, known(frame.conversationId));
      else if (frame.type === 'routing.access.lost') {
        pending.delete(frame.conversationId);
        broadcast.delete(frame.conversationId);
        onGone(frame.conversationId);
      }
    }),
  ];

  return {
    waiting,
    dispose() {
      stops.splice(0).forEach((stop) => stop());
    },
  };
}
