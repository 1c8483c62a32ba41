import { randomBytes } from 'node:crypto';
import postgres from 'postgres';
import { openDatabase, type OpenDatabase } from '../../src/db/database.ts';

/** Which database this test project runs on: PGlite, or the PostgreSQL server CI provides. */
export const TEST_DB = (process.env.PARLEY_TEST_DB ?? 'pglite') as 'pglite' | 'postgres';

/**
 * A fresh, migrated database for one test file. On PostgreSQL it is a new database on the
 * server, dropped again by `close`, so files running in parallel never share rows.
 */
export async function openTestDatabase(): Promise<OpenDatabase & { url?: string }> {
  if (TEST_DB === 'pglite') return openDatabase({ kind: 'pglite', dataDir: undefined });
  const base = process.env.PARLEY_TEST_DATABASE_URL;
  if (!base) throw new Error('PARLEY_TEST_DATABASE_URL is not set; run the suite with `npm test`.');
  const name = `parley_test_${randomBytes(6).toString('hex')}`;
  const admin = postgres(base, { max: 1, onnotice: () => {} });
  await admin.unsafe(`create database ${name}`);
  await admin.end();
  const url = new URL(base);
  url.pathname = `/${name}`;
  const database = await openDatabase({ kind: 'postgres', url: url.toString() });
  return {
    ...database,
    url: url.toString(),
    close: async () => {
      await database.close();
      const dropper = postgres(base, { max: 1, onnotice: () => {} });
      await dropper.unsafe(`drop database if exists ${name} with (force)`);
      await dropper.end();
    },
  };
}
