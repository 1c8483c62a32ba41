import { signal } from '@preact/signals';
import { within } from '@testing-library/dom';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it } from 'vitest';
import { createAdminModel } from '../AdminModel.ts';
import { fakeApi } from '../test-support/fakes.ts';
import { render, settle } from '../test-support/render.ts';
import { routingAgent } from '../test-support/routing.ts';
import { AdminScreens } from './AdminScreens.tsx';

let unmount = () => {};
afterEach(() => unmount());

async function setup() {
  let queues = [{ id: 'q1', name: 'Sales', mode: 'offer', topN: 1, offerTimeoutMs: 30_000, agentIds: ['a1'] }];
  let reasons = [{ id: 'r1', label: 'Question answered' }];
  const api = fakeApi({
    'GET /api/admin/queues': () => ({ queues }),
    'GET /api/admin/wrap-up-reasons': () => ({ reasons }),
    'POST /api/admin/queues': (body) => {
      const queue = { id: 'q2', agentIds: [], topN: 1, offerTimeoutMs: 30_000, ...(body as object) } as unknown as (typeof queues)[number];
      queues = [...queues, queue];
      return { queue };
    },
    'PUT /api/admin/queues/q2/agents': (body) => ((queues = queues.map((q) => (q.id === 'q2' ? { ...q, ...(body as object) } : q))), { ok: true }),
    'PATCH /api/admin/queues/q1': (body) => ((queues = queues.map((q) => (q.id === 'q1' ? { ...q, ...(body as object) } : q))), { ok: true }),
    'PUT /api/admin/queues/q1/agents': () => ({ ok: true }),
    'POST /api/admin/wrap-up-reasons': (body) => ((reasons = [...reasons, { id: 'r2', label: (body as { label: string }).label }]), { ok: true }),
    'DELETE /api/admin/wrap-up-reasons/r1': () => ((reasons = reasons.filter((r) => r.id !== 'r1')), undefined),
    'PATCH /api/admin/agents/a2': () => ({ ok: true }),
    // The templates and blocked visitors sections (their own tests: TemplatesAdmin, BlocksAdmin).
    'GET /api/agent/templates?limit=50': () => ({ templates: [], nextCursor: null }),
    'GET /api/agent/templates/facets': () => ({ categories: [], languages: [] }),
    'GET /api/admin/blocks?limit=50': () => ({ blocks: [], nextCursor: null }),
    // The privacy section (its own tests: PrivacySettings).
    'GET /api/admin/workspace': () => ({ workspace: { id: 'demo', name: 'Demo workspace', maskPersonalData: true } }),
    'GET /api/admin/workspace/customer-panel': () => ({ settings: { contactDetailsRoles: ['agent', 'admin'] } }),
  });
  const team = {
    agents: signal([routingAgent('a1', { name: 'Ada', maxChats: 3 }), routingAgent('a2', { name: 'Bob', maxChats: 2, status: 'break' })]),
    queues: signal([]),
    wrapUpReasons: signal([]),
    load: async () => {},
  };
  const admin = createAdminModel({ api, team });
  const view = await render(<AdminScreens admin={admin} onBack={() => {}} />);
  unmount = view.unmount;
  await settle(() => admin.load());
  return { api, admin, screen: within(view.container), user: userEvent.setup() };
}

const writes = (api: Awaited<ReturnType<typeof setup>>['api']) => api.bodies.filter((b) => !b.call.startsWith('GET'));

