import { signal } from '@preact/signals';
import { within } from '@testing-library/dom';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it } from 'vitest';
import { createAlertsModel, silentAlerts } from '../AlertsModel.ts';
import { message } from '../test-support/fakes.ts';
import { render, settle } from '../test-support/render.ts';
import { AlertSettings } from './AlertSettings.tsx';

let unmount = () => {};
afterEach(() => unmount());

async function setup(stored: Record<string, string> = {}) {
  let chimes = 0;
  const transport = {
    ...silentAlerts(),
    chime: () => void chimes++,
    focused: () => false,
    storage: { getItem: (k: string) => stored[k] ?? null, setItem: (k: string, v: string) => void (stored[k] = v) },
  };
  const alerts = createAlertsModel({ transport, agentId: 'a1', waiting: signal(0) });
  const view = await render(<AlertSettings alerts={alerts} />);
  unmount = () => {
    view.unmount();
    alerts.dispose();
  };
  const screen = within(view.container);
  const box = (name: string) => screen.getByRole('checkbox', { name }) as HTMLInputElement;
  const user = userEvent.setup();
  await user.click(screen.getByText('Settings'));
  return { alerts, stored, box, user, chimes: () => chimes, screen };
}

describe('AlertSettings', () => {
  it('shows what alerts the agent: customer replies and the sound on, colleagues’ notes off, until they choose', async () => {
    const { box, screen } = await setup();
    expect(screen.getByRole('group', { name: 'Alert me to' })).toBeTruthy();
    expect(box('Customer replies in my chats').checked).toBe(true);
    expect(box('Internal notes from colleagues').checked).toBe(false);
    expect(box('Play a sound').checked).toBe(true);
    expect(box('Desktop notifications').checked).toBe(false);
  });

  it('keeps each choice for this agent, and the console alerts accordingly', async () => {
    const { alerts, box, user, stored, chimes } = await setup();
    await user.click(box('Internal notes from colleagues'));
    await user.click(box('Customer replies in my chats'));
    await user.click(box('Play a sound'));
    await settle();
    expect(stored).toEqual({ 'parley.console.alerts.a1.notes': 'on', 'parley.console.alerts.a1.replies': 'off', 'parley.console.alerts.a1.sound': 'off' });
    expect(box('Internal notes from colleagues').checked).toBe(true);
    expect(box('Customer replies in my chats').checked).toBe(false);
    alerts.announceMessage(message('c1', 1));
    alerts.announceMessage(message('c1', 2, { internal: true, author: { kind: 'agent', id: 'a2', name: 'Bob' } }));
    expect(alerts.unreadCount.value).toBe(1);
    expect(chimes()).toBe(0);
  });

  it('shows the choices kept from before', async () => {
    const { box } = await setup({ 'parley.console.alerts.a1.sound': 'off', 'parley.console.alerts.a1.notes': 'on' });
    expect(box('Play a sound').checked).toBe(false);
    expect(box('Internal notes from colleagues').checked).toBe(true);
  });
});
