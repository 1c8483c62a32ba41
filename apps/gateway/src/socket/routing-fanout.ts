import type { RoutingQueue, ServerFrame } from '@parley/protocol';
import { MAX_RELAY_EVENT_BYTES, type EventRelay, type RoutingRelayEvent } from '../bus/event-relay.ts';
import type { AgentPrincipal } from '../domain/identity/principal.ts';
import { agentMaySee, toConversationRouting } from '../domain/routing/routing-access.ts';
import type { RoutingEvent, RoutingService } from '../domain/routing/routing-service.ts';
import type { Hub, Peer } from './hub.ts';

type Lost = NonNullable<RoutingRelayEvent['lost']>[number];
type Taken = NonNullable<RoutingRelayEvent['taken']>[number];

/** What one workspace's sockets on this node still have to be told. */
interface Pending {
  conversationIds: Set<string>;
  agentIds: Set<string>;
  lost: Lost[];
  taken: Taken[];
  running: boolean;
  again: boolean;
}

/**
 * Routing's frames on every gateway node. `publish` (on the node where routing decided) turns
 * events into relay events: complete frames for single agents (an offer with what its pop-over
 * shows, its end, a transfer's answer) and the ids of what changed. Every node, this one
 * included, then reads what changed for its own sockets: `routing.conversation` to the agents
 * who may see the chat, `routing.access.lost` to those who no longer may, `routing.agent` to the
 * workspace's agents, `routing.queues` (each agent's queues, every queue for admins) and the
 * visitors' `queue.position`. Reads are coalesced per workspace, and nothing is read for a
 * workspace without sockets here.
 */
