import { signal } from '@preact/signals';
import { within } from '@testing-library/dom';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it } from 'vitest';
import { createAdminModel } from '../AdminModel.ts';
import { ApiError } from '../api.ts';
import { fakeApi } from '../test-support/fakes.ts';
import { render, settle } from '../test-support/render.ts';
import { routingAgent } from '../test-support/routing.ts';
import { AdminScreens } from './AdminScreens.tsx';

let unmount = () => {};
afterEach(() => unmount());

async function setup(routes: Record<string, (body?: unknown) => unknown> = {}) {
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
    'POST /api/admin/agents': (body) => ({ agent: routingAgent('a3', { ...(body as object), status: 'offline' }), password: 'Xq7-one-time-pw_' }),
    'DELETE /api/admin/agents/a2': () => ({ ok: true }),
    ...routes,
  });
  const team = {
    me: signal(routingAgent('a1', { name: 'Ada', role: 'admin' })),
    agents: signal([routingAgent('a1', { name: 'Ada', maxChats: 3, role: 'admin' }), routingAgent('a2', { name: 'Bob', maxChats: 2, status: 'break' })]),
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
    expect([...bob.cells].map((cell) => cell.textContent)).toEqual(['Bob a2@example.com', 'Break', '0', 'Chat limit for BobSave', 'Remove']);
    const limit = within(table).getByRole('spinbutton', { name: 'Chat limit for Bob' });
    await user.clear(limit);
    await user.type(limit, '5');
    await user.click(within(table).getByRole('button', { name: 'Save chat limit for Bob' }));
    await settle();
    expect(writes(api)).toEqual([{ call: 'PATCH /api/admin/agents/a2', body: { maxChats: 5 } }]);
  });

  it('adds an agent and shows their one-time password once, to pass on', async () => {
    const { screen, user, api } = await setup();
    const form = screen.getByRole('form', { name: 'Add an agent' });
    await user.type(within(form).getByRole('textbox', { name: 'Name' }), 'Kim Lee');
    await user.type(within(form).getByRole('textbox', { name: 'E-mail' }), ' Kim@Example.com');
    await user.selectOptions(within(form).getByRole('combobox', { name: 'Role' }), 'admin');
    await user.click(within(form).getByRole('button', { name: 'Add agent' }));
    await settle();
    expect(writes(api)).toEqual([{ call: 'POST /api/admin/agents', body: { name: 'Kim Lee', email: 'kim@example.com', role: 'admin' } }]);
    const shown = screen.getByRole('status', { name: 'Kim Lee was added' });
    expect(shown.textContent).toContain('kim@example.com');
    expect((within(shown).getByRole('textbox', { name: 'One-time password for Kim Lee' }) as HTMLInputElement).value).toBe('Xq7-one-time-pw_');
    // The form is ready for the next one.
    expect((within(form).getByRole('textbox', { name: 'Name' }) as HTMLInputElement).value).toBe('');
    await user.click(within(shown).getByRole('button', { name: 'Copy password' }));
    expect(await navigator.clipboard.readText()).toBe('Xq7-one-time-pw_');
    expect(within(shown).getByRole('button', { name: 'Copied' })).toBeTruthy();
    await user.click(within(shown).getByRole('button', { name: 'Done' }));
    expect(screen.queryByRole('status', { name: 'Kim Lee was added' })).toBeNull();
    expect(screen.queryByDisplayValue('Xq7-one-time-pw_')).toBeNull();
  });

  it('says what is wrong with an agent’s details instead of sending them, and shows the gateway’s refusal', async () => {
    const { screen, user, api } = await setup({
      'POST /api/admin/agents': () => {
        throw new ApiError(409, 'CONFLICT', 'kim@example.com already signs in to Parley; use another e-mail address.');
      },
    });
    const form = screen.getByRole('form', { name: 'Add an agent' });
    await user.type(within(form).getByRole('textbox', { name: 'Name' }), 'Kim');
    await user.type(within(form).getByRole('textbox', { name: 'E-mail' }), 'kim@example');
    await user.click(within(form).getByRole('button', { name: 'Add agent' }));
    await settle();
    // Said beside the form, where the admin is.
    expect(within(form).getByRole('alert').textContent).toBe('E-mail must be an e-mail address, like name@example.com.');
    expect(writes(api)).toEqual([]);
    await user.type(within(form).getByRole('textbox', { name: 'E-mail' }), '.com');
    await user.click(within(form).getByRole('button', { name: 'Add agent' }));
    await settle();
    expect(within(form).getByRole('alert').textContent).toBe('kim@example.com already signs in to Parley; use another e-mail address.');
    expect(screen.queryByRole('status', { name: /was added/ })).toBeNull();
    // What was typed stays, to correct.
    expect((within(form).getByRole('textbox', { name: 'Name' }) as HTMLInputElement).value).toBe('Kim');
  });

  it('removes an agent once the admin confirms, and never offers to remove the admin themselves', async () => {
    const { screen, user, api } = await setup();
    const table = screen.getByRole('table');
    expect(within(table).queryByRole('button', { name: 'Remove Ada' })).toBeNull();
    await user.click(within(table).getByRole('button', { name: 'Remove Bob' }));
    let dialog = screen.getByRole('dialog', { name: 'Remove Bob?' });
    expect(dialog.textContent).toContain('signed out at once');
    expect(dialog.textContent).toContain('go back to their queues');
    await user.click(within(dialog).getByRole('button', { name: 'Cancel' }));
    expect(screen.queryByRole('dialog')).toBeNull();
    expect(writes(api)).toEqual([]);

    await user.click(within(table).getByRole('button', { name: 'Remove Bob' }));
    dialog = screen.getByRole('dialog', { name: 'Remove Bob?' });
    await user.click(within(dialog).getByRole('button', { name: 'Remove agent' }));
    await settle();
    expect(api.calls).toContain('DELETE /api/admin/agents/a2');
    expect(screen.queryByRole('dialog')).toBeNull();
    expect(screen.getByText('Bob was removed and signed out. Their chats went back to their queues.')).toBeTruthy();
  });

  it('keeps the removal dialog open with the reason when the gateway refuses', async () => {
    const { screen, user } = await setup({
      'DELETE /api/admin/agents/a2': () => {
        throw new ApiError(409, 'CONFLICT', "Bob is the workspace's last admin; add another admin first.");
      },
    });
    await user.click(screen.getByRole('button', { name: 'Remove Bob' }));
    const dialog = screen.getByRole('dialog', { name: 'Remove Bob?' });
    await user.click(within(dialog).getByRole('button', { name: 'Remove agent' }));
    await settle();
    expect(within(dialog).getByRole('alert').textContent).toBe("Bob is the workspace's last admin; add another admin first.");
  });

  it('holds every workspace setting, privacy last, each under its own heading', async () => {
    const { screen } = await setup();
    await settle();
    expect(screen.getAllByRole('heading', { level: 3 }).map((h) => h.textContent)).toEqual(['Queues', 'Wrap-up reasons', 'Agents', 'Templates', 'Blocked visitors', 'Privacy']);
    const privacy = within(screen.getByRole('region', { name: 'Privacy' }));
    expect((privacy.getByRole('checkbox', { name: 'Mask personal data' }) as HTMLInputElement).checked).toBe(true);
  });
});
