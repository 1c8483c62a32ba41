import { within } from '@testing-library/dom';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it } from 'vitest';
import { createTeamModel } from '../TeamModel.ts';
import { fakeApi, fakeClient } from '../test-support/fakes.ts';
import { render, settle } from '../test-support/render.ts';
import { routingAgent, snapshot } from '../test-support/routing.ts';
import { QueuePanel } from './QueuePanel.tsx';
import { StatusPicker } from './StatusPicker.tsx';

let unmount = () => {};
afterEach(() => unmount());

async function setup() {
  let now = Date.parse('2024-05-01T10:01:05.000Z');
  let tick = () => {};
  const api = fakeApi({ 'GET /api/agent/routing': () => snapshot(), 'PUT /api/agent/status': () => ({ ok: true }) });
  const client = fakeClient();
  const team = createTeamModel({ api, client, now: () => now, tick: (cb) => ((tick = cb), () => {}) });
  const view = await render(
    <>
      <StatusPicker team={team} />
      <QueuePanel team={team} />
    </>,
  );
  unmount = () => {
    view.unmount();
    team.dispose();
  };
  await settle(() => team.load());
  return { api, client, team, screen: within(view.container), user: userEvent.setup(), advance: (ms: number) => settle(() => ((now += ms), tick())) };
}

describe('StatusPicker', () => {
  it('shows the status with its running time, and changes it from the keyboard', async () => {
    const { screen, user, api, advance } = await setup();
    const select = screen.getByRole('combobox', { name: 'Status' }) as HTMLSelectElement;
    expect(select.value).toBe('online');
    expect([...select.options].map((o) => o.textContent)).toEqual(['Online', 'Invisible', 'Break', 'Offline']);
    expect(screen.getByText('1:05')).toBeTruthy();
    await advance(1000);
    expect(screen.getByText('1:06').title).toBe('In this status for 1 minute 6 seconds');
    select.focus();
    await user.selectOptions(select, 'Break');
    await settle();
    expect(api.bodies).toEqual([{ call: 'PUT /api/agent/status', body: { status: 'break' } }]);
    expect(select.value).toBe('break');
    expect(screen.getByText('0:00')).toBeTruthy();
  });

  it('shows RONA when routing set it, and "Go Online" leaves it', async () => {
    const { screen, user, client, api } = await setup();
    await settle(() => client.emit('frame', { type: 'routing.agent', agent: routingAgent('a1', { name: 'Ada', status: 'rona', since: '2024-05-01T10:01:05.000Z' }) }));
    const select = screen.getByRole('combobox', { name: 'Status' }) as HTMLSelectElement;
    expect(select.value).toBe('rona');
    expect(select.selectedOptions[0]!.textContent).toBe('RONA (missed a chat)');
    await user.click(screen.getByRole('button', { name: 'Go Online' }));
    await settle();
    expect(api.bodies).toEqual([{ call: 'PUT /api/agent/status', body: { status: 'online' } }]);
    expect(screen.queryByRole('button', { name: 'Go Online' })).toBeNull();
  });
});

describe('QueuePanel', () => {
  it('lists each queue with its waiting visitors and Online agents, live', async () => {
    const { screen, client } = await setup();
    const panel = screen.getByRole('region', { name: /Queues/ });
    expect(within(panel).getByRole('listitem').textContent).toBe('Sales2 waiting2 online');
    await settle(() => client.emit('frame', { type: 'routing.queues', queues: [{ ...snapshot().queues[0]!, waiting: 5 }] }));
    await settle(() => client.emit('frame', { type: 'routing.agent', agent: routingAgent('a2', { name: 'Bob', status: 'break', queueIds: ['q1'] }) }));
    expect(within(panel).getByRole('listitem').textContent).toBe('Sales5 waiting1 online');
  });
});
