// The thread the embedded database runs on (see pglite-thread.ts): PGlite's work is
// WebAssembly that holds its thread for the whole of each statement, so it runs here and the
// gateway's event loop stays free for sockets while a batch is written. Plain JavaScript: the
// thread starts with plain Node, whatever runs the gateway (tsx, a test runner).
import { parentPort } from 'node:worker_threads';
import { PGlite } from '@electric-sql/pglite';

/**
 * The open databases, by the number their opener gave, each with its prepared statements (the
 * name of each statement's text, once prepared).
 * @type {Map<number, { pg: PGlite; prepared: Map<string, Promise<string>> }>}
 */
const databases = new Map();

/** Returns the value of a type as PostgreSQL's text gave it, for the types the caller keeps as text. */
const asText = (value) => value;

/** The query options PGlite takes, from what crossed the thread: the types to keep as text instead of parser functions. */
function queryOptions(options) {
  if (!options) return undefined;
  // `prepare` is this thread's own option (runPrepared), not PGlite's.
  const { textTypes, prepare, ...rest } = options;
  return textTypes ? { ...rest, parsers: Object.fromEntries(textTypes.map((type) => [type, asText])) } : rest;
}

/** What an error carries across the thread: its message, name and own fields (SQLSTATE `code`, `detail`, `constraint`…). */
function errorFields(error) {
  if (!(error instanceof Error)) return { message: String(error), name: 'Error' };
  const fields = {};
  for (const [key, value] of Object.entries(error)) {
    if (value === undefined || typeof value === 'function') continue;
    try {
      fields[key] = structuredClone(value);
    } catch {
      // Not cloneable (a handle of the database's own): left out.
    }
  }
  return { ...fields, message: error.message, name: error.name };
}

/** An open database, or the error a statement gets after it was closed. */
function database(db) {
  const found = databases.get(db);
  if (!found) throw new Error('The embedded database is closed.');
  return found;
}

/**
 * A parameter's value written into the statement's text, for `EXECUTE` (which takes no bound
 * parameters): strings quoted as libpq's PQescapeLiteral quotes them (quotes doubled; with a
 * backslash, an E'' string with backslashes doubled too, whatever standard_conforming_strings
 * says), other values as PostgreSQL reads them; the prepared statement's parameter types then
 * convert them as binding would.
 */
function literal(value) {
  if (value === null || value === undefined) return 'NULL';
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (typeof value === 'bigint') return String(value);
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new Error(`A parameter cannot be ${value}.`);
    return String(value);
  }
  if (value instanceof Date) return `'${value.toISOString()}'`;
  if (typeof value !== 'string') throw new Error(`A prepared statement's parameter must be text, a number, a boolean, a date or null, not ${typeof value}.`);
  const text = value.replaceAll("'", "''");
  return text.includes('\\') ? `E'${text.replaceAll('\\', '\\\\')}'` : `'${text}'`;
}

/**
 * Runs a statement as a prepared one: PREPARE on its first run, EXECUTE after. PGlite sends every
 * query as a new unnamed statement, so a large statement is planned on every run (milliseconds
 * for the batch that writes messages); prepared, its plan is kept as PostgreSQL keeps one.
 */
async function runPrepared(db, sql, params, options) {
  const { pg, prepared } = database(db);
  let preparing = prepared.get(sql);
  if (!preparing) {
    const name = `parley_prepared_${prepared.size + 1}`;
    preparing = pg.query(`PREPARE ${name} AS ${sql}`).then(() => name);
    // A statement run twice at once is prepared once; one that failed to prepare is tried again next time.
    prepared.set(sql, preparing);
    preparing.catch(() => prepared.get(sql) === preparing && prepared.delete(sql));
  }
  const name = await preparing;
  const args = params.length ? `(${params.map(literal).join(', ')})` : '';
  return pg.query(`EXECUTE ${name}${args}`, [], queryOptions(options));
}

async function run({ op, db, args }) {
  switch (op) {
    case 'open': {
      databases.set(db, { pg: await PGlite.create(args[0]), prepared: new Map() });
      return undefined;
    }
    case 'query': {
      const [sql, params, options] = args;
      if (options?.prepare) return runPrepared(db, sql, params ?? [], options);
      return database(db).pg.query(sql, params, queryOptions(options));
    }
    case 'exec': {
      const [sql, options] = args;
      return database(db).pg.exec(sql, queryOptions(options));
    }
    case 'close': {
      const open = databases.get(db)?.pg;
      databases.delete(db);
      if (open && !open.closed) await open.close();
      return undefined;
    }
    default:
      throw new Error(`unknown operation ${op}`);
  }
}

parentPort.on('message', (request) => {
  // Each database runs its statements in the order they came (PGlite queues them): the opener
  // sends a transaction's statements only while it holds the database.
  run(request).then(
    (value) => parentPort.postMessage({ id: request.id, value }),
    (error) => parentPort.postMessage({ id: request.id, error: errorFields(error) }),
  );
});
