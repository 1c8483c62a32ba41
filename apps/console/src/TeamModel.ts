import type { ParleyClient } from '@parley/client';
import type { AgentStatusValue, CHOSEN_STATUSES, RoutingAgent, RoutingQueue, RoutingSnapshot } from '@parley/protocol';
import { batch, computed, signal, type ReadonlySignal } from '@preact/signals';
import { explainError, type Api } from './api.ts';

/** A status the agent can choose (RONA is only ever set by routing). */
export type ChosenStatus = (typeof CHOSEN_STATUSES)[number];

/** How each status reads in the console. */
export const STATUS_LABEL: Record<AgentStatusValue, string> = {
  online: 'Online',
  invisible: 'Invisible',
  break: 'Break',
  offline: 'Offline',
  rona: 'RONA',
};

/** A wrap-up reason of the workspace. */
export interface WrapUpReason {
  id: string;
  label: string;
}

/** What the team model needs: REST for the snapshot and the status, the client for live changes, a clock. */
export interface TeamTransport {
  api: Pick<Api, 'get' | 'put'>;
  client: Pick<ParleyClient, 'on'>;
  /** Current time in ms (default `Date.now`). */
  now?: () => number;
  /** Starts the timer that moves "time in status" on; returns its cancel function (default: every second). */
  tick?: (callback: () => void) => () => void;
  /** Called with every snapshot read, so the offers it carries reach the pop-overs. */
  onSnapshot?: (snapshot: RoutingSnapshot) => void;
}

/**
 * The team as routing sees it (MISSION.md A1, A2): this agent's status and since when, the other
 * agents with their status and load, the queues with their live counts, and the wrap-up reasons.
 */
export interface TeamModel {
  readonly status: ReadonlySignal<'loading' | 'ready' | 'error'>;
  /** Why the last read or status change failed, in words for the agent. */
  readonly error: ReadonlySignal<string | null>;
  /** This agent, as routing has them. */
  readonly me: ReadonlySignal<RoutingAgent | null>;
  /** Every agent the console lists, by name. */
  readonly agents: ReadonlySignal<RoutingAgent[]>;
  /** The queues this agent sees, by name, with waiting chats and Online agents. */
  readonly queues: ReadonlySignal<RoutingQueue[]>;
  readonly wrapUpReasons: ReadonlySignal<WrapUpReason[]>;
  /** Days a resolved chat stays in Closed before it goes to the archive (0: at once); null until the snapshot is read. */
  readonly archiveAfterDays: ReadonlySignal<number | null>;
  /** The current time, moved on by the timer. */
  readonly now: ReadonlySignal<number>;
  /** How long this agent has been in their current status, in ms. */
  readonly timeInStatus: ReadonlySignal<number>;
  /** True while a status change is on its way. */
  readonly changing: ReadonlySignal<boolean>;
  /** (Re)reads the snapshot (`GET /api/agent/routing`). */
  load(): Promise<void>;
  /** Sets this agent's status; choosing Online also ends RONA. */
  setStatus(status: ChosenStatus): Promise<void>;
  /** An agent by id. */
  agent(agentId: string): RoutingAgent | undefined;
  /** Stops listening to the client and the timer. */
  dispose(): void;
}

const byName = <T extends { name: string; id: string }>(a: T, b: T) => a.name.localeCompare(b.name) || a.id.localeCompare(b.id);

/** Whether an agent counts as Online in a queue's "agents online". */
const countsOnline = (agent: RoutingAgent | undefined) => agent?.status === 'online' && agent.connected;

const defaultTick = (callback: () => void) => {
  const timer = setInterval(callback, 1000);
  return () => clearInterval(timer);
};

