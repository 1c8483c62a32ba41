import { describe, expect, it } from 'vitest';
import { createTicketsApi, onTicketsChanged, TicketsApiError } from './tickets-api.ts';

const json = (status: number, body: unknown) => new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });

describe('createTicketsApi', () => {
  it('sends the bearer token without cookies and returns the answer', async () => {
    const seen: RequestInit[] = [];
    const api = createTicketsApi({
      baseUrl: 'https://chat.example.com',
      session: async () => 'token-1',
      fetch: async (_url, init) => (seen.push(init!), json(200, { tickets: [] })),
    });
    expect(await api.listTickets()).toEqual([]);
    expect(seen[0]).toMatchObject({ method: 'GET', credentials: 'omit', headers: { authorization: 'Bearer token-1' } });
  });

  it('renews an ended session once and tries again', async () => {
    const tokens: (string | undefined)[] = [];
    const renewals: unknown[] = [];
    const api = createTicketsApi({
      baseUrl: '',
      session: async (options) => (renewals.push(options), options?.renew ? 'fresh' : 'stale'),
      fetch: async (_url, init) => {
        const token = (init!.headers as Record<string, string>).authorization;
        tokens.push(token);
        return token === 'Bearer fresh' ? json(200, { tickets: [] }) : json(401, { error: { code: 'UNAUTHORIZED', message: 'ended' } });
      },
    });
    await api.listTickets();
    expect(tokens).toEqual(['Bearer stale', 'Bearer fresh']);
    expect(renewals).toEqual([undefined, { renew: true }]);

    const never = createTicketsApi({ baseUrl: '', session: async () => 'x', fetch: async () => json(401, { error: { code: 'UNAUTHORIZED', message: 'no' } }) });
    await expect(never.listTickets()).rejects.toMatchObject({ code: 'UNAUTHORIZED', status: 401 });
  });

  it("turns the gateway's error body into a coded error with its field errors", async () => {
    const fields = [{ field: 'email', code: 'INVALID_EMAIL', message: 'email must be an e-mail address' }];
    const api = createTicketsApi({ baseUrl: '', session: async () => 't', fetch: async () => json(400, { error: { code: 'INVALID_REQUEST', message: 'bad', fields } }) });
    const error = await api.createTicket({ name: 'a', email: 'b', subject: 'c', description: 'd' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TicketsApiError);
    expect(error).toMatchObject({ code: 'INVALID_REQUEST', status: 400, fields });
  });

  it('reports NETWORK when nothing answers, and the session’s own code when there is no session', async () => {
    const offline = createTicketsApi({ baseUrl: '', session: async () => 't', fetch: async () => Promise.reject(new TypeError('Failed to fetch')) });
    await expect(offline.listTickets()).rejects.toMatchObject({ code: 'NETWORK', status: 0 });
    const refused = createTicketsApi({
      baseUrl: '',
      session: async () => Promise.reject(Object.assign(new Error('origin'), { code: 'FORBIDDEN_ORIGIN' })),
      fetch: async () => json(200, {}),
    });
    await expect(refused.listTickets()).rejects.toMatchObject({ code: 'FORBIDDEN_ORIGIN' });
    const html = createTicketsApi({ baseUrl: '', session: async () => 't', fetch: async () => new Response('<h1>Bad gateway</h1>', { status: 502 }) });
    await expect(html.listTickets()).rejects.toMatchObject({ code: 'HTTP_502', status: 502 });
  });

  it('tells the other surfaces of the page when a ticket was made, and only then', async () => {
    let changes = 0;
    const stop = onTicketsChanged(() => changes++);
    const ok = createTicketsApi({ baseUrl: '', session: async () => 't', fetch: async () => json(201, { ticket: {}, duplicate: false }) });
    const refused = createTicketsApi({ baseUrl: '', session: async () => 't', fetch: async () => json(400, { error: { code: 'INVALID_REQUEST', message: 'x' } }) });
    const input = { name: 'a', email: 'a@b.co', subject: 's', description: 'd' };
    await ok.createTicket(input);
    await refused.createTicket(input).catch(() => {});
    expect(changes).toBe(1);
    stop();
    await ok.createTicket(input);
    expect(changes).toBe(1);
  });
});