describe('AdminScreens', () => {
  it('creates a top-N queue with its agents', async () => {
    const { screen, user, api } = await setup();
    expect(screen.getByRole('heading', { name: 'Workspace settings', level: 2 })).toBeTruthy();
    await user.click(screen.getByRole('button', { name: 'New queue' }));
    const form = screen.getByRole('form', { name: 'New queue' });
    expect(document.activeElement).toBe(within(form).getByRole('textbox', { name: 'Name' }));
    await user.keyboard('Support');
    await user.selectOptions(within(form).getByRole('combobox', { name: 'Assignment' }), 'top_n');
    const perOffer = within(form).getByRole('spinbutton', { name: 'Agents per offer' });
    await user.clear(perOffer);
    await user.type(perOffer, '2');
    const timeout = within(form).getByRole('spinbutton', { name: 'Offer timeout (seconds)' });
    await user.clear(timeout);
    await user.type(timeout, '20');
    await user.click(within(form).getByRole('checkbox', { name: /Ada/ }));
    await user.click(within(form).getByRole('checkbox', { name: /Bob/ }));
    await user.click(within(form).getByRole('button', { name: 'Create queue' }));
    await settle();
    expect(writes(api)).toEqual([
      { call: 'POST /api/admin/queues', body: { name: 'Support', mode: 'top_n', topN: 2, offerTimeoutMs: 20_000 } },
      { call: 'PUT /api/admin/queues/q2/agents', body: { agentIds: ['a1', 'a2'] } },
    ]);
    expect(screen.queryByRole('form', { name: 'New queue' })).toBeNull();
    const support = screen.getByText('Support').closest('li')!;
    expect(support.textContent).toContain('Offer to the first N agents at once (2) · 20 s to accept');
    expect(support.textContent).toContain('Ada, Bob');
  });

  it('edits a queue’s mode, and says what is wrong instead of sending a bad value', async () => {
    const { screen, user, api } = await setup();
    await user.click(screen.getByRole('button', { name: 'Edit Sales' }));
    const form = screen.getByRole('form', { name: 'Edit Sales' });
    const timeout = within(form).getByRole('spinbutton', { name: 'Offer timeout (seconds)' });
    await user.clear(timeout);
    await user.type(timeout, '900');
    await user.click(within(form).getByRole('button', { name: 'Save queue' }));
    await settle();
    expect(screen.getByRole('alert').textContent).toBe('Offer timeout must be at most 600 seconds.');
    expect(writes(api)).toEqual([]);
    await user.selectOptions(within(form).getByRole('combobox', { name: 'Assignment' }), 'broadcast');
    expect(within(form).queryByRole('spinbutton')).toBeNull();
    await user.click(within(form).getByRole('button', { name: 'Save queue' }));
    await settle();
    expect(writes(api)).toEqual([
      { call: 'PATCH /api/admin/queues/q1', body: { name: 'Sales', mode: 'broadcast' } },
      { call: 'PUT /api/admin/queues/q1/agents', body: { agentIds: ['a1'] } },
    ]);
    expect(screen.queryByRole('alert')).toBeNull();
  });

  it('adds and removes wrap-up reasons', async () => {
    const { screen, user } = await setup();
    await user.type(screen.getByRole('textbox', { name: 'New wrap-up reason' }), 'Order placed{Enter}');
    await settle();
    expect(screen.getByText('Order placed')).toBeTruthy();
    expect((screen.getByRole('textbox', { name: 'New wrap-up reason' }) as HTMLInputElement).value).toBe('');
    await user.click(screen.getByRole('button', { name: 'Remove Question answered' }));
    await settle();
    expect(screen.queryByText('Question answered')).toBeNull();
  });

  it('sets an agent’s chat limit', async () => {
    const { screen, user, api } = await setup();
    const table = screen.getByRole('table');
    const bob = within(table).getByRole('rowheader', { name: /Bob/ }).closest('tr')!;
    expect([...bob.cells].map((cell) => cell.textContent)).toEqual(['Bob a2@example.com', 'Break', '0', 'Chat limit for BobSave']);
    const limit = within(table).getByRole('spinbutton', { name: 'Chat limit for Bob' });
    await user.clear(limit);
    await user.type(limit, '5');
    await user.click(within(table).getByRole('button', { name: 'Save chat limit for Bob' }));
    await settle();
    expect(writes(api)).toEqual([{ call: 'PATCH /api/admin/agents/a2', body: { maxChats: 5 } }]);
  });

  it('holds every workspace setting, privacy last, each under its own heading', async () => {
    const { screen } = await setup();
    await settle();
    expect(screen.getAllByRole('heading', { level: 3 }).map((h) => h.textContent)).toEqual(['Queues', 'Wrap-up reasons', 'Agents', 'Templates', 'Blocked visitors', 'Privacy']);
    const privacy = within(screen.getByRole('region', { name: 'Privacy' }));
    expect((privacy.getByRole('checkbox', { name: 'Mask personal data' }) as HTMLInputElement).checked).toBe(true);
  });
});
