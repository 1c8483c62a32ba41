import type { RoutingEvent, RoutingService } from './routing-service.ts';
import { ARCHIVE_RESOLVED, OFFER_EXPIRE } from './routing-service.ts';

/**
 * Runs due durable jobs: each is claimed with FOR UPDATE SKIP LOCKED and marked done in the
 * same transaction as its effects, so a job survives a restart and runs once across nodes
 * (DESIGN.md, "Time-based work is durable"). The jobs: offer timeouts (chats, transfers,
 * invitations), and resolved chats moving from the Closed view to the archive. Every `sweepMs` it also sweeps: queues with waiting chats are dispatched again (a
 * chat whose dispatch was lost with a process that died, or an agent who came back) and chats
 * whose visitor left leave their queue.
 */
export function createJobRunner({
  routing,
  clock = () => new Date(),
  pollMs = 500,
  sweepMs = 5_000,
  onEvents = () => {},
  onArchived = () => {},
  onError = () => {},
}: {
  routing: RoutingService;
  clock?: () => Date;
  pollMs?: number;
  sweepMs?: number;
  onEvents?: (events: RoutingEvent[]) => void;
  /** A resolved chat went to the archive (after the commit): the consoles must hear of it. */
  onArchived?: (conversationId: string) => void;
  onError?: (error: unknown) => void;
}) {
  const { repo } = routing;
  let timer: ReturnType<typeof setInterval> | undefined;
  let running: Promise<number> | undefined;
  let lastSweep = 0;

  /** Runs one due job; returns whether there was one. */
  async function runOne(): Promise<boolean> {
    let after: string | undefined;
    let events: RoutingEvent[] = [];
    let archived: string | undefined;
    // The routing transaction: messages a job writes (a refused invitation's note) go out after the commit.
    const ran = await routing.transaction(async (tx, say) => {
      const job = await repo.claimDueJob(tx, clock());
      if (!job) return false;
      const { payload } = job;
      if (job.kind === OFFER_EXPIRE && payload.offerId) {
        const result = await routing.expireOffer(tx, payload.offerId, say);
        events = result.events;
        after = result.queueId;
      } else if (job.kind === ARCHIVE_RESOLVED && payload.conversationId && payload.resolvedAt) {
        if (await routing.archiveResolved(tx, payload.conversationId, new Date(payload.resolvedAt))) archived = payload.conversationId;
      }
      await repo.finishJob(tx, job.id, clock());
      return true;
    });
    if (events.length) onEvents(events);
    if (archived) onArchived(archived);
    if (after) onEvents(await routing.dispatch(after));
    return ran;
  }

  /** Runs every job that is due now; resolves with how many ran. */
  function runDue(): Promise<number> {
    running ??= (async () => {
      let count = 0;
      try {
        while (await runOne()) count += 1;
        if (sweepMs > 0 && clock().getTime() - lastSweep >= sweepMs) {
          lastSweep = clock().getTime();
          const events = await routing.sweep();
          if (events.length) onEvents(events);
        }
      } catch (error) {
        onError(error);
      } finally {
        running = undefined;
      }
      return count;
    })();
    return running;
  }

  return {
    runDue,
    start() {
      timer ??= setInterval(() => void runDue(), pollMs);
      timer.unref?.();
    },
    async stop() {
      if (timer) clearInterval(timer);
      timer = undefined;
      await running;
    },
  };
}
