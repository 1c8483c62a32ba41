import { within } from '@testing-library/dom';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it } from 'vitest';
import { ApiError } from '../api.ts';
import { createConsoleModel } from '../ConsoleModel.ts';
import { silentAlerts } from '../AlertsModel.ts';
import { fakeApi, fakeClient, message, summary, type FakeClient } from '../test-support/fakes.ts';
import { offer, snapshot } from '../test-support/routing.ts';
import { render, settle } from '../test-support/render.ts';
import { App } from './App.tsx';

const agent = { id: 'a1', name: 'Ada Agent', email: 'agent@example.com', role: 'admin', workspaceId: 'w1' };
let unmount = () => {};
afterEach(() => unmount());

async function setup(signedIn: boolean, routing = false, me: typeof agent & { mustChangePassword?: boolean } = agent) {
  let session = signedIn;
  const asked: string[] = [];
  const api = fakeApi({
    ...(routing && {
      'GET /api/agent/routing': () => snapshot({ offers: [offer('o1', { conversationId: 'c1' })] }),
      'GET /api/agent/conversations/c-o1/messages?limit=50': () => ({ messages: [], hasMore: false }),
      'GET /api/admin/queues': () => ({ queues: [] }),
      'GET /api/admin/wrap-up-reasons': () => ({ reasons: [] }),
    }),
    'GET /api/agent/me': () => {
      if (!session) throw new ApiError(401, 'UNAUTHORIZED', 'Sign in first.');
      return { agent: me };
    },
    'POST /api/agent/login': () => ((session = true), { agent: me }),
    'POST /api/agent/password': () => ({ ok: true }),
    'POST /api/agent/logout': () => ((session = false), { ok: true }),
    'GET /api/agent/views/open': () => ({ conversations: [summary('c1', { visitor: { id: 'v1', name: 'Vera' }, preview: 'Hi there' })] }),
    'GET /api/agent/conversations/c1/messages?limit=50': () => ({
      messages: [message('c1', 1, { body: 'Hi there', author: { kind: 'visitor', id: 'v1', name: 'Vera' } })],
      hasMore: false,
    }),
    'GET /api/agent/conversations/c1': () => ({ conversation: summary('c1', { visitor: { id: 'v1', name: 'Vera' } }) }),
  });
  const clients: FakeClient[] = [];
  const model = createConsoleModel({
    api,
    createClient: () => {
      clients.push(fakeClient());
      return clients.at(-1)!;
    },
    tick: () => () => {},
    alerts: {
      ...silentAlerts(),
      permission: () => 'default',
      requestPermission: async () => (asked.push('notifications'), 'granted'),
    },
  });
  const view = await render(<App model={model} />);
  unmount = () => {
    view.unmount();
    model.dispose();
  };
  await settle(() => model.start());
  return { model, clients, api, asked, screen: within(view.container), user: userEvent.setup() };
}

