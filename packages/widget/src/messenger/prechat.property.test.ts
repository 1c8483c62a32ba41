import { checkForm, VisitorUpdateSchema } from '@parley/protocol';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { preChatErrors } from './extras.tsx';

// The pre-chat form and "leave your e-mail" check a visitor's name and address before they are
// sent (PATCH /api/visitor/me). Whatever the browser lets through, the gateway must take: a
// refusal after sending can only say "something went wrong". And an address the gateway would
// refuse is flagged in the browser, with the message that says what to fix.

const MODES = fc.constantFrom('off', 'optional', 'required');
/** What the inputs can hold: up to their maxLength (120 for a name, 254 for an address). */
const name = fc.oneof(fc.string({ maxLength: 120 }), fc.string({ unit: 'grapheme', maxLength: 40 }), fc.constantFrom('', '  ', 'Ada Lovelace', 'Ayşe', '\u200b'));
const email = fc.oneof(
  fc.emailAddress().filter((address) => address.length <= 254),
  fc.tuple(fc.string({ maxLength: 12 }), fc.constantFrom('@', '@@', ''), fc.string({ maxLength: 12 }), fc.constantFrom('.co', '.c', '', '.', '.com.')).map((parts) => parts.join('')),
  fc.constantFrom('', ' ', 'a@b', 'a@b.co', 'a..b@example.com', 'a@-example.com', 'ayşe@example.com', 'a@b.c', 'a @b.co', '"a b"@example.com', 'a@[127.0.0.1]', 'a@b.co.'),
  fc.integer({ min: 240, max: 254 }).map((n) => `${'a'.repeat(n - 6)}@b.com`),
);

describe('the pre-chat checks on generated input', () => {
  it('let through only what the gateway takes, and flag every address it would refuse', () => {
    fc.assert(
      fc.property(fc.record({ name: MODES, email: MODES }), name, email, (settings, rawName, rawEmail) => {
        const [n, e] = [rawName.trim(), rawEmail.trim()];
        const errors = preChatErrors(settings, n, e);
        const patch = { ...(n && { name: n }), ...(e && { email: e }) };
        const server = checkForm(VisitorUpdateSchema, patch);
        if (!errors.name && !errors.email) expect(server.ok, JSON.stringify(patch)).toBe(true);
        if (e && !checkForm(VisitorUpdateSchema, { email: e }).ok) expect(errors.email).toBe('field.email');
      }),
      { numRuns: 2000 },
    );
  });
});