/** Creates the team model. Call `load()` once the client is connecting; live frames apply from creation on. */
export function createTeamModel({ api, client, now: clock = Date.now, tick = defaultTick, onSnapshot }: TeamTransport): TeamModel {
  const status = signal<'loading' | 'ready' | 'error'>('loading');
  const error = signal<string | null>(null);
  const meId = signal<string | null>(null);
  const byId = signal(new Map<string, RoutingAgent>());
  const queueList = signal<RoutingQueue[]>([]);
  const wrapUpReasons = signal<WrapUpReason[]>([]);
  const archiveAfterDays = signal<number | null>(null);
  const now = signal(clock());
  const changing = signal(false);
  let hellos = 0;
  let generation = 0;

  const me = computed(() => (meId.value ? (byId.value.get(meId.value) ?? null) : null));
  const agents = computed(() => [...byId.value.values()].sort(byName));
  const queues = computed(() => [...queueList.value].sort(byName));
  const timeInStatus = computed(() => {
    const since = Date.parse(me.value?.since ?? '');
    return Number.isNaN(since) ? 0 : Math.max(0, now.value - since);
  });

  function putAgent(agent: RoutingAgent): void {
    const before = byId.value.get(agent.id);
    // Online counts follow the agent at once; the gateway's next `routing.queues` confirms them.
    const delta = Number(countsOnline(agent)) - Number(countsOnline(before));
    batch(() => {
      byId.value = new Map(byId.value).set(agent.id, agent);
      if (delta && before) {
        queueList.value = queueList.value.map((q) => (q.agentIds.includes(agent.id) ? { ...q, online: Math.max(0, q.online + delta) } : q));
      }
    });
  }

  async function load(): Promise<void> {
    const mine = ++generation;
    try {
      const snapshot = await api.get<RoutingSnapshot>('/api/agent/routing');
      if (mine !== generation) return;
      batch(() => {
        const next = new Map<string, RoutingAgent>();
        for (const agent of snapshot.agents) next.set(agent.id, agent);
        next.set(snapshot.me.id, snapshot.me);
        byId.value = next;
        meId.value = snapshot.me.id;
        queueList.value = snapshot.queues;
        wrapUpReasons.value = snapshot.wrapUpReasons;
        archiveAfterDays.value = snapshot.archiveAfterDays;
        status.value = 'ready';
        error.value = null;
      });
      onSnapshot?.(snapshot);
    } catch (e) {
      if (mine !== generation) return;
      batch(() => {
        error.value = explainError(e, 'Statuses and queues could not be loaded.');
        if (status.value === 'loading') status.value = 'error';
      });
    }
  }

  const stops = [
    client.on('frame', (frame) => {
      if (frame.type === 'routing.agent') putAgent(frame.agent);
      else if (frame.type === 'routing.queues') {
        // The frame lists the queues this agent sees; any other queue is no longer theirs to see.
        queueList.value = frame.queues;
      }
    }),
    // After a reconnect, statuses and counts may have changed while no socket was listening.
    client.on('hello', () => {
      if (++hellos > 1) void load();
    }),
    tick(() => (now.value = clock())),
  ];

  return {
    status,
    error,
    me,
    agents,
    queues,
    wrapUpReasons,
    archiveAfterDays,
    now,
    timeInStatus,
    changing,
    load,
    async setStatus(next) {
      if (changing.value) return;
      changing.value = true;
      try {
        const answer = await api.put<{ agent?: RoutingAgent } | undefined>('/api/agent/status', { status: next });
        batch(() => {
          error.value = null;
          // The answer may carry the agent; `routing.agent` brings it either way.
          if (answer?.agent) putAgent(answer.agent);
          else if (me.value && me.value.status !== next) putAgent({ ...me.value, status: next, since: new Date(clock()).toISOString() });
        });
      } catch (e) {
        error.value = explainError(e, 'Your status could not be changed.');
      } finally {
        changing.value = false;
      }
    },
    agent: (agentId) => byId.value.get(agentId),
    dispose() {
      generation++;
      stops.splice(0).forEach((stop) => stop());
    },
  };
}
