import { describe, expect, it } from 'vitest';
import { ApiError, createApi } from './api.ts';

function recorder(response: () => Response | Promise<Response>) {
  const calls: { url: string; init: RequestInit }[] = [];
  const fetcher = (async (url: string, init: RequestInit) => {
    calls.push({ url, init });
    return response();
  }) as unknown as typeof fetch;
  return { calls, api: createApi(fetcher) };
}
const json = (status: number, body: unknown) => new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });

describe('createApi', () => {
  it('sends same-origin JSON and resolves with the body', async () => {
    const { api, calls } = recorder(() => json(200, { ok: true }));
    await expect(api.post('/api/agent/login', { email: 'a@b.c' })).resolves.toEqual({ ok: true });
    expect(calls[0]!.init).toMatchObject({ method: 'POST', credentials: 'same-origin', body: '{"email":"a@b.c"}' });
    expect((calls[0]!.init.headers as Record<string, string>)['content-type']).toBe('application/json');
  });

  it('sends {} when a POST has no body, since the gateway refuses an empty JSON body', async () => {
    const { api, calls } = recorder(() => json(200, { ok: true }));
    await api.post('/api/agent/logout');
    expect(calls[0]!.init.body).toBe('{}');
  });

  it('sends PUT and PATCH with a JSON body, and DELETE without one', async () => {
    const { api, calls } = recorder(() => json(200, { ok: true }));
    await api.put('/api/agent/status', { status: 'break' });
    await api.patch('/api/admin/queues/q1', { name: 'Sales' });
    await api.delete('/api/admin/wrap-up-reasons/r1');
    expect(calls.map((c) => [c.init.method, c.init.body])).toEqual([
      ['PUT', '{"status":"break"}'],
      ['PATCH', '{"name":"Sales"}'],
      ['DELETE', undefined],
    ]);
  });

  it('sends a DELETE with a JSON body when one is given (a confirmation)', async () => {
    const { api, calls } = recorder(() => json(200, { ok: true }));
    await api.delete('/api/admin/conversations/c1', { confirm: 'c1' });
    expect(calls[0]!.init).toMatchObject({ method: 'DELETE', body: '{"confirm":"c1"}' });
    expect((calls[0]!.init.headers as Record<string, string>)['content-type']).toBe('application/json');
  });

  it('resolves a write answered with no content', async () => {
    const { api } = recorder(() => new Response(null, { status: 204 }));
    await expect(api.delete('/api/admin/wrap-up-reasons/r1')).resolves.toBeUndefined();
  });

  it('throws the gateway error code and message', async () => {
    const { api } = recorder(() => json(401, { error: { code: 'INVALID_CREDENTIALS', message: 'Wrong e-mail or password.' } }));
    const error = await api.get('/api/agent/me').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({ status: 401, code: 'INVALID_CREDENTIALS', message: 'Wrong e-mail or password.' });
  });

  it('throws NETWORK when nothing answers, and HTTP_<status> for a body that is not an error', async () => {
    const down = recorder(() => Promise.reject(new TypeError('Failed to fetch')));
    await expect(down.api.get('/x')).rejects.toMatchObject({ status: 0, code: 'NETWORK' });
    const html = recorder(() => new Response('<html>', { status: 502 }));
    await expect(html.api.get('/x')).rejects.toMatchObject({ status: 502, code: 'HTTP_502' });
  });
});
