import { ErrorCode, type Template, type TemplateInput, type TemplatePage, type TemplatePatch, type TemplateRendered } from '@parley/protocol';
import type { Database } from '../../db/database.ts';
import type { ConversationRow, TemplateRow } from '../../db/schema/index.ts';
import { AppError, notFound } from '../errors.ts';
import type { AgentPrincipal } from '../identity/principal.ts';
import { contactDetails } from '../customers/contact-details.ts';
import type { Masker } from '../masking/personal-data.ts';
import { fillTemplate } from './fill.ts';
import { createTemplateRepository, type TemplateCursor } from './template-repository.ts';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The parameters whose value is a contact detail (the panel's e-mail and phone; no parameter holds a phone), which a workspace may show to admins only. */
const CONTACT_DETAILS: ReadonlySet<string> = new Set(['email']);

/** What an agent's template search asks for (already checked at the edge). */
export interface TemplateQuery {
  q?: string | undefined;
  language?: string | undefined;
  category?: string | undefined;
  cursor?: string | undefined;
  limit?: number | undefined;
}

/** The page size when a search names none. */
export const TEMPLATE_PAGE = 50;

/** The cursor of a page: the last title and id, as URL-safe base64 of JSON. Opaque to clients. */
export function encodeCursor(cursor: TemplateCursor): string {
  return Buffer.from(JSON.stringify([cursor.title, cursor.id])).toString('base64url');
}

/** Reads a cursor made by {@link encodeCursor}; anything else is `INVALID_REQUEST`. */
export function decodeCursor(text: string): TemplateCursor {
  try {
    const value: unknown = JSON.parse(Buffer.from(text, 'base64url').toString('utf8'));
    if (Array.isArray(value) && value.length === 2 && typeof value[0] === 'string' && typeof value[1] === 'string' && UUID.test(value[1])) {
      return { title: value[0], id: value[1] };
    }
  } catch {
    // Falls through to the error below.
  }
  throw new AppError(ErrorCode.INVALID_REQUEST, 'cursor: pass the nextCursor of the previous page as it was sent.', { status: 400 });
}

/** A template as the console gets it. */
export function toTemplate(row: TemplateRow): Template {
  return {
    id: row.id,
    title: row.title,
    body: row.body,
    category: row.category,
    language: row.language,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

/**
 * Templates (canned replies) of a workspace (MISSION.md A5). Agents search them and render one
 * for a conversation they may see; admins create, change and delete them. Another workspace's
 * template answers exactly like a missing one.
 */
export function createTemplateService({
  db,
  conversations,
  masking,
  seesContactDetails,
  clock = () => new Date(),
}: {
  db: Database;
  /** The access check every conversation route makes: the conversation, or NOT_FOUND when the agent may not see it. */
  conversations: { readable(principal: AgentPrincipal, conversationId: string): Promise<ConversationRow> };
  /** How a workspace's agents get free text: a contact value masking would change is left out of a render. Required: no agent-bound path may forget it. */
  masking: (workspaceId: string) => Promise<Masker>;
  /** Whether the agent's role sees customers' contact details, as the customer panel decides. Required: a render must never show what the panel hides. */
  seesContactDetails: (agent: AgentPrincipal) => Promise<boolean>;
  clock?: () => Date;
}) {
  const repo = createTemplateRepository(db);

  function assertAdmin(agent: AgentPrincipal) {
    if (agent.role !== 'admin') throw new AppError(ErrorCode.FORBIDDEN, 'Only admins create, change and delete templates; ask an admin of your workspace.', { status: 403 });
  }

  async function find(agent: AgentPrincipal, id: string): Promise<TemplateRow> {
    const row = UUID.test(id) ? await repo.find(agent.workspaceId, id) : undefined;
    if (!row) throw notFound('template');
    return row;
  }

  return {
    /** A page of the workspace's templates by title, narrowed by words, language and category. */
    async list(agent: AgentPrincipal, query: TemplateQuery): Promise<TemplatePage> {
      const limit = query.limit ?? TEMPLATE_PAGE;
      const rows = await repo.list(agent.workspaceId, {
        q: query.q,
        language: query.language,
        category: query.category,
        after: query.cursor === undefined ? undefined : decodeCursor(query.cursor),
        limit,
      });
      const page = rows.slice(0, limit);
      const last = page.at(-1);
      return { templates: page.map(toTemplate), nextCursor: rows.length > limit && last ? encodeCursor(last) : null };
    },

    /** The categories and languages in use, for the console's filters. */
    facets: (agent: AgentPrincipal) => repo.facets(agent.workspaceId),

    /** One template of the workspace. */
    async get(agent: AgentPrincipal, id: string): Promise<Template> {
      return toTemplate(await find(agent, id));
    },

    /** Adds a template; admins only. */
    async create(agent: AgentPrincipal, input: TemplateInput): Promise<Template> {
      assertAdmin(agent);
      const row = await repo.insert({ workspaceId: agent.workspaceId, title: input.title, body: input.body, category: input.category ?? null, language: input.language, now: clock() });
      return toTemplate(row);
    },

    /** Changes a template; admins only. */
    async update(agent: AgentPrincipal, id: string, patch: TemplatePatch): Promise<Template> {
      assertAdmin(agent);
      await find(agent, id);
      const changes = Object.fromEntries(Object.entries(patch).filter(([, value]) => value !== undefined));
      const row = await repo.update(agent.workspaceId, id, changes, clock());
      if (!row) throw notFound('template');
      return toTemplate(row);
    },

    /** Deletes a template; admins only. */
    async remove(agent: AgentPrincipal, id: string): Promise<void> {
      assertAdmin(agent);
      if (!UUID.test(id) || !(await repo.delete(agent.workspaceId, id))) throw notFound('template');
    },

    /**
     * A template's text for the composer, its parameters filled from a conversation the agent may
     * see (else NOT_FOUND, like every conversation route). The contact parameters come from the
     * contact the conversation is linked to, verified or added by an agent (`contactDetails`, as
     * the customer panel shows it). With masking on, a contact value that masking would change is
     * not filled in: it stays as written, listed in `unfilled` and `masked`, for the agent to write.
     * Neither is a contact detail the agent's role may not see: it is listed in `hidden` too.
     */
    async render(agent: AgentPrincipal, id: string, conversationId: string): Promise<TemplateRendered> {
      const template = await find(agent, id);
      const conversation = await conversations.readable(agent, conversationId);
      const context = await repo.renderContext(conversation.id);
      if (!context) throw notFound();
      const [mask, detailsShown] = await Promise.all([masking(agent.workspaceId), seesContactDetails(agent)]);
      const { name, email } = contactDetails(context);
      const contact = new Map<string, string | null>([
        ['name', name],
        ['first_name', name?.trim().split(/\s+/)[0] ?? null],
        ['email', email],
      ]);
      // The composer's text is what the customer gets, so a masked value must never go into it:
      // it would reach them as if it were their data. The parameter is left for the agent to
      // write or reword. The workspace's own values are not the customer's data and go in as
      // they are (masking can take part of a conversation id for a phone number). A contact detail
      // the agent's role may not see is left out the same way: the composer would show it to them.
      const masked = new Set<string>();
      const hidden = new Set<string>();
      for (const [key, value] of contact) {
        if (!value) continue;
        const hiddenDetail = !detailsShown && CONTACT_DETAILS.has(key);
        if (!hiddenDetail && mask.text(value) === value) continue;
        if (hiddenDetail) hidden.add(key);
        contact.set(key, null);
        masked.add(key);
      }
      const values = new Map<string, string | null>([
        ...contact,
        ['agent_name', agent.name],
        ['conversation_id', context.conversationId],
        ['app_name', context.appName],
      ]);
      const filled = fillTemplate(template.body, values);
      return { ...filled, masked: filled.unfilled.filter((key) => masked.has(key)), hidden: filled.unfilled.filter((key) => hidden.has(key)) };
    },
  };
}

/** The template service's interface. */
export type TemplateService = ReturnType<typeof createTemplateService>;
