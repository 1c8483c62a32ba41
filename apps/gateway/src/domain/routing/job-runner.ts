import type { JobRow } from '../../db/schema/index.ts';
import type { Tx } from './routing-repository.ts';
import type { RoutingEvent, RoutingService } from './routing-service.ts';
import { ARCHIVE_RESOLVED, OFFER_EXPIRE } from './routing-service.ts';

/** What a job of another capability did in its claiming transaction. */
export interface JobOutcome {
  /**
   * Keep the job, due again then, instead of finishing it: a lease while `after` works outside
   * the transaction (if this node dies meanwhile, another takes the job up when it is due), or a retry.
   */
  postponeTo?: Date | undefined;
  /** Work after the commit (an e-mail going out). It runs beside the runner's loop, so a slow one never holds up an offer's timeout. */
  after?: (() => Promise<void>) | undefined;
}

/** Runs a claimed job of one kind inside the claiming transaction. */
export type JobHandler = (tx: Tx, job: JobRow) => Promise<JobOutcome>;

/** The first wait before a handler that failed runs its job again; it doubles with each failure. */
const HANDLER_RETRY_MS = 5_000;

/**
 * Runs due durable jobs: each is claimed with FOR UPDATE SKIP LOCKED and marked done in the
 * same transaction as its effects, so a job survives a restart and runs once across nodes
 * (DESIGN.md, "Time-based work is durable"). The jobs: offer timeouts (chats, transfers,
 * invitations), resolved chats moving from the Closed view to the archive, and the kinds in
 * `handlers` (reply e-mails). Every `sweepMs` it also sweeps: queues with waiting chats are dispatched again (a
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
  handlers = {},
}: {
  routing: RoutingService;
  clock?: () => Date;
  pollMs?: number;
  sweepMs?: number;
  onEvents?: (events: RoutingEvent[]) => void;
  /** A resolved chat went to the archive (after the commit): the consoles must hear of it. */
  onArchived?: (conversationId: string) => void;
  onError?: (error: unknown) => void;
  /** Other capabilities' jobs, by kind. */
  handlers?: Record<string, JobHandler>;
}) {
  const { repo } = routing;
  let timer: ReturnType<typeof setInterval> | undefined;
  let running: Promise<number> | undefined;
  let lastSweep = 0;
  /** Handlers' work after their commits, still under way (stop waits for it). */
  const working = new Set<Promise<void>>();

  /** Runs one due job; returns whether there was one. */
  async function runOne(): Promise<boolean> {
    let after: string | undefined;
    let events: RoutingEvent[] = [];
    let archived: string | undefined;
    let work: JobOutcome['after'];
    // The routing transaction: messages a job writes (a refused invitation's note) go out after the commit.
    const ran = await routing.transaction(async (tx, say) => {
      const job = await repo.claimDueJob(tx, clock());
      if (!job) return false;
      const { payload } = job;
      const handler = handlers[job.kind];
      if (job.kind === OFFER_EXPIRE && payload.offerId) {
        const result = await routing.expireOffer(tx, payload.offerId, say);
        events = result.events;
        after = result.queueId;
      } else if (job.kind === ARCHIVE_RESOLVED && payload.conversationId && payload.resolvedAt) {
        if (await routing.archiveResolved(tx, payload.conversationId, new Date(payload.resolvedAt))) archived = payload.conversationId;
      } else if (handler) {
        let outcome: JobOutcome;
        try {
          // In a savepoint: a handler that fails undoes only its own work.
          outcome = await tx.transaction((inner) => handler(inner, job));
        } catch (error) {
          // It must not hold up the jobs behind it (an offer's timeout): it waits, longer each time.
          onError(error);
          await repo.postponeJob(tx, job.id, new Date(clock().getTime() + HANDLER_RETRY_MS * 2 ** Math.min(job.attempts, 10)));
          return true;
        }
        work = outcome.after;
        if (outcome.postponeTo) {
          await repo.postponeJob(tx, job.id, outcome.postponeTo);
          return true;
        }
      }
      await repo.finishJob(tx, job.id, clock());
      return true;
    });
    if (work) {
      const task = work().catch(onError);
      working.add(task);
      void task.finally(() => working.delete(task));
    }
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
      await Promise.all(working);
    },
  };
}
