import type { Availability, ServerFrame } from '@parley/protocol';
import type { RelayEvent } from '../bus/event-relay.ts';
import type { ConversationRow } from '../db/schema/index.ts';
import { toAgentMessage, toAgentRead, toAgentSummary, toAgentTyping, toVisitorMessage, toVisitorRead, toVisitorSummary, toVisitorTyping } from '../domain/audience.ts';
import type { CommittedBatch } from '../domain/conversations/message-writer.ts';
import type { Principal } from '../domain/identity/principal.ts';

const encode = (frame: ServerFrame) => JSON.stringify(frame);

/** A live socket as the hub sees it. */
export interface Peer {
  principal: Principal;
  /** Sends one serialized frame; the hub serializes each frame once for all its peers. */
  send(text: string): void;
  close(code: number, reason: string): void;
}

/**
 * This node's live sockets, by visitor and by workspace, and the fan-out of committed messages
 * to them. Each frame passes the serializer of its audience: visitors get only their own
 * conversations' public messages.
 */
export function createHub({ findVisitor }: { findVisitor: (id: string) => Promise<{ id: string; name: string | null } | undefined> }) {
  const byVisitor = new Map<string, Set<Peer>>();
  const byWorkspace = new Map<string, Set<Peer>>();
  const visitorNames = new Map<string, { id: string; name: string | null }>();
  const peerListeners = new Set<(peer: Peer, added: boolean) => void>();
  const tellPeer = (peer: Peer, added: boolean) => peerListeners.forEach((listener) => listener(peer, added));
  const visitorPeersOf = (workspaceId: string) => [...byVisitor.values()].flatMap((set) => [...set].filter((p) => p.principal.workspaceId === workspaceId));

  const keyOf = (p: Principal) => (p.kind === 'visitor' ? p.visitorId : p.workspaceId);
  const mapOf = (p: Principal) => (p.kind === 'visitor' ? byVisitor : byWorkspace);

  async function visitorOf(id: string) {
    let visitor = visitorNames.get(id);
    if (!visitor) {
      visitor = (await findVisitor(id)) ?? { id, name: null };
      if (visitorNames.size > 10_000) visitorNames.clear();
      visitorNames.set(id, visitor);
    }
    return visitor;
  }

  return {
    add(peer: Peer): () => void {
      const map = mapOf(peer.principal);
      const key = keyOf(peer.principal);
      const set = map.get(key) ?? new Set();
      set.add(peer);
      map.set(key, set);
      tellPeer(peer, true);
      return () => {
        if (!set.delete(peer)) return;
        if (!set.size) map.delete(key);
        tellPeer(peer, false);
      };
    },

    /** Calls `listener` when a socket joins (true) or leaves (false) this node; returns the unsubscribe function. */
    onPeer(listener: (peer: Peer, added: boolean) => void): () => void {
      peerListeners.add(listener);
      return () => peerListeners.delete(listener);
    },

    /** Hands a relayed typing or read event to the conversation's visitor and agents, each through its audience's serializer. */
    relay(event: RelayEvent): void {
      if (event.kind !== 'typing' && event.kind !== 'read') return;
      const forVisitor = event.kind === 'typing' ? toVisitorTyping(event) : toVisitorRead(event);
      if (forVisitor) {
        const frame = encode(forVisitor);
        for (const peer of byVisitor.get(event.visitorId) ?? []) peer.send(frame);
      }
      const frame = encode(event.kind === 'typing' ? toAgentTyping(event) : toAgentRead(event));
      // An agent's own sockets do not need their own typing or reading back.
      const actor = event.kind === 'typing' ? event.author : event.reader;
      const own = (p: Principal) => actor.kind === 'agent' && p.kind === 'agent' && p.agentId === actor.id;
      for (const peer of byWorkspace.get(event.workspaceId) ?? []) if (!own(peer.principal)) peer.send(frame);
    },

    /** Sends a conversation's new state (e.g. ended) to its visitor and to the workspace's agents. */
    conversationChanged(conversation: ConversationRow): void {
      const frame = encode({ type: 'conversation.updated', conversation: toVisitorSummary(conversation) });
      for (const peer of byVisitor.get(conversation.visitorId) ?? []) peer.send(frame);
      if (!byWorkspace.get(conversation.workspaceId)?.size) return;
      void visitorOf(conversation.visitorId)
        .catch(() => ({ id: conversation.visitorId, name: null }))
        .then((visitor) => {
          const agentFrame = encode({ type: 'conversation.updated', conversation: toAgentSummary(conversation, visitor) });
          for (const peer of byWorkspace.get(conversation.workspaceId) ?? []) peer.send(agentFrame);
        });
    },

    /** Tells a workspace's visitors on this node whether anyone can answer. */
    sendAvailability(workspaceId: string, status: Availability, peers: Peer[] = visitorPeersOf(workspaceId)): void {
      const frame = encode({ type: 'availability', status });
      for (const peer of peers) peer.send(frame);
    },

    /** Sockets of one principal's kind and key (a visitor's tabs, a workspace's agents). */
    peers(principal: Principal): Peer[] {
      return [...(mapOf(principal).get(keyOf(principal)) ?? [])];
    },

    /** Closes every socket of a session's principal (sign-out). */
    closeWhere(match: (p: Principal) => boolean, code: number, reason: string): void {
      for (const map of [byVisitor, byWorkspace]) {
        for (const set of map.values()) for (const peer of [...set]) if (match(peer.principal)) peer.close(code, reason);
      }
    },

    /** Sends a committed batch to its visitor's sockets and its workspace's agents. */
    deliver(batch: CommittedBatch): void {
      const { conversation, messages } = batch;
      const visitors = byVisitor.get(conversation.visitorId);
      if (visitors?.size) {
        const frames = messages.flatMap((m) => {
          const message = toVisitorMessage(m);
          return message ? [encode({ type: 'message.created', message })] : [];
        });
        // The list row too, but only for public messages: an internal note must not show as activity.
        if (frames.length) frames.push(encode({ type: 'conversation.updated', conversation: toVisitorSummary(conversation) }));
        for (const peer of visitors) for (const frame of frames) peer.send(frame);
      }
      const agents = byWorkspace.get(conversation.workspaceId);
      if (agents?.size) {
        for (const m of messages) {
          const frame = encode({ type: 'message.created', message: toAgentMessage(m) });
          for (const peer of agents) peer.send(frame);
        }
        const visitorMessage = messages.find((m) => m.senderKind === 'visitor' && m.senderName);
        if (visitorMessage) visitorNames.set(conversation.visitorId, { id: conversation.visitorId, name: visitorMessage.senderName });
        void visitorOf(conversation.visitorId)
          .catch(() => ({ id: conversation.visitorId, name: null }))
          .then((visitor) => {
            const frame = encode({ type: 'conversation.updated', conversation: toAgentSummary(conversation, visitor) });
            for (const peer of byWorkspace.get(conversation.workspaceId) ?? []) peer.send(frame);
          });
      }
    },

    /** Forgets the cached name of a visitor whose profile changed, so agents' next summaries read it again. */
    forgetVisitor(id: string): void {
      visitorNames.delete(id);
    },

    /** How many sockets are open on this node. */
    size(): number {
      let n = 0;
      for (const map of [byVisitor, byWorkspace]) for (const set of map.values()) n += set.size;
      return n;
    },
  };
}

/** The hub's interface. */
export type Hub = ReturnType<typeof createHub>;
