import { types } from '@electric-sql/pglite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openPgliteThread, type PgliteClient } from './pglite-thread.ts';

/** A database on the thread with a `notes` table, open for the tests of the describe block that asks. */
function notesDatabase(columns: string): () => PgliteClient {
  let client: PgliteClient;
  beforeAll(async () => {
    client = await openPgliteThread({});
    await client.exec(`create table notes (${columns})`);
  });
  afterAll(() => client.close());
  return () => client;
}

describe('the embedded database on its own thread', () => {
  const database = notesDatabase('id int primary key, body text not null');

  it('answers queries with rows, fields and the affected count', async () => {
    const inserted = await database().query('insert into notes (id, body) values ($1, $2), ($3, $4)', [1, 'one', 2, 'two']);
    expect(inserted.affectedRows).toBe(2);
    const read = await database().query<{ id: number; body: string }>('select id, body from notes order by id');
    expect(read.rows).toEqual([
      { id: 1, body: 'one' },
      { id: 2, body: 'two' },
    ]);
    expect(read.fields.map((f) => f.name)).toEqual(['id', 'body']);
    expect((await database().query('select id from notes where id = 2', [], { rowMode: 'array' })).rows).toEqual([[2]]);
  });

  it('keeps the types a caller reads as text as text, and refuses a parser it cannot run on the thread', async () => {
    const keep = { [types.TIMESTAMPTZ]: (value: string) => value };
    const { rows } = await database().query<{ at: unknown }>(`select timestamptz '2026-01-02 03:04:05+00' as at`, [], { parsers: keep });
    expect(rows[0]!.at).toBe('2026-01-02 03:04:05+00');
    // Without the caller's parser, PGlite's own makes it a Date.
    expect((await database().query<{ at: unknown }>(`select timestamptz '2026-01-02 03:04:05+00' as at`)).rows[0]!.at).toBeInstanceOf(Date);
    await expect(database().query('select 1', [], { parsers: { [types.INT4]: (value: string) => Number(value) * 2 } })).rejects.toThrow(/parser must return its input/);
  });

  it("rejects with the database's error and its SQLSTATE, and stays usable", async () => {
    const error = await database().query('insert into notes (id, body) values (1, $1)', ['again']).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Error);
    expect(error).toMatchObject({ code: '23505', constraint: 'notes_pkey', message: expect.stringContaining('duplicate key') });
    expect((await database().query<{ body: string }>('select body from notes where id = 1')).rows).toEqual([{ body: 'one' }]);
  });

  it('holds the database for a transaction: statements from outside wait for it, and a failure rolls it back', async () => {
    let outsideRead: Promise<{ n: number }[]> | undefined;
    await database().transaction(async (tx) => {
      await tx.query('insert into notes (id, body) values (10, $1)', ['in a transaction']);
      // Asked while the transaction is open: it must not run inside it, nor before it ends.
      outsideRead = database().query<{ n: number }>('select count(*)::int as n from notes where id = 10').then((r) => r.rows);
      await new Promise((resolve) => setTimeout(resolve, 20));
      await tx.query('update notes set body = $1 where id = 10', ['committed']);
    });
    expect(await outsideRead).toEqual([{ n: 1 }]);

    await expect(
      database().transaction(async (tx) => {
        await tx.query('insert into notes (id, body) values (11, $1)', ['lost']);
        throw new Error('changed my mind');
      }),
    ).rejects.toThrow('changed my mind');
    await database().transaction(async (tx) => {
      await tx.query('insert into notes (id, body) values (12, $1)', ['rolled back']);
      await tx.rollback();
    });
    expect((await database().query<{ id: number }>('select id from notes where id >= 10 order by id')).rows).toEqual([{ id: 10 }]);
  });

  it("leaves the caller's event loop free while a statement runs", async () => {
    let ticks = 0;
    const timer = setInterval(() => ticks++, 1);
    try {
      await database().query('select count(*) from generate_series(1, 3000000)');
    } finally {
      clearInterval(timer);
    }
    // On the caller's thread a statement holds the loop until it ends: no timer could fire.
    expect(ticks).toBeGreaterThan(0);
  });

  it('refuses statements once closed, with a message that says so', async () => {
    const other = await openPgliteThread({});
    await other.close();
    expect(other.closed).toBe(true);
    await expect(other.query('select 1')).rejects.toThrow('The embedded database is closed.');
    // Closing one database leaves the others on the thread open.
    expect((await database().query<{ one: number }>('select 1 as one')).rows).toEqual([{ one: 1 }]);
  });
});

describe('prepared statements on the embedded database thread', () => {
  const database = notesDatabase('id int primary key, body text not null, meta jsonb');

  // Text that breaks naive quoting, and text that tries to end the statement.
  const tricky = ["it's", "''", '\\', "\\'", "back\\slash 'and' quote", '$p$', 'ends with $p', '$$', "'); drop table notes; --", 'E\'\\x41\'', 'ünïcødé ✓ 🎉', ''];

  it.each(tricky)('passes %j through unchanged', async (text) => {
    const { rows } = await database().query<{ v: string; n: number }>('select $1::text as v, length($1::text) as n', [text], { prepare: true });
    expect(rows).toEqual([{ v: text, n: [...text].length }]);
  });

  it('takes numbers, booleans, null and JSON, and stores what plain binding stores', async () => {
    const insert = 'insert into notes (id, body, meta) values ($1, $2, $3::jsonb) returning id, body, meta';
    const meta = JSON.stringify({ quote: "'", slash: '\\', nested: [1, null, true] });
    const prepared = await database().query(insert, [1, tricky.join('|'), meta], { prepare: true });
    const bound = await database().query(insert, [2, tricky.join('|'), meta]);
    expect(prepared.rows).toEqual([{ ...(bound.rows[0] as object), id: 1 }]);
    const { rows } = await database().query<{ a: number | null; b: boolean; c: null }>('select $1::int as a, $2::boolean as b, $3::text as c', [-7, false, null], { prepare: true });
    expect(rows).toEqual([{ a: -7, b: false, c: null }]);
    expect((await database().query<{ n: number }>('select count(*)::int as n from notes')).rows).toEqual([{ n: 2 }]);
  });

  it('prepares a statement once, runs it in and out of transactions, and refuses parameters it cannot write as text', async () => {
    const statement = 'select $1::int + 1 as next';
    const runs = await Promise.all([1, 2, 3].map((n) => database().query<{ next: number }>(statement, [n], { prepare: true })));
    expect(runs.map((r) => r.rows[0]!.next)).toEqual([2, 3, 4]);
    expect((await database().query<{ n: number }>(`select count(*)::int as n from pg_prepared_statements where statement like '%$1::int + 1%'`)).rows).toEqual([{ n: 1 }]);
    await database().transaction(async (tx) => {
      expect((await tx.query<{ next: number }>(statement, [9], { prepare: true } as never)).rows).toEqual([{ next: 10 }]);
    });
    await expect(database().query(statement, [{ not: 'text' }], { prepare: true })).rejects.toThrow(/must be text, a number/);
    await expect(database().query(statement, [Number.NaN], { prepare: true })).rejects.toThrow(/cannot be NaN/);
  });
});
