import { Worker } from 'node:worker_threads';
import type { PGliteOptions, QueryOptions, Results, Transaction } from '@electric-sql/pglite';

/**
 * The embedded database on a thread of its own. PGlite runs PostgreSQL as WebAssembly that holds
 * its thread for the whole of each statement (several milliseconds for a batch of messages); on
 * the gateway's thread that would stall every socket meanwhile, and leave the machine's other
 * core idle. One thread (`pglite-host.mjs`) hosts every database this process opens.
 *
 * The client answers what Drizzle's PGlite driver asks of a PGlite instance: `query`, `exec`,
 * `transaction`, `close` and `closed`.
 */
export interface PgliteClient {
  query<T>(sql: string, params?: unknown[], options?: ThreadQueryOptions): Promise<Results<T>>;
  exec(sql: string, options?: QueryOptions): Promise<Results[]>;
  transaction<T>(callback: (tx: Transaction) => Promise<T>): Promise<T>;
  close(): Promise<void>;
  readonly closed: boolean;
}

/** PGlite's query options, and `prepare`: run the statement as a prepared one (planned once, not on every run). */
export type ThreadQueryOptions = QueryOptions & { prepare?: boolean };

interface Request {
  op: 'open' | 'query' | 'exec' | 'close';
  db: number;
  args: unknown[];
}

type Waiter = { resolve: (value: unknown) => void; reject: (error: Error) => void };

let host: { worker: Worker; waiting: Map<number, Waiter>; open: Set<number> } | undefined;
let nextId = 0;
let nextDb = 0;

/** An error from the thread, rebuilt with its fields (SQLSTATE `code`, `detail`, `constraint`…). */
function rebuild(fields: Record<string, unknown> & { message: string; name: string }): Error {
  const { message, name, ...rest } = fields;
  const error = Object.assign(new Error(message), rest);
  error.name = name;
  return error;
}

/** The hosting thread, started on first use; it keeps the process alive only while a database is open. */
function hostThread() {
  if (host) return host;
  const worker = new Worker(new URL('./pglite-host.mjs', import.meta.url));
  const started = { worker, waiting: new Map<number, Waiter>(), open: new Set<number>() };
  worker.on('message', ({ id, value, error }: { id: number; value?: unknown; error?: Parameters<typeof rebuild>[0] }) => {
    const waiter = started.waiting.get(id);
    started.waiting.delete(id);
    if (error) waiter?.reject(rebuild(error));
    else waiter?.resolve(value);
  });
  const fail = (error: Error) => {
    if (host === started) host = undefined;
    for (const waiter of started.waiting.values()) waiter.reject(error);
    started.waiting.clear();
    started.open.clear();
  };
  worker.on('error', fail);
  worker.on('exit', (code) => fail(new Error(`The embedded database's thread stopped (exit code ${code}).`)));
  worker.unref();
  host = started;
  return started;
}

function call<T>(request: Request): Promise<T> {
  const thread = hostThread();
  const id = ++nextId;
  return new Promise<T>((resolve, reject) => {
    thread.waiting.set(id, { resolve: resolve as (value: unknown) => void, reject });
    thread.worker.postMessage({ id, ...request });
  });
}

/**
 * The types Drizzle keeps as PostgreSQL's text (dates, timestamps, intervals): its parsers for
 * them return their input. Functions cannot cross to the thread, so the thread is told the
 * types instead; a parser that does anything else is refused rather than silently dropped.
 */
function forThread(options: ThreadQueryOptions | undefined): Record<string, unknown> | undefined {
  if (!options) return undefined;
  const { parsers, serializers, onNotice, blob, ...rest } = options;
  if (serializers || onNotice || blob) throw new Error('The embedded database thread takes no serializers, notice handlers or blobs.');
  if (!parsers) return rest;
  const probe = '2000-01-01 00:00:00';
  for (const [type, parse] of Object.entries(parsers)) {
    if (parse(probe, Number(type)) !== probe) throw new Error(`The embedded database thread keeps type ${type} as text; its parser must return its input.`);
  }
  return { ...rest, textTypes: Object.keys(parsers).map(Number) };
}

/** Opens a PGlite database on the hosting thread. */
export async function openPgliteThread(options: Pick<PGliteOptions, 'dataDir' | 'loadDataDir'>): Promise<PgliteClient> {
  const db = ++nextDb;
  const thread = hostThread();
  thread.open.add(db);
  thread.worker.ref();
  let closed = false;
  // A transaction holds the database: other statements wait until it ends, as PGlite's own do.
  let held: Promise<void> = Promise.resolve();
  const release = () => {
    thread.open.delete(db);
    if (!thread.open.size) thread.worker.unref();
  };
  try {
    await call({ op: 'open', db, args: [options] });
  } catch (error) {
    release();
    throw error;
  }

  const run = <T>(op: 'query' | 'exec', args: unknown[]) => {
    if (closed) return Promise.reject(new Error('The embedded database is closed.'));
    return call<T>({ op, db, args });
  };
  const query = <T>(sql: string, params: unknown[] = [], options?: ThreadQueryOptions) => run<Results<T>>('query', [sql, params, forThread(options)]);
  const exec = (sql: string, options?: QueryOptions) => run<Results[]>('exec', [sql, forThread(options)]);
  /** Runs `work` once no transaction holds the database. */
  const whenFree = async <T>(work: () => Promise<T>): Promise<T> => {
    // A transaction that began while this one waited holds it again: wait for that one too.
    for (let awaited = held; ; awaited = held) {
      await awaited;
      if (awaited === held) return work();
    }
  };

  return {
    query: (sql, params, options) => whenFree(() => query(sql, params, options)),
    exec: (sql, options) => whenFree(() => exec(sql, options)),
    async transaction(callback) {
      let end!: () => void;
      const previous = held;
      held = new Promise<void>((resolve) => (end = resolve));
      await previous;
      let done = false;
      const tx: Transaction = {
        query: (sql, params, options) => query(sql, params, options),
        sql: () => Promise.reject(new Error('Use tx.query on the embedded database thread.')),
        exec: (sql, options) => exec(sql, options),
        async rollback() {
          await exec('ROLLBACK');
          done = true;
        },
        listen: () => Promise.reject(new Error('LISTEN is not available on the embedded database thread.')),
        get closed() {
          return done;
        },
      };
      try {
        await exec('BEGIN');
        const result = await callback(tx);
        if (!done) await exec('COMMIT');
        done = true;
        return result;
      } catch (error) {
        if (!done) await exec('ROLLBACK').catch(() => {});
        done = true;
        throw error;
      } finally {
        end();
      }
    },
    async close() {
      if (closed) return;
      await held;
      closed = true;
      try {
        await call({ op: 'close', db, args: [] });
      } finally {
        release();
      }
    },
    get closed() {
      return closed;
    },
  };
}
