import * as v from 'valibot';
import { ErrorCode } from './codes.ts';
import { CLIENT_FRAME_TYPES, ClientFrameSchema, type ClientFrame } from './frames.ts';
import { fieldErrors } from './tickets.ts';

/** The outcome of parsing one client frame: the frame, or a coded error naming what is wrong. */
export type ParseResult =
  | { ok: true; frame: ClientFrame }
  | { ok: false; code: ErrorCode; message: string; frameType?: string; ref?: string };

/**
 * What is wrong, in words that say what to fix: the first issue as a form names it ("body is
 * required", "extra is not a field this request takes"), else the schema's own message with
 * its path. Shared by the socket and the HTTP API; cut at 160 characters, since it may quote
 * the value it refused.
 */
export function issueText(issues: readonly v.BaseIssue<unknown>[]): string {
  const [named] = fieldErrors(issues);
  const issue = issues[0];
  const path = issue ? v.getDotPath(issue) : null;
  const text = named ? named.message : `${path ? `${path}: ` : ''}${issue?.message ?? 'wrong shape'}`;
  return text.length > 160 ? `${text.slice(0, 159)}…` : text;
}

/** A `type` as an error names it: a string quoted (its start), anything else by its kind. */
function shown(type: unknown): string {
  if (typeof type === 'string') return JSON.stringify(type.slice(0, 40));
  if (type === undefined) return '(missing)';
  if (type === null) return 'null';
  if (typeof type === 'object') return Array.isArray(type) ? '(an array)' : '(an object)';
  return `(a ${typeof type})`;
}

/**
 * Parses raw socket text into a validated client frame. Never throws: invalid JSON, unknown
 * types and wrong shapes come back as coded errors, with the frame's `type` and `ref` when
 * they could be read, so the error frame can name the frame it answers.
 */
export function parseClientFrame(text: string): ParseResult {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    return { ok: false, code: ErrorCode.BAD_JSON, message: 'The frame is not valid JSON.' };
  }
  if (typeof data !== 'object' || data === null || Array.isArray(data)) {
    return { ok: false, code: ErrorCode.INVALID_FRAME, message: 'A frame must be a JSON object with a "type".' };
  }
  const record = data as Record<string, unknown>;
  const ref = typeof record.ref === 'string' ? record.ref.slice(0, 64) : undefined;
  const type = record.type;
  if (typeof type !== 'string' || !(CLIENT_FRAME_TYPES as readonly string[]).includes(type)) {
    return {
      ok: false,
      code: ErrorCode.UNKNOWN_TYPE,
      message: `Unknown frame type ${shown(type)}; expected one of ${CLIENT_FRAME_TYPES.join(', ')}.`,
      ...(ref !== undefined && { ref }),
    };
  }
  const result = v.safeParse(ClientFrameSchema, data);
  if (!result.success) {
    return {
      ok: false,
      code: ErrorCode.INVALID_FRAME,
      message: `Invalid "${type}" frame: ${issueText(result.issues)}.`,
      frameType: type,
      ...(ref !== undefined && { ref }),
    };
  }
  return { ok: true, frame: result.output };
}
