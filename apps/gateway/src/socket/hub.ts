import type { Availability, ServerFrame } from '@parley/protocol';
import type { RelayEvent } from '../bus/event-relay.ts';
import type { ConversationRow } from '../db/schema/index.ts';
import { toAgentMessage, toAgentRead, toAgentSummary, toAgentTyping, toVisitorMessage, toVisitorRead, toVisitorSummary, toVisitorTyping } from '../domain/audience.ts';
import type { CommittedBatch } from '../domain/conversations/message-writer.ts';
import type { AgentPrincipal, Principal } from '../domain/identity/principal.ts';
import type { Masker } from '../domain/masking/personal-data.ts';
import { agentMaySee, toConversationRouting, type RoutingView } from '../domain/routing/routing-access.ts';

const encode = (frame: ServerFrame) => JSON.stringify(frame);

/** A live socket as the hub sees it. */
export interface Peer {
  principal: Principal;
  /** Sends one serialized frame; the hub serializes each frame once for all its peers. */
  send(text: string): void;
  close(code: number, reason: string): void;
}

/** The routing of conversations, by id (none for a conversation without routing). */
export type ViewLoader = (conversationIds: string[]) => Promise<Map<string, RoutingView>>;

/**
 * Coalesces the lookups of one turn of the event loop into one call: every fan-out of a group
 * commit asks about its conversation, and they share one query.
 */
function batched(load: ViewLoader): (id: string) => Promise<RoutingView | undefined> {
  let pending: Map<string, ((view: RoutingView | undefined) => void)[]> | undefined;
  let failed: ((error: unknown) => void)[] = [];
  return (id) =>
    new Promise((resolve, reject) => {
      if (!pending) {
        const mine = new Map<string, ((view: RoutingView | undefined) => void)[]>();
        pending = mine;
        failed = [];
        const rejects = failed;
        setImmediate(() => {
          pending = undefined;
          load([...mine.keys()]).then(
            (views) => mine.forEach((waiters, key) => waiters.forEach((w) => w(views.get(key)))),
            (error) => rejects.forEach((r) => r(error)),
          );
        });
      }
      pending.set(id, [...(pending.get(id) ?? []), resolve]);
      failed.push(reject);
    });
}

/**
 * Runs sends in the order they were queued, each once what it waits for is ready: a
 * conversation's messages reach agents in seq order although each fan-out first reads who may
 * see it.
 */
function createOrderedQueue(onError: (error: unknown) => void) {
  const items: { settled: boolean; run: () => void }[] = [];
  const drain = () => {
    while (items.length && items[0]!.settled) items.shift()!.run();
  };
  return <T>(work: Promise<T>, then: (value: T) => void) => {
    const item = { settled: false, run: () => {} };
    items.push(item);
    work.then(
      (value) => (item.run = () => then(value)),
      (error) => (item.run = () => onError(error)),
    ).finally(() => {
      item.settled = true;
      drain();
    });
  };
}

/**
 * This node's live sockets, by visitor, by workspace and by agent, and the fan-out to them. Each
 * frame passes the serializer of its audience: visitors get only their own conversations' public
 * messages; agents only the conversations routing lets them see (every one for admins, and every
 * one without routing), each frame after a fresh read of who may see it, so an agent who lost a
 * chat stops getting its messages.
 */
