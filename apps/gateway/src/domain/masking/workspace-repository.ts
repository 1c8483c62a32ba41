import { eq, inArray } from 'drizzle-orm';
import type { Database } from '../../db/database.ts';
import { workspaces } from '../../db/schema/index.ts';

/** A workspace's settings as the admin screen shows them. */
export interface WorkspaceSettingsRow {
  id: string;
  name: string;
  maskPersonalData: boolean;
}

const columns = { id: workspaces.id, name: workspaces.name, maskPersonalData: workspaces.maskPersonalData };

/** The workspace settings queries. */
export function createWorkspaceRepository(db: Database) {
  return {
    /** One workspace's settings, or undefined when it does not exist. */
    async find(workspaceId: string): Promise<WorkspaceSettingsRow | undefined> {
      const [row] = await db.select(columns).from(workspaces).where(eq(workspaces.id, workspaceId));
      return row;
    },

    /** Whether each of these workspaces masks personal data; a missing workspace is left out. */
    async maskFlags(workspaceIds: string[]): Promise<Map<string, boolean>> {
      if (!workspaceIds.length) return new Map();
      const rows = await db.select({ id: workspaces.id, on: workspaces.maskPersonalData }).from(workspaces).where(inArray(workspaces.id, workspaceIds));
      return new Map(rows.map((r) => [r.id, r.on]));
    },

    /** Sets whether a workspace masks personal data; answers its settings after the change. */
    async setMaskPersonalData(workspaceId: string, on: boolean): Promise<WorkspaceSettingsRow | undefined> {
      const [row] = await db.update(workspaces).set({ maskPersonalData: on }).where(eq(workspaces.id, workspaceId)).returning(columns);
      return row;
    },
  };
}