describe('App', () => {
  it('shows the sign-in form when /me says nobody is signed in', async () => {
    const { screen } = await setup(false);
    expect(screen.getByRole('heading', { name: 'Sign in to the console' })).toBeTruthy();
    expect(screen.queryByRole('navigation')).toBeNull();
  });

  it('shows the inbox and an empty conversation pane when signed in, with landmarks and headings', async () => {
    const { screen, clients } = await setup(true);
    expect(screen.getByRole('banner')).toBeTruthy();
    expect(screen.getByRole('navigation', { name: /Open conversations/ })).toBeTruthy();
    expect(screen.getByRole('main')).toBeTruthy();
    expect(screen.getByRole('heading', { level: 1 }).textContent).toContain('Parley');
    expect(screen.getByRole('heading', { name: 'No conversation open' })).toBeTruthy();
    expect(screen.getByRole('status').textContent).toBe('Connecting…');
    await settle(() => clients[0]!.emit('state', 'open'));
    expect(screen.getByRole('status').textContent).toBe('Live');
  });

  it('signs in, opens a conversation, replies, and signs out back to the form', async () => {
    const { screen, user, clients, api } = await setup(false);
    await user.type(screen.getByLabelText('Email'), 'agent@example.com');
    await user.type(screen.getByLabelText('Password'), 'demo-password-1');
    await user.click(screen.getByRole('button', { name: 'Sign in' }));
    await settle();
    await user.click(screen.getByRole('link', { name: /Vera/ }));
    await settle();
    expect(screen.getByRole('heading', { name: 'Vera', level: 2 })).toBeTruthy();
    await user.type(screen.getByRole('textbox', { name: 'Reply' }), 'Hello Vera{Enter}');
    await settle();
    expect(clients[0]!.sent).toMatchObject([{ conversationId: 'c1', body: 'Hello Vera', internal: false }]);
    await user.click(screen.getByRole('button', { name: 'Sign out' }));
    await settle();
    expect(api.calls).toContain('POST /api/agent/logout');
    expect(clients[0]!.closed).toBe(true);
    expect(screen.getByRole('button', { name: 'Sign in' })).toBeTruthy();
  });

  it('shows routing when signed in: the status, the queues, an incoming request, the settings and, for admins, the workspace settings', async () => {
    const { screen, user, asked } = await setup(true, true);
    await settle();
    expect((screen.getByRole('combobox', { name: 'Status' }) as HTMLSelectElement).value).toBe('online');
    expect(screen.getByRole('region', { name: /Queues/ }).textContent).toContain('Sales');
    expect(screen.getByRole('alertdialog', { name: 'New chat from Vera' })).toBeTruthy();
    await user.click(screen.getByText('Settings'));
    await user.click(screen.getByRole('checkbox', { name: 'Desktop notifications' }));
    await settle();
    expect(asked).toEqual(['notifications']);
    expect((screen.getByRole('checkbox', { name: 'Desktop notifications' }) as HTMLInputElement).checked).toBe(true);
    await user.keyboard('{Escape}');
    expect((screen.getByText('Settings').closest('details') as HTMLDetailsElement).open).toBe(false);
    expect(document.activeElement?.textContent).toBe('Settings');
    const toggle = screen.getByRole('button', { name: 'Workspace settings' });
    await user.click(toggle);
    await settle();
    expect(toggle.getAttribute('aria-pressed')).toBe('true');
    expect(screen.getByRole('heading', { name: 'Workspace settings', level: 2 })).toBeTruthy();
    await user.click(screen.getByRole('button', { name: 'Back to conversations' }));
    expect(screen.getByRole('heading', { name: 'No conversation open' })).toBeTruthy();
  });

  it('asks an agent signed in with a one-time password to choose their own, and lets anyone change theirs from the settings', async () => {
    const { screen, user, model, api } = await setup(true, true, { ...agent, mustChangePassword: true });
    await settle();
    const first = screen.getByRole('dialog', { name: 'Choose your own password' });
    await user.click(within(first).getByRole('button', { name: 'Later' }));
    expect(screen.queryByRole('dialog')).toBeNull();

    await user.click(screen.getByText('Settings'));
    await user.click(screen.getByRole('button', { name: 'Change password…' }));
    expect((screen.getByText('Settings').closest('details') as HTMLDetailsElement).open).toBe(false);
    const dialog = within(screen.getByRole('dialog', { name: 'Choose your own password' }));
    await user.type(dialog.getByLabelText('One-time password'), 'Xq7-one-time-pw_');
    await user.type(dialog.getByLabelText('New password'), 'only Ada knows this');
    await user.type(dialog.getByLabelText('New password again'), 'only Ada knows this');
    await user.click(dialog.getByRole('button', { name: 'Change password' }));
    await settle();
    expect(api.bodies.filter((b) => b.call === 'POST /api/agent/password')).toEqual([
      { call: 'POST /api/agent/password', body: { currentPassword: 'Xq7-one-time-pw_', newPassword: 'only Ada knows this' } },
    ]);
    expect(screen.queryByRole('dialog')).toBeNull();
    expect(model.session.agent.value?.mustChangePassword).toBe(false);
    // From now on it is an ordinary change.
    await user.click(screen.getByText('Settings'));
    await user.click(screen.getByRole('button', { name: 'Change password…' }));
    expect(screen.getByRole('dialog', { name: 'Change your password' })).toBeTruthy();
  });
});
