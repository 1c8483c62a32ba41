import { ErrorCode, type SavedViewFilter, type ViewGroup, type ViewSort } from '@parley/protocol';
import { and, asc, count, eq } from 'drizzle-orm';
import type { Database } from '../../db/database.ts';
import { isUniqueViolation } from '../../db/errors.ts';
import { savedViews, type SavedViewRow } from '../../db/schema/index.ts';
import { AppError } from '../errors.ts';

const duplicateName = (cause: unknown) => new AppError(ErrorCode.CONFLICT, 'You already have a saved view with this name; choose another name.', { status: 409, cause });

/** The fields of a saved view that can be written. */
export interface SavedViewValues {
  name: string;
  filter: SavedViewFilter;
  sort: ViewSort;
  groupBy: ViewGroup;
}

/** The saved view queries. Only this module touches `saved_views`. */
export function createSavedViewRepository(db: Database) {
  return {
    /** An agent's saved views by name. */
    list(agentId: string): Promise<SavedViewRow[]> {
      return db.select().from(savedViews).where(eq(savedViews.agentId, agentId)).orderBy(asc(savedViews.name), asc(savedViews.id));
    },

    /** One of the agent's saved views. */
    async find(agentId: string, id: string): Promise<SavedViewRow | undefined> {
      const [row] = await db.select().from(savedViews).where(and(eq(savedViews.id, id), eq(savedViews.agentId, agentId)));
      return row;
    },

    /** How many saved views the agent has. */
    async count(agentId: string): Promise<number> {
      const [row] = await db.select({ n: count() }).from(savedViews).where(eq(savedViews.agentId, agentId));
      return Number(row?.n ?? 0);
    },

    /** Stores a new saved view; a name the agent already uses is CONFLICT. */
    async create(workspaceId: string, agentId: string, values: SavedViewValues): Promise<SavedViewRow> {
      try {
        const [row] = await db.insert(savedViews).values({ workspaceId, agentId, ...values }).returning();
        return row!;
      } catch (error) {
        if (isUniqueViolation(error)) throw duplicateName(error);
        throw error;
      }
    },

    /** Changes one of the agent's saved views; undefined when it is not theirs. */
    async update(agentId: string, id: string, values: Partial<SavedViewValues>, at: Date): Promise<SavedViewRow | undefined> {
      try {
        const [row] = await db
          .update(savedViews)
          .set({ ...values, updatedAt: at })
          .where(and(eq(savedViews.id, id), eq(savedViews.agentId, agentId)))
          .returning();
        return row;
      } catch (error) {
        if (isUniqueViolation(error)) throw duplicateName(error);
        throw error;
      }
    },

    /** Deletes one of the agent's saved views; answers whether it was there. */
    async remove(agentId: string, id: string): Promise<boolean> {
      const rows = await db.delete(savedViews).where(and(eq(savedViews.id, id), eq(savedViews.agentId, agentId))).returning({ id: savedViews.id });
      return rows.length > 0;
    },
  };
}
