import { describe, expect, it } from 'vitest';
import { ApiError } from './api.ts';
import { createSessionModel, WRONG_CREDENTIALS } from './SessionModel.ts';
import { fakeApi } from './test-support/fakes.ts';

const agent = { id: 'a1', name: 'Ada', email: 'agent@example.com', role: 'admin', workspaceId: 'w1' };
const fail = (status: number, code: string, message = 'x') => () => {
  throw new ApiError(status, code, message);
};

describe('createSessionModel', () => {
  it('is loading until /me answers, then signed in with that agent', async () => {
    const session = createSessionModel({ api: fakeApi({ 'GET /api/agent/me': () => ({ agent }) }) });
    expect(session.status.value).toBe('loading');
    await session.load();
    expect(session.status.value).toBe('signed-in');
    expect(session.agent.value).toEqual(agent);
  });

  it('shows the sign-in form without an error when /me says 401', async () => {
    const session = createSessionModel({ api: fakeApi({ 'GET /api/agent/me': fail(401, 'UNAUTHORIZED') }) });
    await session.load();
    expect(session.status.value).toBe('signed-out');
    expect(session.error.value).toBeNull();
  });

  it('explains other failures of /me on the sign-in form', async () => {
    const session = createSessionModel({ api: fakeApi({ 'GET /api/agent/me': fail(0, 'NETWORK', 'Parley could not be reached.') }) });
    await session.load();
    expect(session.status.value).toBe('signed-out');
    expect(session.error.value).toBe('Parley could not be reached.');
  });

  it.each([
    [401, 'INVALID_CREDENTIALS', WRONG_CREDENTIALS],
    [429, 'RATE_LIMITED', 'Too many attempts. Wait a moment and try again.'],
    [400, 'INVALID_REQUEST', 'Enter a valid email address and a password.'],
    [500, 'INTERNAL', 'Parley could not sign you in right now. Try again in a moment.'],
  ])('says what went wrong when login answers %i %s', async (status, code, text) => {
    const session = createSessionModel({ api: fakeApi({ 'POST /api/agent/login': fail(status, code) }) });
    await session.signIn('agent@example.com', 'pw');
    expect(session.error.value).toBe(text);
    expect(session.busy.value).toBe(false);
    expect(session.status.value).toBe('signed-out');
  });

  it('signs out on the gateway and locally, even when the gateway call fails', async () => {
    const api = fakeApi({ 'POST /api/agent/login': () => ({ agent }), 'POST /api/agent/logout': fail(401, 'UNAUTHORIZED') });
    const session = createSessionModel({ api });
    await session.signIn('agent@example.com', 'pw');
    await session.signOut();
    expect(api.calls).toEqual(['POST /api/agent/login', 'POST /api/agent/logout']);
    expect(session.status.value).toBe('signed-out');
  });

  it('returns to sign-in with a reason when the session expires', async () => {
    const session = createSessionModel({ api: fakeApi({ 'POST /api/agent/login': () => ({ agent }) }) });
    await session.signIn('agent@example.com', 'pw');
    session.expire();
    expect(session.status.value).toBe('signed-out');
    expect(session.error.value).toBe('Your session has ended. Sign in again.');
  });
});
