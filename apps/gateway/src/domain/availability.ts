import { randomUUID } from 'node:crypto';
import type { Availability } from '@parley/protocol';
import type { Database } from '../db/database.ts';
import { createAvailabilityRepository } from './availability-repository.ts';

/** How often a node confirms its agent sockets; rows not confirmed for three periods are ignored. */
export const PRESENCE_REFRESH_MS = 30_000;

/**
 * Whether anyone can answer a workspace's visitors: `online` when an agent of the workspace is
 * Online and their console is connected (heard from within the staleness window), `away` when
 * agent consoles are connected but none of their agents is Online, `offline` when no agent
 * console is connected at all.
 * Each node counts its own agent sockets and records the count in `agent_presence`, refreshed
 * every PRESENCE_REFRESH_MS, so every node answers for all of them and a node that died stops
 * counting after three periods.
 */
export function createAvailabilityService({
  db,
  nodeId = randomUUID(),
  now = () => new Date(),
  refreshMs = PRESENCE_REFRESH_MS,
  staleAfterMs = 60_000,
  onChange,
}: {
  db: Database;
  nodeId?: string;
  now?: () => Date;
  refreshMs?: number;
  /** An agent whose console has not been heard from for this long is not connected (routing's window). */
  staleAfterMs?: number;
  /** Called after this node's count for a workspace changed and was recorded. */
  onChange: (workspaceId: string) => void;
}) {
  const repo = createAvailabilityRepository(db);
  const local = new Map<string, number>();
  // Writes per workspace, one after the other, so the row always ends at the latest count.
  const writes = new Map<string, Promise<void>>();

  function record(workspaceId: string, delta: number): Promise<void> {
    const count = Math.max(0, (local.get(workspaceId) ?? 0) + delta);
    if (count) local.set(workspaceId, count);
    else local.delete(workspaceId);
    const previous = writes.get(workspaceId) ?? Promise.resolve();
    const next = previous
      .then(() => repo.setSockets(nodeId, workspaceId, local.get(workspaceId) ?? 0, now()))
      .then(() => onChange(workspaceId));
    const settled = next.catch(() => {});
    writes.set(workspaceId, settled);
    void settled.then(() => writes.get(workspaceId) === settled && writes.delete(workspaceId));
    return next;
  }

  return {
    nodeId,
    /** An agent console socket opened on this node. */
    agentConnected: (workspaceId: string) => record(workspaceId, 1),
    /** An agent console socket closed on this node. */
    agentDisconnected: (workspaceId: string) => record(workspaceId, -1),

    /** Whether anyone can answer the workspace's visitors now. */
    async status(workspaceId: string): Promise<Availability> {
      const sockets = local.get(workspaceId) || (await repo.sockets(workspaceId, new Date(now().getTime() - 3 * refreshMs)));
      if (!sockets) return 'offline';
      return (await repo.onlineAgents(workspaceId, new Date(now().getTime() - staleAfterMs))) > 0 ? 'online' : 'away';
    },

    /** Confirms this node's rows (call every PRESENCE_REFRESH_MS). */
    refresh: () => repo.refresh(nodeId, now()),

    /** Waits for pending writes, then removes this node's rows (shutdown). */
    async stop(): Promise<void> {
      await Promise.all(writes.values());
      await repo.clear(nodeId);
    },
  };
}

/** The availability service's interface. */
export type AvailabilityService = ReturnType<typeof createAvailabilityService>;
