import { ErrorCode } from '@parley/protocol';
import type { Database } from '../../db/database.ts';
import { AppError, notFound } from '../errors.ts';
import type { AgentPrincipal } from '../identity/principal.ts';
import { MASKED, UNMASKED, type Masker } from './personal-data.ts';
import { createWorkspaceRepository, type WorkspaceSettingsRow } from './workspace-repository.ts';

/** A workspace's settings as `GET /api/admin/workspace` answers them. */
export type WorkspaceSettings = WorkspaceSettingsRow;

/** Tells every gateway node that a workspace's masking setting changed (this node included). */
export interface MaskingChange {
  workspaceId: string;
  maskPersonalData: boolean;
}

const maskerOf = (on: boolean | undefined): Masker => (on === false ? UNMASKED : MASKED);

/**
 * Whether each workspace masks personal data for its agents, and the admin's way to change it.
 *
 * Agent-bound serializers ask per workspace. Socket fan-out must decide synchronously (frames of
 * one conversation keep their order), so this node keeps the setting of the workspaces it serves
 * in memory: loaded when an agent connects or a request asks, set at once when an admin changes
 * it here, and on other nodes when the change is announced (`changed`), with a periodic re-read in
 * case an announcement was missed. A workspace whose setting is not known yet is masked: when in
 * doubt, an agent sees less, never more.
 */
export function createMaskingSettings({
  db,
  announce,
  onError,
  refreshMs = 30_000,
}: {
  db: Database;
  /** Sends a change to every node (the event relay); receivers call `changed`. */
  announce: (change: MaskingChange) => void;
  onError: (error: unknown) => void;
  /** How often the settings this node holds are read again. */
  refreshMs?: number;
}) {
  const repo = createWorkspaceRepository(db);
  const known = new Map<string, boolean>();
  // Each read or change of a workspace's setting takes a new generation; a read that answers
  // after a newer one began is dropped, so an old value never overwrites a new one.
  const generation = new Map<string, number>();
  const loading = new Map<string, Promise<boolean | undefined>>();

  const next = (workspaceId: string) => {
    const n = (generation.get(workspaceId) ?? 0) + 1;
    generation.set(workspaceId, n);
    return n;
  };
  const remember = (workspaceId: string, on: boolean | undefined, n: number) => {
    if (generation.get(workspaceId) !== n) return;
    if (on === undefined) known.delete(workspaceId);
    else known.set(workspaceId, on);
  };

  function load(workspaceId: string): Promise<boolean | undefined> {
    const n = next(workspaceId);
    const read = repo
      .find(workspaceId)
      .then((row) => {
        remember(workspaceId, row?.maskPersonalData, n);
        return row?.maskPersonalData;
      })
      .finally(() => {
        if (loading.get(workspaceId) === read) loading.delete(workspaceId);
      });
    loading.set(workspaceId, read);
    return read;
  }

  const ensure = (workspaceId: string) => loading.get(workspaceId) ?? load(workspaceId);

  const timer = setInterval(() => {
    const ids = [...known.keys()];
    if (!ids.length) return;
    const generations = ids.map(next);
    repo.maskFlags(ids).then((flags) => ids.forEach((id, i) => remember(id, flags.get(id), generations[i]!)), onError);
  }, refreshMs);
  timer.unref();

  function assertAdmin(agent: AgentPrincipal) {
    if (agent.role !== 'admin') throw new AppError(ErrorCode.FORBIDDEN, 'Only admins see and change the workspace settings; ask an admin of your workspace.', { status: 403 });
  }

  async function settings(agent: AgentPrincipal): Promise<WorkspaceSettings> {
    assertAdmin(agent);
    const row = await repo.find(agent.workspaceId);
    if (!row) throw notFound('workspace');
    return row;
  }

  return {
    /** The masker for a workspace's agents, now: for socket fan-out. Unknown yet means masked (and a read starts). */
    maskerFor(workspaceId: string): Masker {
      const on = known.get(workspaceId);
      if (on === undefined) ensure(workspaceId).catch(onError);
      return maskerOf(on);
    },

    /** The masker for a workspace's agents, read from the database when this node does not hold it: for requests. */
    async maskerOf(workspaceId: string): Promise<Masker> {
      if (known.has(workspaceId)) return maskerOf(known.get(workspaceId));
      return maskerOf(await ensure(workspaceId));
    },

    /** Reads a workspace's setting ahead of need (an agent of it connected to this node). */
    warm(workspaceId: string): void {
      if (!known.has(workspaceId)) ensure(workspaceId).catch(onError);
    },

    /**
     * Takes a change announced by any node, then confirms it from the database (announcements may
     * arrive out of order); resolves when the database has answered.
     */
    changed(change: MaskingChange): Promise<void> {
      const n = next(change.workspaceId);
      remember(change.workspaceId, change.maskPersonalData, n);
      return load(change.workspaceId).then(() => undefined, onError);
    },

    /** The agent's workspace settings; admins only. */
    get: settings,

    /** Changes the agent's workspace settings; admins only. Takes effect on this node at once and on the others when they hear of it. */
    async update(agent: AgentPrincipal, patch: { maskPersonalData?: boolean | undefined }): Promise<WorkspaceSettings> {
      assertAdmin(agent);
      if (patch.maskPersonalData === undefined) return settings(agent);
      const row = await repo.setMaskPersonalData(agent.workspaceId, patch.maskPersonalData);
      if (!row) throw notFound('workspace');
      remember(row.id, row.maskPersonalData, next(row.id));
      announce({ workspaceId: row.id, maskPersonalData: row.maskPersonalData });
      return row;
    },

    /** Stops the periodic re-read. */
    stop(): void {
      clearInterval(timer);
    },
  };
}

/** The masking settings' interface. */
export type MaskingSettings = ReturnType<typeof createMaskingSettings>;
