import { describe, expect, it } from 'vitest';
import { hashPassword, hashToken, newPassword, newToken, verifyPassword } from './secrets.ts';

describe('secrets', () => {
  it('makes tokens of 256 random bits that never repeat', () => {
    const tokens = new Set(Array.from({ length: 100 }, newToken));
    expect(tokens.size).toBe(100);
    expect(Buffer.from([...tokens][0]!, 'base64url')).toHaveLength(32);
  });

  it('hashes a token to 64 hex characters that do not contain it', () => {
    const token = newToken();
    expect(hashToken(token)).toMatch(/^[0-9a-f]{64}$/);
    expect(hashToken(token)).toBe(hashToken(token));
  });

  it('verifies the right password and refuses a wrong one', async () => {
    const stored = await hashPassword('hunter2 but longer');
    expect(stored).toMatch(/^scrypt\$16384\$8\$1\$/);
    expect(await verifyPassword('hunter2 but longer', stored)).toBe(true);
    expect(await verifyPassword('hunter3 but longer', stored)).toBe(false);
  });

  it('salts each hash', async () => {
    expect(await hashPassword('same')).not.toBe(await hashPassword('same'));
  });

  it('refuses a malformed stored hash instead of throwing', async () => {
    expect(await verifyPassword('x', 'md5$abc')).toBe(false);
  });

  it('makes generated passwords of 16 URL-safe characters', () => {
    expect(newPassword()).toMatch(/^[A-Za-z0-9_-]{16}$/);
  });
});
