import {
  AgentCreateSchema,
  AgentLimitSchema,
  QueueInputSchema,
  QueuePatchSchema,
  WrapUpReasonInputSchema,
  type AgentCreated,
  type AgentRole,
  type QueueInput,
  type QueueMode,
  type RoutingAgent,
} from '@parley/protocol';
import { batch, computed, signal, type ReadonlySignal } from '@preact/signals';
import * as v from 'valibot';
import { explainError, type Api } from './api.ts';
import { createBlocksModel, type BlocksModel } from './BlocksModel.ts';
import { createPrivacyModel, type PrivacyModel } from './PrivacyModel.ts';
import type { TeamModel, WrapUpReason } from './TeamModel.ts';
import { createTemplatesModel, type TemplatesModel } from './TemplatesModel.ts';

/** A queue as the admin screens edit it. */
export interface AdminQueue {
  id: string;
  name: string;
  mode: QueueMode;
  topN: number;
  offerTimeoutMs: number;
  agentIds: string[];
}

/** How each assignment mode reads in the console. */
export const MODE_LABEL: Record<QueueMode, string> = {
  offer: 'Offer to one agent at a time',
  top_n: 'Offer to the first N agents at once',
  broadcast: 'Show to every agent (first to reply or take it owns it)',
  round_robin: 'Round robin',
  least_busy: 'Least busy agent',
};

/** What the admin model needs: REST for the admin routes, and the team for agents and refreshes. */
export interface AdminTransport {
  api: Pick<Api, 'get' | 'post' | 'put' | 'patch' | 'delete'>;
  team: Pick<TeamModel, 'agents' | 'queues' | 'wrapUpReasons' | 'load'> & Partial<Pick<TeamModel, 'me'>>;
}

/** An agent just added, with the one-time password the admin passes on (shown this once). */
export type AddedAgent = AgentCreated;

/** The admin screens' state (MISSION.md A2, A9, A12, A13): queues and their agents, wrap-up reasons, the agents (add, remove, chat limits), templates, blocks, privacy. */
export interface AdminModel {
  readonly status: ReadonlySignal<'loading' | 'ready' | 'error'>;
  /** Why the last read or change failed, in words for the admin. */
  readonly error: ReadonlySignal<string | null>;
  /** True while a change is on its way. */
  readonly busy: ReadonlySignal<boolean>;
  readonly queues: ReadonlySignal<AdminQueue[]>;
  readonly reasons: ReadonlySignal<WrapUpReason[]>;
  readonly agents: ReadonlySignal<RoutingAgent[]>;
  /** The signed-in admin's own id (they cannot remove themselves). */
  readonly meId: ReadonlySignal<string | null>;
  /** The agent added last, with their one-time password, until the admin is done with it. */
  readonly added: ReadonlySignal<AddedAgent | null>;
  /** What the last removal did, in words for the admin. */
  readonly notice: ReadonlySignal<string | null>;
  /** Why adding or removing an agent failed, shown beside the form or in the dialog that asked. */
  readonly agentError: ReadonlySignal<string | null>;
  /** The workspace's templates (their section reads them when it opens). */
  readonly templates: TemplatesModel;
  /** The blocked visitors (their section reads them when it opens). */
  readonly blocks: BlocksModel;
  /** Masking personal data and who sees contact details (their section reads them when it opens). */
  readonly privacy: PrivacyModel;
  /** Reads the queues and the wrap-up reasons. */
  load(): Promise<void>;
  /** Creates a queue with these agents; true when it was created. */
  createQueue(input: QueueInput, agentIds: string[]): Promise<boolean>;
  /** Changes a queue's settings and its agents. */
  updateQueue(queueId: string, patch: Partial<QueueInput>, agentIds: string[]): Promise<boolean>;
  addReason(label: string): Promise<boolean>;
  removeReason(reasonId: string): Promise<boolean>;
  /** Sets how many chats an agent may hold at once. */
  setChatLimit(agentId: string, maxChats: number): Promise<boolean>;
  /** Adds an agent; on success `added` holds their one-time password. */
  addAgent(input: { name: string; email: string; role: AgentRole }): Promise<boolean>;
  /** Forgets the one-time password shown (the admin passed it on). */
  dismissAdded(): void;
  /** Removes an agent: their sessions end, their chats go back to their queues. */
  removeAgent(agentId: string): Promise<boolean>;
  /** Forgets the last errors. */
  clearError(): void;
}

