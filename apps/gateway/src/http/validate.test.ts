import { AppSettingsUpdateSchema, EmptyBodySchema, SavedViewInputSchema, VisitorUpdateSchema } from '@parley/protocol';
import * as v from 'valibot';
import { describe, expect, it } from 'vitest';
import { AppError } from '../domain/errors.ts';
import { arrayForObject, parseInput } from './validate.ts';

describe('arrayForObject', () => {
  it('finds an array where the whole body should be an object', () => {
    expect(arrayForObject(AppSettingsUpdateSchema, [])).toBe('');
    expect(arrayForObject(v.optional(v.object({ a: v.optional(v.string()) })), [])).toBe('');
    expect(arrayForObject(EmptyBodySchema, [])).toBe('');
  });

  it('finds one in a field, by its dot path, also inside records, arrays and wrapped schemas', () => {
    expect(arrayForObject(AppSettingsUpdateSchema, { preChat: [] })).toBe('preChat');
    expect(arrayForObject(VisitorUpdateSchema, { attributes: [] })).toBe('attributes');
    expect(arrayForObject(SavedViewInputSchema, { name: 'x', filter: [] })).toBe('filter');
    expect(arrayForObject(v.record(v.string(), v.object({ b: v.optional(v.number()) })), { one: {}, two: [] })).toBe('two');
    expect(arrayForObject(v.array(v.object({ c: v.optional(v.string()) })), [{}, []])).toBe('1');
    expect(arrayForObject(v.union([v.object({ a: v.string() }), v.object({ b: v.string() })]), [])).toBe('');
  });

  it('lets arrays through where the schema takes them, and objects and other values alone', () => {
    expect(arrayForObject(v.object({ ids: v.array(v.string()) }), { ids: [] })).toBeUndefined();
    expect(arrayForObject(v.union([v.array(v.string()), v.object({})]), [])).toBeUndefined();
    expect(arrayForObject(AppSettingsUpdateSchema, { preChat: { name: 'required' } })).toBeUndefined();
    expect(arrayForObject(AppSettingsUpdateSchema, undefined)).toBeUndefined();
    expect(arrayForObject(VisitorUpdateSchema, { attributes: { plan: 'gold' } })).toBeUndefined();
  });
});

describe('parseInput', () => {
  it('refuses an array where an object belongs with INVALID_REQUEST, saying so', () => {
    const refusal = (() => {
      try {
        parseInput(AppSettingsUpdateSchema, { bot: [] });
      } catch (error) {
        return error;
      }
    })();
    expect(refusal).toBeInstanceOf(AppError);
    expect(refusal).toMatchObject({ code: 'INVALID_REQUEST', status: 400, message: 'bot must be an object, not an array.' });
    expect(() => parseInput(AppSettingsUpdateSchema, [])).toThrow('The body must be a JSON object, not an array.');
    expect(parseInput(AppSettingsUpdateSchema, { bot: { enabled: false } })).toEqual({ bot: { enabled: false } });
  });
});
