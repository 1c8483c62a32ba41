import { checkForm, VisitorIdentifySchema, VisitorUpdateSchema } from '@parley/protocol';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { identityProblem, profileProblem } from './methods.ts';

// `identify` and `update` check their arguments in the page, so a developer's console says what
// to fix at once; the gateway checks them again. Whatever the SDK sends on, the gateway must take,
// or the mistake surfaces later, far from the call that made it.

const email = fc.oneof(
  fc.emailAddress(),
  fc.tuple(fc.string({ maxLength: 10 }), fc.constantFrom('@', ''), fc.string({ maxLength: 10 }), fc.constantFrom('.co', '.c', '', '.')).map((parts) => parts.join('')),
  fc.constantFrom('x@y', '!@a.aa', 'a..b@example.com', 'ayşe@example.com', ' a@b.co ', 'a@b.co\n'),
  fc.anything({ maxDepth: 0 }),
);
const name = fc.oneof(fc.string({ maxLength: 130 }), fc.constantFrom('', '  ', 'Ada'), fc.anything({ maxDepth: 0 }));
const userId = fc.oneof(fc.string({ maxLength: 20 }), fc.string({ unit: 'binary', maxLength: 10 }), fc.integer({ min: 250, max: 260 }).map((n) => 'u'.repeat(n)), fc.anything({ maxDepth: 0 }));
const signature = fc.oneof(fc.constant('a'.repeat(64)), fc.string({ unit: fc.constantFrom(...'0123456789abcdefABCDEFg'), minLength: 63, maxLength: 65 }), fc.anything({ maxDepth: 0 }));
const attributes = fc.dictionary(
  fc.oneof(fc.string({ maxLength: 70 }), fc.constantFrom('plan', 'seats', 'a.b-c_d', '1st', '__proto__')),
  fc.oneof(fc.anything({ maxDepth: 0 }), fc.string({ minLength: 995, maxLength: 1005 }), fc.constantFrom(Infinity, NaN, -0)),
  { maxKeys: 52 },
);

describe('the SDK checks on generated identities and profiles', () => {
  it('let through only identities the gateway takes', () => {
    fc.assert(
      fc.property(fc.record({ userId, signature, name, email }, { requiredKeys: ['userId', 'signature'] }), (identity) => {
        if (identityProblem(identity)) return;
        const { name: n, email: e } = identity as { name?: string; email?: string };
        // What identify() sends: names and addresses trimmed.
        const sent = { ...identity, ...(n !== undefined && { name: n.trim() }), ...(e !== undefined && { email: e.trim() }) };
        expect(checkForm(VisitorIdentifySchema, sent).ok, JSON.stringify(sent)).toBe(true);
      }),
      { numRuns: 2000 },
    );
  });

  it('let through only profile changes the gateway takes', () => {
    fc.assert(
      fc.property(fc.record({ name: fc.oneof(name, fc.constant(null)), email: fc.oneof(email, fc.constant(null)), attributes }, { requiredKeys: [] }), (patch) => {
        if (profileProblem(patch)) return;
        expect(checkForm(VisitorUpdateSchema, patch).ok, JSON.stringify(patch)).toBe(true);
      }),
      { numRuns: 2000 },
    );
  });
});
