import { IdSchema } from '@parley/protocol';
import { describe, expect, it } from 'vitest';
import { randomId } from './id.ts';
import { validate } from './validate.ts';

const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe('randomId', () => {
  it('returns a dashed UUID v4 that is a valid protocol id when randomUUID exists', () => {
    const id = randomId();
    expect(id).toMatch(UUID_V4);
    expect(validate(IdSchema, id).ok).toBe(true);
  });

  it('builds a UUID v4 from getRandomValues when randomUUID is missing', () => {
    const id = randomId({ getRandomValues: (a) => (a instanceof Uint8Array && a.fill(0xff), a) });
    expect(id).toBe('ffffffff-ffff-4fff-bfff-ffffffffffff');
    expect(randomId({ getRandomValues: (a) => globalThis.crypto.getRandomValues(a) })).toMatch(UUID_V4);
  });
});