/** A field's name in messages, and how its numbers read (the offer timeout is edited in seconds). */
interface Field {
  label: string;
  unit?: (n: number) => string;
}

const AGENT_FIELDS: Record<string, Field> = {
  name: { label: 'Name' },
  email: { label: 'E-mail' },
  role: { label: 'Role' },
};

const QUEUE_FIELDS: Record<string, Field> = {
  name: { label: 'Name' },
  mode: { label: 'Assignment' },
  topN: { label: 'Agents per offer' },
  offerTimeoutMs: { label: 'Offer timeout', unit: (ms) => `${ms / 1000} second${ms === 1000 ? '' : 's'}` },
};

/** The first issue of a failed check as a sentence that says what to enter. */
function issueText(issues: v.BaseIssue<unknown>[], fields: Record<string, Field>): string {
  const issue = issues[0];
  const key = issue ? v.getDotPath(issue) : null;
  const field = (key && fields[key]) || { label: 'This value' };
  const n = typeof issue?.requirement === 'number' ? issue.requirement : NaN;
  const amount = field.unit ? field.unit(n) : String(n);
  switch (issue?.type) {
    case 'min_length':
      return `${field.label} must not be empty.`;
    case 'max_length':
      return `${field.label} must be at most ${n} characters.`;
    case 'min_value':
      return `${field.label} must be at least ${amount}.`;
    case 'max_value':
      return `${field.label} must be at most ${amount}.`;
    case 'integer':
    case 'number':
      return `${field.label} must be a whole number.`;
    case 'picklist':
      return `Choose one of the options for ${field.label.toLowerCase()}.`;
    case 'email':
      return `${field.label} must be an e-mail address, like name@example.com.`;
    default:
      return `${field.label}: ${issue?.message ?? 'check the value'}.`;
  }
}

/** A list from an admin route's answer, whether it comes bare or under a key. */
function listOf<T>(answer: unknown, ...keys: string[]): T[] {
  if (Array.isArray(answer)) return answer as T[];
  for (const key of keys) {
    const value = (answer as Record<string, unknown> | undefined)?.[key];
    if (Array.isArray(value)) return value as T[];
  }
  return [];
}

