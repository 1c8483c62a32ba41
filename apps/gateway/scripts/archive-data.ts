// What the archive scripts share: opening the gateway's database (the same settings as
// `npm start`: DATABASE_URL, else PGlite in PARLEY_DATA_DIR) and the workspace they fill.
import { sql } from 'drizzle-orm';
import { loadConfig } from '../src/config.ts';
import { openDatabase, type OpenDatabase } from '../src/db/database.ts';

/** The workspace the archive scripts fill, unless `--workspace` names another. */
export const ARCHIVE_WORKSPACE = 'archive-bench';

/** Reads `--name value` from the command line. */
export function option(name: string, fallback: string): string {
  const at = process.argv.indexOf(`--${name}`);
  return at >= 0 && process.argv[at + 1] ? process.argv[at + 1]! : fallback;
}

/** Opens the database the gateway would use, migrated. PGlite's folder must not be in use by a running gateway. */
export async function openGatewayDatabase(): Promise<OpenDatabase> {
  const config = loadConfig(process.env);
  return openDatabase(config.databaseUrl ? { kind: 'postgres', url: config.databaseUrl } : { kind: 'pglite', dataDir: config.dataDir });
}

/** The rows of a raw query, on PostgreSQL (an array) and on PGlite (`{ rows }`). */
export function rowsOf<T>(result: unknown): T[] {
  return (Array.isArray(result) ? result : (result as { rows: T[] }).rows) as T[];
}

/** What the archive of a workspace is spread over: its apps, queues, agents and wrap-up reasons. */
export interface ArchiveFixtures {
  workspaceId: string;
  apps: string[];
  queues: string[];
  agents: string[];
  reasons: string[];
}

/**
 * Makes (or finds) the workspace with 3 apps, 4 queues, 20 agents (who cannot sign in: their
 * password hash matches no password) and 5 wrap-up reasons.
 */
export async function ensureFixtures(database: OpenDatabase, workspaceId: string): Promise<ArchiveFixtures> {
  const { db } = database;
  await db.execute(sql`insert into workspaces (id, name) values (${workspaceId}, 'Archive benchmark') on conflict do nothing`);
  await db.execute(sql`
    insert into apps (id, workspace_id, name, identity_secret)
    select ${workspaceId} || '-' || n, ${workspaceId}, initcap(n), md5(random()::text) from unnest(array['shop', 'bank', 'travel']) n
    on conflict do nothing`);
  await db.execute(sql`
    insert into queues (workspace_id, name, mode)
    select ${workspaceId}, n, 'offer' from unnest(array['Sales', 'Billing', 'Support', 'Returns']) n
    on conflict do nothing`);
  await db.execute(sql`
    insert into agents (workspace_id, email, name, role, password_hash)
    select ${workspaceId}, 'agent' || i || '@' || ${workspaceId} || '.example', 'Agent ' || i, 'agent', 'scrypt$disabled'
    from generate_series(1, 20) i
    on conflict do nothing`);
  await db.execute(sql`
    insert into wrap_up_reasons (workspace_id, label)
    select ${workspaceId}, n from unnest(array['Solved', 'Refund', 'Question', 'Complaint', 'Spam']) n
    on conflict do nothing`);
  const ids = async (query: ReturnType<typeof sql>) => rowsOf<{ id: string }>(await db.execute(query)).map((r) => r.id);
  return {
    workspaceId,
    apps: await ids(sql`select id from apps where workspace_id = ${workspaceId} order by id`),
    queues: await ids(sql`select id::text as id from queues where workspace_id = ${workspaceId} order by name`),
    agents: await ids(sql`select id::text as id from agents where workspace_id = ${workspaceId} order by email`),
    reasons: await ids(sql`select label as id from wrap_up_reasons where workspace_id = ${workspaceId} order by label`),
  };
}
