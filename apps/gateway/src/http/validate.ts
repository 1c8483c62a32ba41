import { ErrorCode } from '@parley/protocol';
import * as v from 'valibot';
import { AppError } from '../domain/errors.ts';

/** Parses request input with a valibot schema; a mismatch is a 400 INVALID_REQUEST naming the field. */
export function parseInput<S extends v.GenericSchema>(schema: S, input: unknown): v.InferOutput<S> {
  const result = v.safeParse(schema, input);
  if (result.success) return result.output;
  const issue = result.issues[0];
  const path = issue ? v.getDotPath(issue) : null;
  throw new AppError(ErrorCode.INVALID_REQUEST, `${path ? `${path}: ` : ''}${issue?.message ?? 'invalid input'}.`, { status: 400 });
}
