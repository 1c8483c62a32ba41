import { createHmac } from 'node:crypto';
import crypto from 'node:crypto';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { signIdentity, verifyIdentitySignature } from './signature.ts';

const SECRET = 'app-identity-secret-0123456789';

describe('identity signature', () => {
  afterEach(() => vi.restoreAllMocks());

  it('is the lowercase hex HMAC-SHA256 of the user id with the secret', () => {
    const expected = createHmac('sha256', SECRET).update('user-42').digest('hex');
    expect(signIdentity(SECRET, 'user-42')).toBe(expected);
    expect(expected).toMatch(/^[0-9a-f]{64}$/);
  });

  it('verifies the right signature, in either letter case', () => {
    const signature = signIdentity(SECRET, 'user-42');
    expect(verifyIdentitySignature(SECRET, 'user-42', signature)).toBe(true);
    expect(verifyIdentitySignature(SECRET, 'user-42', signature.toUpperCase())).toBe(true);
  });

  it('refuses a signature of another user, with another secret, or off by one character at either end', () => {
    const signature = signIdentity(SECRET, 'user-42');
    const flip = (s: string, i: number) => s.slice(0, i) + (s[i] === '0' ? '1' : '0') + s.slice(i + 1);
    expect(verifyIdentitySignature(SECRET, 'user-43', signature)).toBe(false);
    expect(verifyIdentitySignature('another-secret-0123456789', 'user-42', signature)).toBe(false);
    expect(verifyIdentitySignature(SECRET, 'user-42', flip(signature, 0))).toBe(false);
    expect(verifyIdentitySignature(SECRET, 'user-42', flip(signature, 63))).toBe(false);
  });

  it('refuses malformed signatures without throwing: empty, short, long, not hex', () => {
    const signature = signIdentity(SECRET, 'user-42');
    for (const bad of ['', signature.slice(0, 62), `${signature}00`, 'z'.repeat(64), signature.replace(/./, ' ')]) {
      expect(verifyIdentitySignature(SECRET, 'user-42', bad)).toBe(false);
    }
  });

  it('compares in constant time: one timingSafeEqual of 32-byte buffers for good, wrong and malformed signatures', () => {
    const spy = vi.spyOn(crypto, 'timingSafeEqual');
    const signature = signIdentity(SECRET, 'user-42');
    for (const candidate of [signature, signIdentity(SECRET, 'other'), 'abc', '']) {
      spy.mockClear();
      verifyIdentitySignature(SECRET, 'user-42', candidate);
      expect(spy).toHaveBeenCalledTimes(1);
      const [a, b] = spy.mock.calls[0]! as [Buffer, Buffer];
      expect([a.length, b.length]).toEqual([32, 32]);
    }
  });
});
