import { createHash } from 'node:crypto';
import {
  BUILT_IN_VIEWS,
  ErrorCode,
  MAX_SAVED_VIEWS,
  SavedViewFilterSchema,
  type SavedView,
  type SavedViewFilter,
  type SavedViewInput,
  type SavedViewPatch,
  type ServerFrame,
  type ViewConversation,
  type ViewName,
  type ViewPage,
  type ViewQuery,
} from '@parley/protocol';
import * as v from 'valibot';
import type { ConversationDeletedEvent } from '../../bus/event-relay.ts';
import type { Database } from '../../db/database.ts';
import type { SavedViewRow } from '../../db/schema/index.ts';
import { toAgentSummary } from '../audience.ts';
import { createMessengerRepository } from '../conversations/messenger-repository.ts';
import { AppError, notFound } from '../errors.ts';
import type { AgentPrincipal, Principal } from '../identity/principal.ts';
import type { Masker } from '../masking/personal-data.ts';
import { toConversationRouting, type RoutingView } from '../routing/routing-access.ts';
import { decodeCursor, encodeCursor } from './cursor.ts';
import { createSavedViewRepository } from './saved-view-repository.ts';
import { archiveConversation, createViewRepository, type ViewRow, type ViewSpec, type Viewer } from './view-repository.ts';

/** Conversations a page holds unless the query says otherwise. */
export const DEFAULT_VIEW_PAGE = 50;

type Filter = Pick<ViewQuery, 'app' | 'channel' | 'queue' | 'agent' | 'wrapUp' | 'from' | 'to'>;

const DATE = /^\d{4}-\d{2}-\d{2}$/;
const DAY_MS = 86_400_000;

/** `from` as an instant: a date alone is the start of that UTC day. */
const fromOf = (text: string | undefined) => (text === undefined ? undefined : new Date(DATE.test(text) ? `${text}T00:00:00Z` : text));
/** `to` as an exclusive instant: a date alone includes that whole UTC day. */
const toOf = (text: string | undefined) => (text === undefined ? undefined : DATE.test(text) ? new Date(Date.parse(`${text}T00:00:00Z`) + DAY_MS) : new Date(text));

/** A short, stable digest of what a view selects, so a cursor only continues the view and filter it came from. */
function keyOf(name: string, what: unknown): string {
  const digest = createHash('sha256').update(JSON.stringify(what)).digest('base64url').slice(0, 16);
  return `${name}:${digest}`;
}

function filterOf(query: Filter): ViewSpec['filter'] {
  return { app: query.app, channel: query.channel, queue: query.queue, agent: query.agent, wrapUp: query.wrapUp, from: fromOf(query.from), to: toOf(query.to) };
}

/** What a built-in view with these filters selects. */
export function builtInSpec(view: ViewName, query: Filter): ViewSpec {
  const filter = filterOf(query);
  return { ...BUILT_IN_VIEWS[view], filter, key: keyOf(view, filter) };
}

/**
 * What a saved view selects. In the archive, "activity" is when a conversation was archived
 * (for a resolved chat, its last activity), so the archive keeps its index order.
 */
export function savedSpec(row: Pick<SavedViewRow, 'id' | 'filter' | 'sort' | 'groupBy'>): ViewSpec {
  // Read back through the same schema it was written with: a row from an older version that no
  // longer fits selects nothing rather than something wider.
  const parsed = v.safeParse(SavedViewFilterSchema, row.filter);
  const saved: SavedViewFilter = parsed.success ? parsed.output : { scope: 'archive', app: '\u0000' };
  const [by, direction] = row.sort.split('.') as ['activity' | 'started', 'asc' | 'desc'];
  const archive = saved.scope === 'archive';
  const filter = filterOf(saved);
  return {
    key: keyOf(`saved.${row.id}`, { saved, sort: row.sort, group: row.groupBy }),
    scope: archive ? 'archive' : 'active',
    status: saved.status,
    mine: saved.mine,
    awaitingReply: saved.awaitingReply,
    filter,
    sort: archive && by === 'activity' ? 'archived' : by,
    direction,
    group: row.groupBy,
  };
}

