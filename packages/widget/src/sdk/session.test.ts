import { describe, expect, it, vi } from 'vitest';
import { createSessionManager } from './session.ts';
import { fakeGateway } from './test-support.ts';

function memory() {
  const map = new Map<string, string>();
  return {
    map,
    getItem: (key: string) => map.get(key) ?? null,
    setItem: (key: string, value: string) => void map.set(key, value),
    removeItem: (key: string) => void map.delete(key),
  };
}

const SIGNATURE = 'b'.repeat(64);

describe('createSessionManager', () => {
  function setup() {
    const gateway = fakeGateway();
    const storage = memory();
    const report = vi.fn();
    const onIdentified = vi.fn();
    const sessions = createSessionManager({ baseUrl: 'https://chat.example.com', appId: 'demo', storage, fetch: gateway.fetch, report, onIdentified, onReplaced: vi.fn() });
    return { gateway, storage, report, onIdentified, sessions };
  }

  it('makes one session for callers that ask at the same time, and stores it', async () => {
    const { gateway, storage, sessions } = setup();
    expect(await Promise.all([sessions.token(), sessions.token(), sessions.token()])).toEqual(['token-1', 'token-1', 'token-1']);
    expect(gateway.paths()).toEqual(['POST /api/visitor/sessions']);
    expect(storage.map.get('parley:demo:session')).toBe('token-1');
  });

  it('identifies each token once, and a renewed one again', async () => {
    const { gateway, sessions, onIdentified } = setup();
    await sessions.identify({ userId: 'u-1', signature: SIGNATURE }, false);
    expect(gateway.calls).toEqual([]);
    await sessions.token();
    await sessions.token();
    expect(await sessions.token({ renew: true })).toBe('token-2');
    expect(gateway.paths()).toEqual(['POST /api/visitor/sessions', 'POST /api/visitor/identify', 'POST /api/visitor/sessions', 'POST /api/visitor/identify']);
    expect(gateway.calls[3]!.token).toBe('token-2');
    expect(onIdentified).toHaveBeenCalledTimes(2);
  });

  it('applies profile changes once, merged, after the identity', async () => {
    const { gateway, sessions } = setup();
    await sessions.update({ name: 'Ada', attributes: { plan: 'pro' } }, false);
    await sessions.update({ attributes: { seats: 3 } }, false);
    await sessions.identify({ userId: 'u-1', signature: SIGNATURE }, true);
    expect(gateway.paths()).toEqual(['POST /api/visitor/sessions', 'POST /api/visitor/identify', 'PATCH /api/visitor/me']);
    expect(gateway.calls[2]!.body).toEqual({ name: 'Ada', attributes: { plan: 'pro', seats: 3 } });
    await sessions.token();
    expect(gateway.calls).toHaveLength(3);
  });

  it('starts a new session when the stored one has ended (401 on identify)', async () => {
    const { gateway, storage, sessions } = setup();
    storage.setItem('parley:demo:session', 'revoked');
    gateway.identify = (body, token) => (token === 'revoked' ? [401, { error: { code: 'UNAUTHORIZED', message: 'ended' } }] : [200, { visitorId: 'v', userId: body.userId, merged: false }]);
    await sessions.identify({ userId: 'u-1', signature: SIGNATURE }, false);
    expect(await sessions.token()).toBe('token-1');
    expect(gateway.paths()).toEqual(['POST /api/visitor/identify', 'POST /api/visitor/sessions', 'POST /api/visitor/identify']);
  });

  it('reports an API that cannot be reached as NETWORK and keeps no half-made session', async () => {
    const { gateway, storage, sessions, report } = setup();
    gateway.fetch.mockRejectedValueOnce(new TypeError('Failed to fetch'));
    await sessions.update({ name: 'Ada' }, true);
    expect(report).toHaveBeenCalledWith(expect.objectContaining({ code: 'NETWORK' }));
    expect(storage.map.size).toBe(0);
    await expect(sessions.token()).resolves.toBe('token-1');
  });

  it('refuses every caller after it ended, with SESSION_ENDED', async () => {
    const { gateway, sessions } = setup();
    await sessions.token();
    await sessions.end();
    expect(gateway.paths().at(-1)).toBe('DELETE /api/visitor/sessions/current');
    await expect(sessions.token()).rejects.toMatchObject({ code: 'SESSION_ENDED' });
  });
});
