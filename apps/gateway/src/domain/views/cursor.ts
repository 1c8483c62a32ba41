import { ErrorCode } from '@parley/protocol';
import * as v from 'valibot';
import { AppError } from '../errors.ts';

/**
 * Where a page ended in a keyset order: the row's group key (grouped views), its sort value (a
 * UTC timestamp with microseconds, as the database returned it, so no row is skipped or repeated)
 * and its id. `view` names the view and filter the cursor was made for.
 */
export interface CursorPosition {
  view: string;
  group?: string;
  sort: string;
  id: string;
}

const TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

const CursorSchema = v.strictObject({
  v: v.pipe(v.string(), v.maxLength(64)),
  g: v.optional(v.pipe(v.string(), v.maxLength(64))),
  s: v.pipe(v.string(), v.regex(TIMESTAMP)),
  i: v.pipe(v.string(), v.regex(UUID)),
});

const badCursor = () =>
  new AppError(ErrorCode.INVALID_REQUEST, 'cursor: not a cursor of this view and filter; start again without a cursor and follow nextCursor.', { status: 400 });

/** Makes the opaque `nextCursor` of a page. */
export function encodeCursor(position: CursorPosition): string {
  const body = { v: position.view, ...(position.group !== undefined && { g: position.group }), s: position.sort, i: position.id };
  return Buffer.from(JSON.stringify(body)).toString('base64url');
}

/** Reads a cursor back; one that is malformed or made for another view or filter is INVALID_REQUEST. */
export function decodeCursor(cursor: string, view: string): CursorPosition {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw badCursor();
  }
  const result = v.safeParse(CursorSchema, parsed);
  if (!result.success || result.output.v !== view) throw badCursor();
  const { g, s, i } = result.output;
  return { view, ...(g !== undefined && { group: g }), sort: s, id: i };
}
