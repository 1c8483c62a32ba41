import type { RoutingEvent, RoutingService } from './routing-service.ts';
import { OFFER_EXPIRE } from './routing-service.ts';

/**
 * Runs due durable jobs: each is claimed with FOR UPDATE SKIP LOCKED and marked done in the
 * same transaction as its effects, so a job survives a restart and runs once across nodes
 * (DESIGN.md, "Time-based work is durable"). Offer timeouts (chats, transfers, invitations) are
 * the jobs. Every `sweepMs` it also sweeps: queues with waiting chats are dispatched again (a
 * chat whose dispatch was lost with a process that died, or an agent who came back) and chats
 * whose visitor left leave their queue.
 */
export function createJobRunner({
  routing,
  clock = () => new Date(),
  pollMs = 500,
  sweepMs = 5_000,
  onEvents = () => {},
  onError = () => {},
}: {
  routing: RoutingService;
  clock?: () => Date;
  pollMs?: number;
  sweepMs?: number;
  onEvents?: (events: RoutingEvent[]) => void;
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
    const ran = await repo.transaction(async (tx) => {
      const job = await repo.claimDueJob(tx, clock());
      if (!job) return false;
      if (job.kind === OFFER_EXPIRE && job.payload.offerId) {
        const result = await routing.expireOffer(tx, job.payload.offerId);
        events = result.events;
        after = result.queueId;
      }
      await repo.finishJob(tx, job.id, clock());
      return true;
    });
    if (events.length) onEvents(events);
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
