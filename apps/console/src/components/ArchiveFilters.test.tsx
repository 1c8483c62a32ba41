import { within } from '@testing-library/dom';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it } from 'vitest';
import { createInboxModel } from '../InboxModel.ts';
import { createTeamModel } from '../TeamModel.ts';
import { fakeApi, fakeClient, summary } from '../test-support/fakes.ts';
import { render, settle } from '../test-support/render.ts';
import { routingAgent, routingQueue, snapshot } from '../test-support/routing.ts';
import { createViewsModel } from '../ViewsModel.ts';
import { ArchiveFilters } from './ArchiveFilters.tsx';
import { InboxList } from './InboxList.tsx';

let unmount = () => {};
afterEach(() => unmount());

const BOB = '0b6c1f4e-9d1a-4f0e-8a7b-2c3d4e5f6a7b';
const SALES = '1b6c1f4e-9d1a-4f0e-8a7b-2c3d4e5f6a7b';
const archived = (id: string, name: string, at: string) => ({ ...summary(id, { visitor: { id: `v-${id}`, name }, archivedAt: at }), channel: 'chat', ticketNumber: null });

async function setup(routes: Record<string, (body?: unknown) => unknown> = {}) {
  const api = fakeApi({
    ...routes,
    'GET /api/agent/routing': () =>
      snapshot({ agents: [routingAgent('a1', { name: 'Ada' }), routingAgent(BOB, { name: 'Bob' })], queues: [routingQueue(SALES, { name: 'Sales' })] }),
    'GET /api/agent/views/open': () => ({ conversations: [summary('c-open', { appId: 'shop' })], nextCursor: null }),
    'GET /api/agent/views/archive': () => ({ conversations: [archived('c1', 'Olga', '2025-01-10T10:00:00.000Z'), archived('c2', 'Mia', '2025-01-02T10:00:00.000Z')], nextCursor: null }),
    [`GET /api/agent/views/archive?agent=${BOB}`]: () => ({ conversations: [archived('c1', 'Olga', '2025-01-10T10:00:00.000Z')], nextCursor: null }),
    [`GET /api/agent/views/archive?agent=${BOB}&from=2025-01-05&to=2025-01-31`]: () => ({ conversations: [], nextCursor: null }),
    [`GET /api/agent/views/archive?agent=${BOB}&from=2025-01-05`]: () => ({ conversations: [], nextCursor: null }),
    'GET /api/agent/views/archive?app=shop': () => ({ conversations: [], nextCursor: null }),
    'POST /api/agent/saved-views': (body) => ({ view: { id: 'b5d2c1f4-9d1a-4f0e-8a7b-2c3d4e5f6a70', createdAt: '', updatedAt: '', ...(body as object) } }),
    'GET /api/agent/saved-views/b5d2c1f4-9d1a-4f0e-8a7b-2c3d4e5f6a70/conversations': () => ({ conversations: [], nextCursor: null }),
  });
  const client = fakeClient();
  const inbox = createInboxModel({ api, client, tick: () => () => {} });
  const team = createTeamModel({ api, client, tick: () => () => {} });
  const views = createViewsModel({ api, inbox, admin: false });
  const view = await render(
    <div>
      <ArchiveFilters views={views} team={team} rows={inbox.rows} />
      <InboxList inbox={inbox} onOpen={() => {}} actions={views} />
    </div>,
  );
  unmount = () => {
    view.unmount();
    inbox.dispose();
    team.dispose();
    views.dispose();
  };
  await settle(() => Promise.all([inbox.load(), team.load()]));
  const screen = within(view.container);
  const titles = () => screen.queryAllByRole('link').map((a) => a.querySelector('.row__title')!.textContent);
  return { api, inbox, views, screen, titles, user: userEvent.setup() };
}