export function createRoutingFanout({
  hub,
  relay,
  routing,
  onError,
  refreshMs = 15_000,
}: {
  hub: Hub;
  relay: EventRelay;
  routing: RoutingService;
  onError: (error: unknown) => void;
  /** How often this node reads its agents' queue counts again without an event (a console that went quiet changes the Online count). */
  refreshMs?: number;
}) {
  const pending = new Map<string, Pending>();
  // What each agent socket was last told of the queues, and each waiting visitor of their place.
  const queuesSent = new WeakMap<Peer, string>();
  const positionsSent = new Map<string, { visitorId: string; workspaceId: string; position: number }>();

  function pendingOf(workspaceId: string): Pending {
    let p = pending.get(workspaceId);
    if (!p) {
      p = { conversationIds: new Set(), agentIds: new Set(), lost: [], taken: [], running: false, again: false };
      pending.set(workspaceId, p);
    }
    return p;
  }

  /** Sends what routing did to every node's sockets. Never throws. */
  async function publish(events: RoutingEvent[]): Promise<void> {
    if (!events.length) return;
    try {
      const offerIds = events.flatMap((e) => (e.type === 'offered' ? [e.offerId] : []));
      const offers = new Map((await routing.offerViews(offerIds)).map(({ agentId: _, ...offer }) => [offer.id, offer]));
      const byWorkspace = new Map<string, { frames: { agentId: string; frame: ServerFrame }[]; lost: Lost[]; taken: Taken[]; conversationIds: Set<string>; agentIds: Set<string> }>();
      for (const e of events) {
        let w = byWorkspace.get(e.workspaceId);
        if (!w) byWorkspace.set(e.workspaceId, (w = { frames: [], lost: [], taken: [], conversationIds: new Set(), agentIds: new Set() }));
        switch (e.type) {
          case 'offered': {
            const offer = offers.get(e.offerId);
            if (offer) w.frames.push({ agentId: e.agentId, frame: { type: 'routing.offer', offer } });
            w.conversationIds.add(e.conversationId);
            break;
          }
          case 'offer.closed':
            w.frames.push({ agentId: e.agentId, frame: { type: 'routing.offer.closed', offerId: e.offerId, conversationId: e.conversationId, outcome: e.outcome } });
            w.conversationIds.add(e.conversationId);
            break;
          case 'broadcast':
            w.conversationIds.add(e.conversationId);
            break;
          case 'assigned':
            w.conversationIds.add(e.conversationId);
            w.agentIds.add(e.agentId);
            if (e.queueId) w.taken.push({ conversationId: e.conversationId, queueId: e.queueId });
            break;
          case 'resolved':
            w.conversationIds.add(e.conversationId);
            w.agentIds.add(e.agentId);
            break;
          case 'status':
            w.agentIds.add(e.agentId);
            // Whether anyone can answer may have changed for the workspace's visitors.
            relay.publish({ kind: 'availability', workspaceId: e.workspaceId });
            break;
          case 'access.lost':
            w.lost.push({ agentId: e.agentId, conversationId: e.conversationId, reason: e.reason });
            w.conversationIds.add(e.conversationId);
            break;
          case 'transfer.result':
            w.frames.push({ agentId: e.agentId, frame: { type: 'routing.transfer.result', conversationId: e.conversationId, accepted: e.accepted, to: e.to } });
            break;
          case 'changed':
            if (e.conversationId) w.conversationIds.add(e.conversationId);
            for (const id of e.agentIds ?? []) w.agentIds.add(id);
            break;
        }
      }
      for (const [workspaceId, w] of byWorkspace) {
        for (const event of pack(workspaceId, w)) relay.publish(event);
      }
    } catch (error) {
      onError(error);
    }
  }

  /** Cuts a workspace's changes into relay events that each fit in one notification. */
  function pack(
    workspaceId: string,
    w: { frames: { agentId: string; frame: ServerFrame }[]; lost: Lost[]; taken: Taken[]; conversationIds: Set<string>; agentIds: Set<string> },
  ): RoutingRelayEvent[] {
    type Lists = Pick<RoutingRelayEvent, 'frames' | 'lost' | 'taken' | 'conversationIds' | 'agentIds'>;
    const items: { key: keyof Lists; item: unknown }[] = [
      ...w.frames.map((item) => ({ key: 'frames' as const, item })),
      ...w.lost.map((item) => ({ key: 'lost' as const, item })),
      ...w.taken.map((item) => ({ key: 'taken' as const, item })),
      ...[...w.conversationIds].map((item) => ({ key: 'conversationIds' as const, item })),
      ...[...w.agentIds].map((item) => ({ key: 'agentIds' as const, item })),
    ];
    const events: RoutingRelayEvent[] = [];
    const EMPTY = JSON.stringify({ from: '00000000-0000-0000-0000-000000000000', event: { kind: 'routing', workspaceId } }).length;
    let lists: Record<string, unknown[]> = {};
    let size = EMPTY;
    for (const { key, item } of items) {
      const bytes = JSON.stringify(item).length + key.length + 8;
      if (size + bytes > MAX_RELAY_EVENT_BYTES && size > EMPTY) {
        events.push({ kind: 'routing', workspaceId, ...(lists as Lists) });
        lists = {};
        size = EMPTY;
      }
      (lists[key] ??= []).push(item);
      size += bytes;
    }
    // Even with nothing listed, the nodes read the queue counts and places again.
    events.push({ kind: 'routing', workspaceId, ...(lists as Lists) });
    return events;
  }

  /** A relay event from any node: frames for single agents now, the rest read and sent per workspace. */
  function receive(event: RoutingRelayEvent): void {
    for (const { agentId, frame } of event.frames ?? []) hub.sendToAgent(agentId, frame);
    const p = pendingOf(event.workspaceId);
    for (const id of event.conversationIds ?? []) p.conversationIds.add(id);
    for (const id of event.agentIds ?? []) p.agentIds.add(id);
    p.lost.push(...(event.lost ?? []));
    p.taken.push(...(event.taken ?? []));
    schedule(event.workspaceId);
  }

  function schedule(workspaceId: string): void {
    const p = pendingOf(workspaceId);
    if (p.running) {
      p.again = true;
      return;
    }
    p.running = true;
    setImmediate(() => {
      flush(workspaceId)
        .catch(onError)
        .finally(() => {
          p.running = false;
          if (p.again) {
            p.again = false;
            schedule(workspaceId);
          } else if (!p.conversationIds.size && !p.agentIds.size && !p.lost.length && !p.taken.length) pending.delete(workspaceId);
        });
    });
  }

  async function flush(workspaceId: string): Promise<void> {
    const p = pendingOf(workspaceId);
    const conversationIds = [...p.conversationIds];
    const agentIds = [...p.agentIds];
    const { lost, taken } = p;
    p.conversationIds = new Set();
    p.agentIds = new Set();
    p.lost = [];
    p.taken = [];
    const agents = hub.agentPeers(workspaceId);
    if (agents.length) await toAgents(workspaceId, agents, conversationIds, agentIds, lost, taken);
    if (hub.visitorPeers(workspaceId).length) await sendPositions(workspaceId);
  }

  async function toAgents(workspaceId: string, peers: Peer[], conversationIds: string[], agentIds: string[], lost: Lost[], taken: Taken[]): Promise<void> {
    const ids = [...new Set([...conversationIds, ...lost.map((l) => l.conversationId), ...taken.map((t) => t.conversationId)])];
    const [views, queues, changedAgents] = await Promise.all([
      routing.views(ids),
      routing.queueViews(workspaceId),
      agentIds.length ? routing.agentViews(workspaceId, agentIds) : Promise.resolve([]),
    ]);
    const viewer = (peer: Peer) => peer.principal as AgentPrincipal;
    for (const id of conversationIds) {
      const view = views.get(id);
      if (!view) continue;
      const frame = JSON.stringify({ type: 'routing.conversation', conversationId: id, routing: toConversationRouting(view) } satisfies ServerFrame);
      for (const peer of peers) if (agentMaySee(viewer(peer), view)) peer.send(frame);
    }
    // Only agents who really lost the chat are told (an admin never does).
    const told = new Set<string>();
    const tell = (agentId: string, conversationId: string, reason: Lost['reason']) => {
      const key = `${agentId}/${conversationId}`;
      if (told.has(key)) return;
      const mine = peers.filter((peer) => viewer(peer).agentId === agentId);
      if (!mine.length || agentMaySee(viewer(mine[0]!), views.get(conversationId))) return;
      told.add(key);
      hub.sendToAgent(agentId, { type: 'routing.access.lost', conversationId, reason });
    };
    for (const l of lost) tell(l.agentId, l.conversationId, l.reason);
    for (const t of taken) {
      for (const agentId of queues.find((q) => q.id === t.queueId)?.agentIds ?? []) tell(agentId, t.conversationId, 'taken');
    }
    for (const agent of changedAgents) {
      const frame = JSON.stringify({ type: 'routing.agent', agent } satisfies ServerFrame);
      for (const peer of peers) peer.send(frame);
    }
    for (const peer of peers) sendQueues(peer, queues);
  }

  /** `routing.queues` with the queues an agent works (every queue for an admin), when it changed. */
  function sendQueues(peer: Peer, queues: RoutingQueue[]): void {
    const me = peer.principal as AgentPrincipal;
    const mine = me.role === 'admin' ? queues : queues.filter((q) => q.agentIds.includes(me.agentId));
    const frame = JSON.stringify({ type: 'routing.queues', queues: mine } satisfies ServerFrame);
    if (queuesSent.get(peer) === frame) return;
    queuesSent.set(peer, frame);
    peer.send(frame);
  }

  /** `queue.position` to the workspace's waiting visitors on this node whose place changed; 0 once an agent has the chat. */
  async function sendPositions(workspaceId: string, only?: string[], force = false): Promise<void> {
    const visitorIds = only ?? [...new Set(hub.visitorPeers(workspaceId).map((p) => (p.principal.kind === 'visitor' ? p.principal.visitorId : '')))];
    const rows = await routing.positions(workspaceId, visitorIds);
    const now = new Set<string>();
    for (const row of rows) {
      now.add(row.conversationId);
      const before = positionsSent.get(row.conversationId);
      if (!force && before?.position === row.position) continue;
      positionsSent.set(row.conversationId, { visitorId: row.visitorId, workspaceId, position: row.position });
      hub.sendToVisitor(row.visitorId, { type: 'queue.position', conversationId: row.conversationId, position: row.position });
    }
    if (only) return;
    for (const [conversationId, sent] of positionsSent) {
      if (sent.workspaceId !== workspaceId || now.has(conversationId)) continue;
      positionsSent.delete(conversationId);
      if (visitorIds.includes(sent.visitorId)) hub.sendToVisitor(sent.visitorId, { type: 'queue.position', conversationId, position: 0 });
    }
  }

  relay.subscribe((event) => {
    if (event.kind === 'routing') receive(event);
  });

  hub.onPeer((peer, added) => {
    const { principal } = peer;
    if (!added) return;
    if (principal.kind === 'agent') {
      // The console is back: the agent counts as present again, and if Online may get waiting chats.
      routing.connected(principal.agentId).then(publish, onError);
    } else {
      // A visitor waiting in a queue learns their place at once.
      sendPositions(principal.workspaceId, [principal.visitorId], true).catch(onError);
    }
  });

  // Sent only where something changed (queuesSent, positionsSent).
  const timer = setInterval(() => hub.agentWorkspaces().forEach(schedule), refreshMs);
  timer.unref();

  return {
    publish,
    /** Stops the periodic re-read (shutdown). */
    stop: () => clearInterval(timer),
  };
}

/** The routing fan-out's interface. */
export type RoutingFanout = ReturnType<typeof createRoutingFanout>;
