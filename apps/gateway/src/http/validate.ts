import { checkForm, ErrorCode, FieldErrorCode, issueText, type FieldError } from '@parley/protocol';
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import * as v from 'valibot';
import { AppError } from '../domain/errors.ts';

/** The parts of a valibot schema the array check reads. */
interface SchemaNode {
  kind: string;
  type: string;
  pipe?: SchemaNode[];
  entries?: Record<string, SchemaNode>;
  wrapped?: SchemaNode;
  item?: SchemaNode;
  value?: SchemaNode;
  options?: SchemaNode[];
}

const OBJECTS = new Set(['object', 'strict_object', 'loose_object', 'object_with_rest', 'record']);
const WRAPPERS = new Set(['optional', 'exact_optional', 'nullable', 'nullish', 'undefinedable', 'non_optional', 'non_nullable', 'non_nullish']);

const unwrap = (node: SchemaNode): SchemaNode => (WRAPPERS.has(node.type) && node.wrapped ? unwrap(node.wrapped) : node);

/**
 * Where the input has an array where the schema wants an object (a JSON object, or a record):
 * the field's dot path, '' for the whole input, undefined when there is none. valibot's object
 * and record schemas take arrays as objects (`[]` passes as `{}`), so every route asks first.
 */
export function arrayForObject(schema: v.GenericSchema, input: unknown, path = ''): string | undefined {
  const node = unwrap(schema as unknown as SchemaNode);
  const at = (key: string | number) => (path ? `${path}.${key}` : String(key));
  // A pipe that hands its input on to another schema (the protocol's `jsonObject`): that one decides.
  for (const step of node.pipe?.slice(1) ?? []) {
    if (step.kind !== 'schema') continue;
    const found = arrayForObject(step as unknown as v.GenericSchema, input, path);
    if (found !== undefined) return found;
  }
  if (OBJECTS.has(node.type)) {
    if (Array.isArray(input)) return path;
    if (!input || typeof input !== 'object') return undefined;
    const record = input as Record<string, unknown>;
    if (node.type === 'record') {
      for (const [key, value] of Object.entries(record)) {
        const found = node.value && arrayForObject(node.value as unknown as v.GenericSchema, value, at(key));
        if (found !== undefined) return found;
      }
      return undefined;
    }
    for (const [key, entry] of Object.entries(node.entries ?? {})) {
      if (!(key in record)) continue;
      const found = arrayForObject(entry as unknown as v.GenericSchema, record[key], at(key));
      if (found !== undefined) return found;
    }
    return undefined;
  }
  if (node.type === 'array' && Array.isArray(input) && node.item) {
    for (const [index, value] of input.entries()) {
      const found = arrayForObject(node.item as unknown as v.GenericSchema, value, at(index));
      if (found !== undefined) return found;
    }
    return undefined;
  }
  // A choice of objects (a union or variant with no array among its options) takes no array either.
  if ((node.type === 'union' || node.type === 'variant') && Array.isArray(input) && node.options?.length) {
    return node.options.every((option) => OBJECTS.has(unwrap(option).type)) ? path : undefined;
  }
  return undefined;
}

/** The refusal of an array where an object belongs: 400 `INVALID_REQUEST`, naming the field (with a field error when it is one). */
function arrayRefusal(field: string): AppError {
  if (!field) return Object.assign(new AppError(ErrorCode.INVALID_REQUEST, 'The body must be a JSON object, not an array.', { status: 400 }), { fields: [] as FieldError[] });
  const message = `${field} must be an object, not an array`;
  const fields: FieldError[] = [{ field, code: FieldErrorCode.INVALID_TYPE, message }];
  return Object.assign(new AppError(ErrorCode.INVALID_REQUEST, `${message}.`, { status: 400 }), { fields });
}

/** Throws 400 `INVALID_REQUEST` when the input has an array where the schema wants an object (see `arrayForObject`). */
export function refuseArrayForObject(schema: v.GenericSchema, input: unknown): void {
  const field = arrayForObject(schema, input);
  if (field !== undefined) throw arrayRefusal(field);
}

/** Parses request input with a valibot schema; a mismatch is a 400 INVALID_REQUEST naming the field. */
export function parseInput<S extends v.GenericSchema>(schema: S, input: unknown): v.InferOutput<S> {
  refuseArrayForObject(schema, input);
  const result = v.safeParse(schema, input);
  if (result.success) return result.output;
  throw new AppError(ErrorCode.INVALID_REQUEST, `${issueText(result.issues)}.`, { status: 400 });
}

/**
 * Parses a form's body, answering 400 `INVALID_REQUEST` with one entry per bad field in
 * `error.fields` (`{ field, code, message, max? }`); a rule about the whole body (e.g. exactly
 * one of two fields) is named in the message. Answer its errors with `fieldErrorHandler`.
 */
export function parseForm<S extends v.GenericSchema>(schema: S, input: unknown): v.InferOutput<S> {
  refuseArrayForObject(schema, input ?? {});
  const result = checkForm(schema, input ?? {});
  if (result.ok) return result.value;
  const { fields } = result;
  const whole = v.safeParse(schema, input ?? {});
  const message = fields.length ? `${fields.map((f) => f.message).join('; ')}.` : `${whole.issues?.[0]?.message ?? 'The body must be a JSON object'}.`;
  throw Object.assign(new AppError(ErrorCode.INVALID_REQUEST, message, { status: 400 }), { fields });
}

/** The error handler of routes that parse forms: field errors travel with the error body; everything else goes on to the one error handler. */
export function fieldErrorHandler(error: FastifyError | AppError, _request: FastifyRequest, reply: FastifyReply) {
  const fields = (error as { fields?: unknown }).fields;
  if (error instanceof AppError && Array.isArray(fields)) {
    return reply.status(error.status).send({ error: { code: error.code, message: error.message, fields } });
  }
  throw error;
}