describe('ArchiveFilters', () => {
  it('is folded outside the archive and open in it, offering the team’s agents and queues and the listed products', async () => {
    const { screen, views } = await setup();
    const details = screen.getByText('Filter Open').closest('details')!;
    expect(details.open).toBe(false);
    expect([...document.querySelectorAll('#filter-apps option')].map((o) => (o as HTMLOptionElement).value)).toEqual(['shop']);
    await settle(() => views.choose('archive'));
    expect(screen.getByText('Filter Archive').closest('details')!.open).toBe(true);
    const form = within(screen.getByRole('search', { name: 'Filter Archive' }));
    expect(within(form.getByRole('combobox', { name: 'Agent' })).getAllByRole('option').map((o) => o.textContent)).toEqual(['Any', 'Ada', 'Bob']);
    expect(within(form.getByRole('combobox', { name: 'Queue' })).getAllByRole('option').map((o) => o.textContent)).toEqual(['Any', 'Sales']);
    expect(within(form.getByRole('combobox', { name: 'Wrap-up reason' })).getAllByRole('option').map((o) => o.textContent)).toEqual(['Any', 'Question answered', 'Order placed']);
    expect(within(form.getByRole('combobox', { name: 'Channel' })).getAllByRole('option').map((o) => o.textContent)).toEqual(['Any', 'Chat', 'Web form']);
    expect(form.getByRole('combobox', { name: 'Product' }).getAttribute('list')).toBe('filter-apps');
  });

  it('offers the workspace’s products by name once the gateway lists them, and filters by one', async () => {
    const { screen, views, api, user } = await setup({ 'GET /api/agent/apps': () => ({ apps: [{ id: 'demo', name: 'Demo site' }, { id: 'shop', name: 'Shop' }] }) });
    await settle(() => views.loadSaved());
    await settle(() => views.choose('archive'));
    const form = within(screen.getByRole('search', { name: 'Filter Archive' }));
    const product = form.getByRole('combobox', { name: 'Product' });
    expect(within(product).getAllByRole('option').map((o) => o.textContent)).toEqual(['Any', 'Demo site', 'Shop']);
    await user.selectOptions(product, 'Shop');
    await settle();
    expect(views.filter.value).toEqual({ app: 'shop' });
    expect(api.calls.some((c) => c.endsWith('/api/agent/views/archive?app=shop'))).toBe(true);
  });

  it('narrows the archive by agent and date range, says when the dates are the wrong way round, and clears', async () => {
    const { screen, views, user, titles, api } = await setup();
    await settle(() => views.choose('archive'));
    expect(titles()).toEqual(['Olga', 'Mia']);
    const form = within(screen.getByRole('search', { name: 'Filter Archive' }));
    await user.selectOptions(form.getByRole('combobox', { name: 'Agent' }), 'Bob');
    await settle();
    expect(titles()).toEqual(['Olga']);
    const from = form.getByLabelText('From');
    const to = form.getByLabelText('To');
    await settle(() => {
      (from as HTMLInputElement).value = '2025-01-05';
      from.dispatchEvent(new Event('change', { bubbles: true }));
    });
    await settle(() => {
      (to as HTMLInputElement).value = '2025-01-01';
      to.dispatchEvent(new Event('change', { bubbles: true }));
    });
    expect(form.getByRole('alert').textContent).toMatch(/"To" date is before the "From" date/);
    await settle(() => {
      (to as HTMLInputElement).value = '2025-01-31';
      to.dispatchEvent(new Event('change', { bubbles: true }));
    });
    expect(form.queryByRole('alert')).toBeNull();
    expect(api.calls.at(-1)).toBe(`GET /api/agent/views/archive?agent=${BOB}&from=2025-01-05&to=2025-01-31`);
    expect(screen.getByText('No conversation matches these filters.')).toBeTruthy();
    expect(screen.getByText('Filter Archive').querySelector('.count')!.textContent).toBe('3');
    await user.click(form.getByRole('button', { name: 'Clear filters' }));
    await settle();
    expect(titles()).toEqual(['Olga', 'Mia']);
  });

  it('saves the filtered archive as a named view with its order and grouping', async () => {
    const { screen, views, user, api } = await setup();
    await settle(() => views.choose('archive'));
    await user.selectOptions(screen.getByRole('combobox', { name: 'Agent' }), 'Bob');
    await settle();
    await user.click(screen.getByRole('button', { name: 'Save view…' }));
    const dialog = within(screen.getByRole('dialog', { name: 'Save this view' }));
    expect(document.activeElement).toBe(dialog.getByRole('textbox', { name: 'Name' }));
    await user.type(dialog.getByRole('textbox', { name: 'Name' }), 'Bob’s archive');
    await user.selectOptions(dialog.getByRole('combobox', { name: 'Order' }), 'Oldest first');
    await user.selectOptions(dialog.getByRole('combobox', { name: 'Group by' }), 'Queue');
    await user.click(dialog.getByRole('button', { name: 'Save view' }));
    await settle();
    expect(api.bodies.find((b) => b.call === 'POST /api/agent/saved-views')?.body).toEqual({
      name: 'Bob’s archive',
      filter: { scope: 'archive', agent: BOB },
      sort: 'started.asc',
      group: 'queue',
    });
    expect(screen.queryByRole('dialog')).toBeNull();
    expect(screen.getByText('Archive · oldest first · grouped by queue')).toBeTruthy();
  });

  it('applies a product typed in and confirmed with Enter, and refuses one that is no app id', async () => {
    const { screen, views, user, api } = await setup();
    await settle(() => views.choose('archive'));
    const product = screen.getByRole('combobox', { name: 'Product' });
    await user.type(product, 'shop front{Enter}');
    await settle();
    expect(screen.getByRole('alert').textContent).toMatch(/^Product: enter the app id/);
    await user.clear(product);
    await user.type(product, 'shop{Enter}');
    await settle();
    expect(api.calls.at(-1)).toBe('GET /api/agent/views/archive?app=shop');
  });
});