/** Creates the admin model; call `load()` when the admin screens open. */
export function createAdminModel({ api, team }: AdminTransport): AdminModel {
  const status = signal<'loading' | 'ready' | 'error'>('loading');
  const error = signal<string | null>(null);
  const busy = signal(false);
  const added = signal<AddedAgent | null>(null);
  const notice = signal<string | null>(null);
  const agentError = signal<string | null>(null);
  const queueRows = signal<Partial<AdminQueue>[]>([]);
  const reasonRows = signal<WrapUpReason[] | null>(null);

  // The admin route may leave out a queue's agents; the team's snapshot has them.
  const queues = computed<AdminQueue[]>(() => {
    const live = new Map(team.queues.value.map((q) => [q.id, q]));
    return queueRows.value
      .filter((q): q is Partial<AdminQueue> & { id: string; name: string } => typeof q.id === 'string' && typeof q.name === 'string')
      .map((q) => ({
        id: q.id,
        name: q.name,
        mode: q.mode ?? live.get(q.id)?.mode ?? 'offer',
        topN: q.topN ?? live.get(q.id)?.topN ?? 1,
        offerTimeoutMs: q.offerTimeoutMs ?? live.get(q.id)?.offerTimeoutMs ?? 30_000,
        agentIds: q.agentIds ?? live.get(q.id)?.agentIds ?? [],
      }))
      .sort((a, b) => a.name.localeCompare(b.name));
  });
  const reasons = computed(() => reasonRows.value ?? team.wrapUpReasons.value);

  async function load(): Promise<void> {
    try {
      const [q, r] = await Promise.all([api.get<unknown>('/api/admin/queues'), api.get<unknown>('/api/admin/wrap-up-reasons')]);
      batch(() => {
        queueRows.value = listOf(q, 'queues');
        reasonRows.value = listOf<WrapUpReason>(r, 'reasons', 'wrapUpReasons');
        status.value = 'ready';
        error.value = null;
      });
    } catch (e) {
      batch(() => {
        error.value = explainError(e, 'The queues and wrap-up reasons could not be loaded.');
        if (status.value === 'loading') status.value = 'error';
      });
    }
  }

  /** Runs a change, then reads the lists again (and the team's snapshot, which pickers use); a failure is said in `into`. */
  async function change(fallback: string, work: () => Promise<void>, into = error): Promise<boolean> {
    if (busy.value) return false;
    busy.value = true;
    into.value = null;
    notice.value = null;
    try {
      await work();
      await Promise.all([load(), team.load()]);
      return true;
    } catch (e) {
      into.value = explainError(e, fallback);
      return false;
    } finally {
      busy.value = false;
    }
  }

  /** Checks input with the gateway's own schema, so the admin hears about a mistake before sending. */
  function check<T extends v.GenericSchema>(schema: T, input: unknown, fields: Record<string, Field>, into = error): v.InferOutput<T> | null {
    const result = v.safeParse(schema, input);
    if (result.success) return result.output;
    into.value = issueText(result.issues, fields);
    return null;
  }

  const agentsBody = (agentIds: string[]) => ({ agentIds: [...new Set(agentIds)] });

  return {
    status,
    error,
    busy,
    queues,
    reasons,
    agents: team.agents,
    meId: computed(() => team.me?.value?.id ?? null),
    added,
    notice,
    agentError,
    templates: createTemplatesModel({ api }),
    blocks: createBlocksModel({ api }),
    privacy: createPrivacyModel({ api }),
    load,
    async createQueue(input, agentIds) {
      const body = check(QueueInputSchema, input, QUEUE_FIELDS);
      if (!body) return false;
      const before = new Set(queueRows.value.map((q) => q.id));
      return change('The queue could not be created.', async () => {
        const made = await api.post<{ queue?: { id?: string }; id?: string } | undefined>('/api/admin/queues', body);
        let id = made?.queue?.id ?? made?.id;
        if (!id && agentIds.length) {
          // An answer without the new queue: it is the one the list did not have before.
          await load();
          id = queueRows.value.find((q) => !before.has(q.id) && q.name === body.name)?.id;
        }
        if (id) await api.put(`/api/admin/queues/${encodeURIComponent(id)}/agents`, agentsBody(agentIds));
      });
    },
    async updateQueue(queueId, patch, agentIds) {
      const body = check(QueuePatchSchema, patch, QUEUE_FIELDS);
      if (!body) return false;
      const path = `/api/admin/queues/${encodeURIComponent(queueId)}`;
      return change('The queue could not be saved.', async () => {
        await api.patch(path, body);
        await api.put(`${path}/agents`, agentsBody(agentIds));
      });
    },
    async addReason(label) {
      const body = check(WrapUpReasonInputSchema, { label }, { label: { label: 'A wrap-up reason' } });
      if (!body) return false;
      return change('The wrap-up reason could not be added.', () => api.post('/api/admin/wrap-up-reasons', body));
    },
    removeReason: (reasonId) =>
      change('The wrap-up reason could not be removed.', () => api.delete(`/api/admin/wrap-up-reasons/${encodeURIComponent(reasonId)}`)),
    async setChatLimit(agentId, maxChats) {
      const body = check(AgentLimitSchema, { maxChats }, { maxChats: { label: 'The chat limit' } });
      if (!body) return false;
      return change('The chat limit could not be saved.', () => api.patch(`/api/admin/agents/${encodeURIComponent(agentId)}`, body));
    },
    async addAgent(input) {
      const body = check(AgentCreateSchema, input, AGENT_FIELDS, agentError);
      if (!body) return false;
      added.value = null;
      return change(
        'The agent could not be added.',
        async () => {
          added.value = await api.post<AddedAgent>('/api/admin/agents', body);
        },
        agentError,
      );
    },
    dismissAdded() {
      added.value = null;
    },
    async removeAgent(agentId) {
      const name = team.agents.value.find((a) => a.id === agentId)?.name ?? 'The agent';
      const done = await change('The agent could not be removed.', () => api.delete(`/api/admin/agents/${encodeURIComponent(agentId)}`), agentError);
      if (done) notice.value = `${name} was removed and signed out. Their chats went back to their queues.`;
      return done;
    },
    clearError() {
      error.value = null;
      agentError.value = null;
    },
  };
}
