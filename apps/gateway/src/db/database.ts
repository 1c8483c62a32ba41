import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { entityKind, type Query, type SQL } from 'drizzle-orm';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import * as schema from './schema/index.ts';
import { acquireDataDirLock } from './data-dir-lock.ts';
import type { PgliteClient } from './pglite-thread.ts';

/** The Drizzle handle every repository takes; the same type on PGlite and on PostgreSQL. */
export type Database = PgDatabase<PgQueryResultHKT, typeof schema>;

/** An open database: the handle, how to run raw SQL for LISTEN/NOTIFY, and how to close it. */
export interface OpenDatabase {
  db: Database;
  kind: 'pglite' | 'postgres';
  /** Answers whether the database responds (for /healthz). */
  ping(): Promise<boolean>;
  /** PostgreSQL only: the raw `postgres` client, for LISTEN/NOTIFY between gateway nodes. */
  sql?: import('postgres').Sql;
  close(): Promise<void>;
}

interface Internals {
  session: { prepareQuery(query: Query, fields: undefined, name: string, arrayMode: boolean): { execute(values?: Record<string, unknown>): Promise<unknown> } };
  dialect: { sqlToQuery(query: SQL): Query };
}

/**
 * Runs a raw statement as a named prepared statement. `db.execute` sends an unnamed one, which
 * on PostgreSQL costs a round trip to learn the parameter types and a fresh plan every time;
 * for the statements on the message path, run once per batch, that is a large share of the
 * batch's time. On PGlite it runs as `db.execute` does, planned with its values each time
 * (cheap for these statements; `prepareStatement` prepares the one whose planning is not).
 * Rows come back as an array on PostgreSQL and as `{ rows }` on PGlite.
 */
export function executePrepared(db: Database, query: SQL): Promise<unknown> {
  return prepareStatement(db, query, { onPglite: false })({});
}

/**
 * Builds a raw statement's text once and returns how to run it, as `executePrepared` does, with
 * the values of its `sql.placeholder(name)`s: for a large statement run on every batch, turning
 * the query into text each time is work the gateway can skip. PGlite plans every unnamed
 * statement anew (4–20 ms for the message batch statement), so on PGlite its thread prepares
 * the statement with SQL's PREPARE (pglite-host.mjs), unless `onPglite` is false.
 */
export function prepareStatement(
  db: Database,
  query: SQL,
  { onPglite = true }: { onPglite?: boolean } = {},
): (values: Record<string, unknown>) => Promise<unknown> {
  const { session, dialect } = db as unknown as Internals;
  const prepared = session.prepareQuery(dialect.sqlToQuery(query), undefined, 'parley', false);
  if (onPglite && (session.constructor as { [entityKind]?: string })[entityKind] === 'PgliteSession') {
    // PGlite plans an unnamed statement on every run: its thread prepares this one instead.
    const target = prepared as unknown as { client: Pick<PgliteClient, 'query'> };
    const { client } = target;
    target.client = { query: (sql, params, options) => client.query(sql, params, { ...options, prepare: true }) };
  }
  return (values) => prepared.execute(values);
}

/** Where the committed migrations live. */
export const MIGRATIONS_FOLDER = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'drizzle');

/** Options for opening the database: a PostgreSQL URL, or a PGlite data folder (or memory). */
export type DatabaseOptions =
  | { kind: 'postgres'; url: string; maxConnections?: number }
  | { kind: 'pglite'; dataDir: string | undefined; loadDataDir?: Blob };

/**
 * Opens the database and applies pending migrations. PGlite takes a lock on its data folder,
 * because PGlite serves one process; PostgreSQL migrations run under an advisory lock, so
 * several gateway nodes can start at once.
 */
export async function openDatabase(options: DatabaseOptions): Promise<OpenDatabase> {
  return options.kind === 'postgres' ? openPostgres(options.url, options.maxConnections) : openPglite(options.dataDir, options.loadDataDir);
}

async function openPglite(dataDir: string | undefined, loadDataDir?: Blob): Promise<OpenDatabase> {
  const [{ openPgliteThread }, { drizzle }, { migrate }] = await Promise.all([
    import('./pglite-thread.ts'),
    import('drizzle-orm/pglite'),
    import('drizzle-orm/pglite/migrator'),
  ]);
  let release: (() => void) | undefined;
  if (dataDir) {
    mkdirSync(dataDir, { recursive: true });
    release = acquireDataDirLock(dataDir);
  }
  try {
    const client = await openPgliteThread({ ...(dataDir && { dataDir: join(dataDir, 'pgdata') }), ...(loadDataDir && { loadDataDir }) });
    const db = drizzle(client as never, { schema }) as unknown as Database;
    await migrate(db as never, { migrationsFolder: MIGRATIONS_FOLDER });
    return {
      db,
      kind: 'pglite',
      ping: async () => {
        try {
          await client.query('select 1');
          return !client.closed;
        } catch {
          return false;
        }
      },
      close: async () => {
        if (!client.closed) await client.close();
        release?.();
      },
    };
  } catch (error) {
    release?.();
    throw error;
  }
}

async function openPostgres(url: string, maxConnections = 10): Promise<OpenDatabase> {
  const [{ default: postgres }, { drizzle }, { migrate }] = await Promise.all([
    import('postgres'),
    import('drizzle-orm/postgres-js'),
    import('drizzle-orm/postgres-js/migrator'),
  ]);
  const quiet = { onnotice: () => {} };
  // Migrate on one connection that holds an advisory lock: nodes starting together take turns.
  const migrator = postgres(url, { max: 1, ...quiet });
  try {
    await migrator`select pg_advisory_lock(727270)`;
    await migrate(drizzle(migrator), { migrationsFolder: MIGRATIONS_FOLDER });
    await migrator`select pg_advisory_unlock(727270)`;
  } finally {
    await migrator.end();
  }
  const sql = postgres(url, { max: maxConnections, ...quiet });
  const db = drizzle(sql, { schema }) as unknown as Database;
  return {
    db,
    kind: 'postgres',
    sql,
    ping: async () => {
      try {
        await sql`select 1`;
        return true;
      } catch {
        return false;
      }
    },
    close: () => sql.end({ timeout: 5 }),
  };
}