export function createHub({
  findVisitor,
  views = async () => new Map(),
  maskerFor,
  onError = () => {},
}: {
  /** A visitor as agents name them; `given` when the name is a contact's or an agent's, not the visitor's own. */
  findVisitor: (id: string) => Promise<{ id: string; name: string | null; given?: boolean } | undefined>;
  /** How a workspace's agents get free text now (personal data masked or not); decided when a frame leaves. Required: no agent-bound path may forget it. */
  maskerFor: (workspaceId: string) => Masker;
  /** Who may see conversations (routing); without it every agent of the workspace sees every one. */
  views?: ViewLoader;
  onError?: (error: unknown) => void;
}) {
  const byVisitor = new Map<string, Set<Peer>>();
  const byWorkspace = new Map<string, Set<Peer>>();
  const byAgent = new Map<string, Set<Peer>>();
  const visitorNames = new Map<string, { id: string; name: string | null; given?: boolean }>();
  const peerListeners = new Set<(peer: Peer, added: boolean) => void>();
  const tellPeer = (peer: Peer, added: boolean) => peerListeners.forEach((listener) => listener(peer, added));
  const visitorPeersOf = (workspaceId: string) => [...byVisitor.values()].flatMap((set) => [...set].filter((p) => p.principal.workspaceId === workspaceId));
  const viewOf = batched(views);
  const inOrder = createOrderedQueue(onError);

  const keyOf = (p: Principal) => (p.kind === 'visitor' ? p.visitorId : p.workspaceId);
  const mapOf = (p: Principal) => (p.kind === 'visitor' ? byVisitor : byWorkspace);

  async function visitorOf(id: string) {
    let visitor = visitorNames.get(id);
    if (!visitor) {
      visitor = (await findVisitor(id).catch(() => undefined)) ?? { id, name: null };
      if (visitorNames.size > 10_000) visitorNames.clear();
      visitorNames.set(id, visitor);
    }
    return visitor;
  }

  /** The workspace's agent sockets that may see a conversation. */
  const seers = (workspaceId: string, view: RoutingView | undefined) =>
    [...(byWorkspace.get(workspaceId) ?? [])].filter((p) => agentMaySee(p.principal as AgentPrincipal, view));

  /**
   * Sends to the agents who may see a conversation, in queue order, after reading its routing
   * (and, for a list row, its visitor's name).
   */
  function toSeers(workspaceId: string, conversationId: string, frames: (view: RoutingView | undefined, visitor: { id: string; name: string | null } | undefined) => string[], visitorId?: string) {
    if (!byWorkspace.get(workspaceId)?.size) return;
    inOrder(Promise.all([viewOf(conversationId), visitorId ? visitorOf(visitorId) : undefined]), ([view, visitor]) => {
      const peers = seers(workspaceId, view);
      if (!peers.length) return;
      for (const frame of frames(view, visitor)) for (const peer of peers) peer.send(frame);
    });
  }

  const agentSummary = (conversation: ConversationRow, visitor: { id: string; name: string | null } | undefined, view: RoutingView | undefined) =>
    encode({
      type: 'conversation.updated',
      conversation: { ...toAgentSummary(conversation, visitor, maskerFor(conversation.workspaceId)), ...(view && { routing: toConversationRouting(view) }) },
    });

  return {
    add(peer: Peer): () => void {
      const map = mapOf(peer.principal);
      const key = keyOf(peer.principal);
      const set = map.get(key) ?? new Set();
      set.add(peer);
      map.set(key, set);
      const { principal } = peer;
      const mine = principal.kind === 'agent' ? (byAgent.get(principal.agentId) ?? new Set<Peer>()) : undefined;
      if (principal.kind === 'agent') byAgent.set(principal.agentId, mine!.add(peer));
      tellPeer(peer, true);
      return () => {
        if (!set.delete(peer)) return;
        if (!set.size) map.delete(key);
        if (mine && principal.kind === 'agent' && mine.delete(peer) && !mine.size) byAgent.delete(principal.agentId);
        tellPeer(peer, false);
      };
    },

    /** Calls `listener` when a socket joins (true) or leaves (false) this node; returns the unsubscribe function. */
    onPeer(listener: (peer: Peer, added: boolean) => void): () => void {
      peerListeners.add(listener);
      return () => peerListeners.delete(listener);
    },

    /** Hands a relayed typing or read event to the conversation's visitor and the agents who may see it, each through its audience's serializer. */
    relay(event: RelayEvent): void {
      if (event.kind !== 'typing' && event.kind !== 'read') return;
      const forVisitor = event.kind === 'typing' ? toVisitorTyping(event) : toVisitorRead(event);
      if (forVisitor) {
        const frame = encode(forVisitor);
        for (const peer of byVisitor.get(event.visitorId) ?? []) peer.send(frame);
      }
      // An agent's own sockets do not need their own typing or reading back.
      const actor = event.kind === 'typing' ? event.author : event.reader;
      const own = (p: Principal) => actor.kind === 'agent' && p.kind === 'agent' && p.agentId === actor.id;
      if (![...(byWorkspace.get(event.workspaceId) ?? [])].some((p) => !own(p.principal))) return;
      const frame = encode(event.kind === 'typing' ? toAgentTyping(event) : toAgentRead(event));
      inOrder(viewOf(event.conversationId), (view) => {
        for (const peer of seers(event.workspaceId, view)) if (!own(peer.principal)) peer.send(frame);
      });
    },

    /** Sends a conversation's new state (e.g. ended) to its visitor and to the agents who may see it. */
    conversationChanged(conversation: ConversationRow): void {
      const frame = encode({ type: 'conversation.updated', conversation: toVisitorSummary(conversation) });
      for (const peer of byVisitor.get(conversation.visitorId) ?? []) peer.send(frame);
      toSeers(conversation.workspaceId, conversation.id, (view, visitor) => [agentSummary(conversation, visitor, view)], conversation.visitorId);
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

    /** This node's agent sockets of a workspace. */
    agentPeers(workspaceId: string): Peer[] {
      return [...(byWorkspace.get(workspaceId) ?? [])];
    },

    /** The workspaces with agent sockets on this node. */
    agentWorkspaces(): string[] {
      return [...byWorkspace.keys()];
    },

    /** This node's visitor sockets of a workspace. */
    visitorPeers: visitorPeersOf,

    /** The agents with a socket on this node (for the heartbeat's "console seen"). */
    agentIds(): string[] {
      return [...byAgent.keys()];
    },

    /** Sends a frame to one agent's sockets on this node. */
    sendToAgent(agentId: string, frame: ServerFrame): void {
      const peers = byAgent.get(agentId);
      if (!peers?.size) return;
      const text = encode(frame);
      for (const peer of peers) peer.send(text);
    },

    /** Sends a frame to one visitor's sockets on this node. */
    sendToVisitor(visitorId: string, frame: ServerFrame): void {
      const peers = byVisitor.get(visitorId);
      if (!peers?.size) return;
      const text = encode(frame);
      for (const peer of peers) peer.send(text);
    },

    /** Closes every socket of a session's principal (sign-out). */
    closeWhere(match: (p: Principal) => boolean, code: number, reason: string): void {
      for (const map of [byVisitor, byWorkspace]) {
        for (const set of map.values()) for (const peer of [...set]) if (match(peer.principal)) peer.close(code, reason);
      }
    },

    /** Sends a committed batch to its visitor's sockets and to the agents who may see its conversation. */
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
      // A name the visitor typed since is theirs to change, but never replaces one a contact or an agent gave.
      const visitorMessage = messages.find((m) => m.senderKind === 'visitor' && m.senderName);
      const cached = visitorNames.get(conversation.visitorId);
      if (visitorMessage && cached && !cached.given) visitorNames.set(conversation.visitorId, { ...cached, name: visitorMessage.senderName });
      toSeers(
        conversation.workspaceId,
        conversation.id,
        (view, visitor) => {
          const mask = maskerFor(conversation.workspaceId);
          return [...messages.map((m) => encode({ type: 'message.created', message: toAgentMessage(m, mask) })), agentSummary(conversation, visitor, view)];
        },
        conversation.visitorId,
      );
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