/** A saved view as the console lists it. */
export function toSavedView(row: SavedViewRow): SavedView {
  return {
    id: row.id,
    name: row.name,
    filter: row.filter,
    sort: row.sort,
    group: row.groupBy,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Past this many agents a deletion is told to the whole workspace: the event must fit in one notification. */
const MAX_DELETION_AGENTS = 100;

/** Who besides admins may see a conversation of this routing (routing-access.ts); null: everyone of the workspace. */
function seersOf(view: RoutingView | undefined): string[] | null {
  if (!view) return null;
  const ids = new Set([...(view.ownerAgentId ? [view.ownerAgentId] : []), ...view.guests.map((g) => g.id), ...view.queueAgentIds, ...view.offeredTo]);
  return ids.size > MAX_DELETION_AGENTS ? null : [...ids];
}

/** What a node's sockets must offer to tell consoles a conversation is gone (the hub has it). */
export interface DeletionSockets {
  agentPeers(workspaceId: string): { principal: Principal }[];
  sendToAgent(agentId: string, frame: ServerFrame): void;
}

/**
 * Tells this node's consoles that may hold a deleted conversation that it is gone:
 * `routing.access.lost` (reason `deleted`), on which a console drops it from its list and closes
 * it if open. Admins, and the agents who could see it.
 */
export function endDeletedConversation(event: ConversationDeletedEvent, sockets: DeletionSockets): void {
  const told = new Set<string>();
  for (const { principal } of sockets.agentPeers(event.workspaceId)) {
    if (principal.kind !== 'agent' || told.has(principal.agentId)) continue;
    if (principal.role !== 'admin' && event.agentIds && !event.agentIds.includes(principal.agentId)) continue;
    told.add(principal.agentId);
    sockets.sendToAgent(principal.agentId, { type: 'routing.access.lost', conversationId: event.conversationId, reason: 'deleted' });
  }
}

/**
 * The agent's views of their workspace's conversations: the built-in inbox views and the
 * archive (cursor pages, in index order), saved views, and archiving, unarchiving and deleting.
 * Every list shows an agent only what routing lets them see (admins everything), and every
 * payload leaves through the agent serializer with the workspace's masker.
 */
export function createViewService({
  db,
  routingViews,
  masking,
  readable,
  announce,
  announceDeleted = () => {},
  clock = () => new Date(),
}: {
  db: Database;
  /** The routing of conversations, for their summaries (routing.views). */
  routingViews: (conversationIds: string[]) => Promise<Map<string, RoutingView>>;
  /** How a workspace's agents get free text (masking-settings.ts). Required: no agent-bound path may forget it. */
  masking: (workspaceId: string) => Promise<Masker>;
  /** The check every conversation route makes: the conversation, or NOT_FOUND (conversations.readable). */
  readable: (agent: AgentPrincipal, conversationId: string) => Promise<unknown>;
  /** Tells every node's consoles that a conversation changed (the event relay's `conversation` event). */
  announce: (conversationId: string) => void;
  /** Tells every node's consoles that a conversation was deleted (the event relay; see `endDeletedConversation`). */
  announceDeleted?: (event: ConversationDeletedEvent) => void;
  clock?: () => Date;
}) {
  const repo = createViewRepository(db);
  const saved = createSavedViewRepository(db);
  const reads = createMessengerRepository(db);
  const viewerOf = (agent: AgentPrincipal): Viewer => ({ workspaceId: agent.workspaceId, agentId: agent.agentId, admin: agent.role === 'admin' });

  async function items(agent: AgentPrincipal, rows: ViewRow[], grouped: boolean): Promise<ViewConversation[]> {
    if (!rows.length) return [];
    const ids = rows.map((r) => r.conversation.id);
    const [mask, routing, state] = await Promise.all([
      masking(agent.workspaceId),
      routingViews(ids),
      reads.readState(ids, { kind: 'agent' }),
    ]);
    return rows.map((r) => {
      const view = routing.get(r.conversation.id);
      return {
        ...toAgentSummary(r.conversation, r.visitor, mask),
        ...state.get(r.conversation.id),
        ...(view && { routing: toConversationRouting(view) }),
        channel: r.conversation.channel,
        archivedAt: r.conversation.archivedAt?.toISOString() ?? null,
        ticketNumber: r.ticketNumber,
        ...(grouped && { group: { key: r.groupKey || null, label: r.groupLabel == null ? null : mask.text(r.groupLabel) } }),
      };
    });
  }

  async function run(agent: AgentPrincipal, spec: ViewSpec, page: { cursor?: string | undefined; limit?: number | undefined }): Promise<ViewPage> {
    const limit = page.limit ?? DEFAULT_VIEW_PAGE;
    const after = page.cursor === undefined ? undefined : decodeCursor(page.cursor, spec.key);
    const rows = await repo.page(viewerOf(agent), spec, after, limit + 1);
    const shown = rows.slice(0, limit);
    const last = shown.at(-1);
    const nextCursor =
      rows.length > limit && last
        ? encodeCursor({ view: spec.key, ...(spec.group !== 'none' && { group: last.groupKey }), sort: last.sortValue, id: last.conversation.id })
        : null;
    return { conversations: await items(agent, shown, spec.group !== 'none'), nextCursor };
  }

  async function ownSaved(agent: AgentPrincipal, id: string): Promise<SavedViewRow> {
    const row = UUID.test(id) ? await saved.find(agent.agentId, id) : undefined;
    if (!row) throw notFound('saved view');
    return row;
  }

  async function summaryOf(agent: AgentPrincipal, conversationId: string): Promise<ViewConversation> {
    const spec: ViewSpec = { key: 'one', scope: 'any', conversationId, filter: {}, sort: 'activity', direction: 'desc', group: 'none' };
    const rows = await repo.page(viewerOf(agent), spec, undefined, 1);
    if (!rows.length) throw notFound();
    return (await items(agent, rows, false))[0]!;
  }

  return {
    /** One page of a built-in view. */
    list(agent: AgentPrincipal, view: ViewName, query: ViewQuery): Promise<ViewPage> {
      return run(agent, builtInSpec(view, query), query);
    },

    /** The agent's saved views, by name. */
    async savedViews(agent: AgentPrincipal): Promise<SavedView[]> {
      return (await saved.list(agent.agentId)).map(toSavedView);
    },

    /** Saves a new view for the agent (at most MAX_SAVED_VIEWS; a name they already use is CONFLICT). */
    async createSaved(agent: AgentPrincipal, input: SavedViewInput): Promise<SavedView> {
      if ((await saved.count(agent.agentId)) >= MAX_SAVED_VIEWS) {
        throw new AppError(ErrorCode.CONFLICT, `You have ${MAX_SAVED_VIEWS} saved views, the most one agent keeps; delete one first.`, { status: 409 });
      }
      const row = await saved.create(agent.workspaceId, agent.agentId, {
        name: input.name,
        filter: input.filter ?? {},
        sort: input.sort ?? 'activity.desc',
        groupBy: input.group ?? 'none',
      });
      return toSavedView(row);
    },

    /** Changes one of the agent's saved views; another agent's answers NOT_FOUND. */
    async updateSaved(agent: AgentPrincipal, id: string, patch: SavedViewPatch): Promise<SavedView> {
      await ownSaved(agent, id);
      const row = await saved.update(
        agent.agentId,
        id,
        {
          ...(patch.name !== undefined && { name: patch.name }),
          ...(patch.filter !== undefined && { filter: patch.filter }),
          ...(patch.sort !== undefined && { sort: patch.sort }),
          ...(patch.group !== undefined && { groupBy: patch.group }),
        },
        clock(),
      );
      if (!row) throw notFound('saved view');
      return toSavedView(row);
    },

    /** Deletes one of the agent's saved views. */
    async removeSaved(agent: AgentPrincipal, id: string): Promise<void> {
      if (!UUID.test(id) || !(await saved.remove(agent.agentId, id))) throw notFound('saved view');
    },

    /** One page of one of the agent's saved views. */
    async runSaved(agent: AgentPrincipal, id: string, page: { cursor?: string | undefined; limit?: number | undefined }): Promise<ViewPage> {
      return run(agent, savedSpec(await ownSaved(agent, id)), page);
    },

    /** Puts a conversation the agent may see in the archive; it leaves the main views on every console. */
    async archive(agent: AgentPrincipal, conversationId: string): Promise<ViewConversation> {
      await readable(agent, conversationId);
      await archiveConversation(db, conversationId, clock());
      announce(conversationId);
      return summaryOf(agent, conversationId);
    },

    /** Takes a conversation the agent may see out of the archive, back to the main views. */
    async unarchive(agent: AgentPrincipal, conversationId: string): Promise<ViewConversation> {
      await readable(agent, conversationId);
      await repo.unarchive(conversationId);
      announce(conversationId);
      return summaryOf(agent, conversationId);
    },

    /**
     * Deletes a conversation for good, with its messages, files, routing and ticket: admins only,
     * and `confirm` must repeat its id. Anything else changes nothing. The consoles that may hold
     * it (admins, and the agents routing let see it) are told it is gone.
     */
    async remove(agent: AgentPrincipal, conversationId: string, confirm: string | undefined): Promise<void> {
      if (agent.role !== 'admin') {
        throw new AppError(ErrorCode.FORBIDDEN, 'Only admins delete conversations; archive it instead, or ask an admin.', { status: 403 });
      }
      if (!UUID.test(conversationId) || !(await repo.find(agent.workspaceId, conversationId))) throw notFound();
      if (confirm !== conversationId) {
        throw new AppError(ErrorCode.CONFIRMATION_REQUIRED, `Deleting cannot be undone: send { "confirm": "${conversationId}" } to delete this conversation.`, { status: 400 });
      }
      // Who could see it, read before its routing goes with it.
      const seers = seersOf((await routingViews([conversationId])).get(conversationId));
      if (!(await repo.remove(agent.workspaceId, conversationId))) throw notFound();
      announceDeleted({ kind: 'conversation.deleted', workspaceId: agent.workspaceId, conversationId, agentIds: seers });
    },
  };
}

/** The view service's interface. */
export type ViewService = ReturnType<typeof createViewService>;
