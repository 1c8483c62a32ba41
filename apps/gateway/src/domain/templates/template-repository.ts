import { and, asc, eq, ilike, isNotNull, like, or, sql, type SQL } from 'drizzle-orm';
import type { Database } from '../../db/database.ts';
import { isUniqueViolation } from '../../db/errors.ts';
import { apps, contactDecisions, contacts, conversations, templates, visitors, type TemplateRow } from '../../db/schema/index.ts';
import type { ContactSources } from '../customers/contact-details.ts';
import { AppError } from '../errors.ts';
import { ErrorCode } from '@parley/protocol';

/** Where a page of templates continues: after this title and id, in the list's order. */
export interface TemplateCursor {
  title: string;
  id: string;
}

/** What narrows a workspace's template list. */
export interface TemplateFilter {
  /** Words to find in the title, body or category (case-insensitive). */
  q?: string | undefined;
  /** A BCP 47 language range: `en` matches `en` and `en-GB` (RFC 4647 §3.3.1 basic filtering). */
  language?: string | undefined;
  category?: string | undefined;
  after?: TemplateCursor | undefined;
  limit: number;
}

/** What fills a template's parameters for one conversation: its app, and its customer by source. */
export interface RenderContext extends ContactSources {
  conversationId: string;
  appName: string;
}

const duplicateTitle = (cause: unknown) =>
  new AppError(ErrorCode.CONFLICT, 'The workspace already has a template with this title in this language; choose another title.', { status: 409, cause });

// LIKE's own characters in a search are matched as themselves (backslash is PostgreSQL's default escape).
const escapeLike = (text: string) => text.replace(/[\\%_]/g, (c) => `\\${c}`);

/** The template queries. Only this module touches `templates`. */
export function createTemplateRepository(db: Database) {
  return {
    /** A page of a workspace's templates by title (then id), one more than `limit` to tell whether more follow. */
    async list(workspaceId: string, filter: TemplateFilter): Promise<TemplateRow[]> {
      const conditions: (SQL | undefined)[] = [eq(templates.workspaceId, workspaceId)];
      // A canonical language tag has no `%` or `_` (BCP 47 allows neither), so it is safe in LIKE.
      if (filter.language) conditions.push(or(eq(templates.language, filter.language), like(templates.language, `${filter.language}-%`)));
      if (filter.category) conditions.push(eq(templates.category, filter.category));
      if (filter.q) {
        const pattern = `%${escapeLike(filter.q)}%`;
        conditions.push(or(ilike(templates.title, pattern), ilike(templates.body, pattern), ilike(templates.category, pattern)));
      }
      if (filter.after) conditions.push(sql`(${templates.title}, ${templates.id}) > (${filter.after.title}, ${filter.after.id}::uuid)`);
      return db
        .select()
        .from(templates)
        .where(and(...conditions))
        .orderBy(asc(templates.title), asc(templates.id))
        .limit(filter.limit + 1);
    },

    /** The categories and languages a workspace's templates use, for the console's filters. */
    async facets(workspaceId: string): Promise<{ categories: string[]; languages: string[] }> {
      const [categories, languages] = [
        await db
          .selectDistinct({ value: templates.category })
          .from(templates)
          .where(and(eq(templates.workspaceId, workspaceId), isNotNull(templates.category)))
          .orderBy(asc(templates.category)),
        await db.selectDistinct({ value: templates.language }).from(templates).where(eq(templates.workspaceId, workspaceId)).orderBy(asc(templates.language)),
      ];
      return { categories: categories.map((r) => r.value!), languages: languages.map((r) => r.value) };
    },

    /** One template of a workspace. */
    async find(workspaceId: string, id: string): Promise<TemplateRow | undefined> {
      const [row] = await db.select().from(templates).where(and(eq(templates.workspaceId, workspaceId), eq(templates.id, id)));
      return row;
    },

    /** Stores a new template; a title the workspace already has in that language is `CONFLICT`. */
    async insert(values: { workspaceId: string; title: string; body: string; category: string | null; language: string; now: Date }): Promise<TemplateRow> {
      const { now, ...fields } = values;
      try {
        const [row] = await db.insert(templates).values({ ...fields, createdAt: now, updatedAt: now }).returning();
        return row!;
      } catch (error) {
        if (isUniqueViolation(error)) throw duplicateTitle(error);
        throw error;
      }
    },

    /** Changes a template of a workspace; undefined when there is none. */
    async update(
      workspaceId: string,
      id: string,
      patch: { title?: string | undefined; body?: string | undefined; category?: string | null | undefined; language?: string | undefined },
      now: Date,
    ): Promise<TemplateRow | undefined> {
      try {
        const [row] = await db
          .update(templates)
          .set({ ...patch, updatedAt: now })
          .where(and(eq(templates.workspaceId, workspaceId), eq(templates.id, id)))
          .returning();
        return row;
      } catch (error) {
        if (isUniqueViolation(error)) throw duplicateTitle(error);
        throw error;
      }
    },

    /** Deletes a template of a workspace; whether there was one. */
    async delete(workspaceId: string, id: string): Promise<boolean> {
      const rows = await db
        .delete(templates)
        .where(and(eq(templates.workspaceId, workspaceId), eq(templates.id, id)))
        .returning({ id: templates.id });
      return rows.length > 0;
    },

    /**
     * The app of a conversation and its customer: the visitor, the verified contact their session
     * was signed into, and the details an agent typed when adding them as a contact. Only the
     * conversation's own visitor's: a contact is never looked up by e-mail or name.
     */
    async renderContext(conversationId: string): Promise<RenderContext | undefined> {
      const [row] = await db
        .select({
          conversationId: conversations.id,
          appName: apps.name,
          visitor: { name: visitors.name, email: visitors.email, attributes: visitors.attributes },
          contactId: visitors.contactId,
          verified: { name: contacts.name, email: contacts.email },
          decisionBy: contactDecisions.visitorId,
          added: { name: contactDecisions.name, email: contactDecisions.email, phone: contactDecisions.phone },
        })
        .from(conversations)
        .innerJoin(visitors, eq(visitors.id, conversations.visitorId))
        .innerJoin(apps, eq(apps.id, conversations.appId))
        .leftJoin(contacts, eq(contacts.id, visitors.contactId))
        .leftJoin(
          contactDecisions,
          and(eq(contactDecisions.visitorId, conversations.visitorId), eq(contactDecisions.workspaceId, conversations.workspaceId), eq(contactDecisions.decision, 'added')),
        )
        .where(eq(conversations.id, conversationId));
      if (!row) return undefined;
      return {
        conversationId: row.conversationId,
        appName: row.appName,
        visitor: row.visitor,
        verified: row.contactId ? row.verified : null,
        added: row.decisionBy ? row.added : null,
      };
    },
  };
}

/** The template repository's interface. */
export type TemplateRepository = ReturnType<typeof createTemplateRepository>;
