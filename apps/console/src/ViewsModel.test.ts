import type { SavedView } from '@parley/protocol';
import { describe, expect, it, vi } from 'vitest';
import { ApiError } from './api.ts';
import { createInboxModel, type ViewSource } from './InboxModel.ts';
import { fakeApi, fakeClient, flush, summary } from './test-support/fakes.ts';
import { checkFilter, createViewsModel, initialViewSource, queryForView, viewFromQuery, viewTitle, type ViewLocation } from './ViewsModel.ts';

const AGENT = '0b6c1f4e-9d1a-4f0e-8a7b-2c3d4e5f6a7b';
const SAVED_ID = '5d2c1f4e-9d1a-4f0e-8a7b-2c3d4e5f6a70';
const empty = () => ({ conversations: [], nextCursor: null });
const savedView = (id: string, name: string, overrides: Partial<SavedView> = {}): SavedView => ({
  id,
  name,
  filter: { scope: 'archive' },
  sort: 'activity.desc',
  group: 'none',
  createdAt: '2024-05-01T10:00:00.000Z',
  updatedAt: '2024-05-01T10:00:00.000Z',
  ...overrides,
});

function memoryLocation(query = ''): ViewLocation & { query: string } {
  const location = {
    query,
    read: () => location.query,
    write: (next: string) => void (location.query = next),
  };
  return location;
}

function setup({ routes = {}, admin = false, location }: { routes?: Record<string, (body?: unknown) => unknown>; admin?: boolean; location?: ViewLocation } = {}) {
  const api = fakeApi({ 'GET /api/agent/views/open': empty, 'GET /api/agent/views/archive': empty, 'GET /api/agent/saved-views': () => ({ views: [] }), ...routes });
  const inbox = createInboxModel({ api, client: fakeClient(), source: initialViewSource(location), tick: () => () => {} });
  const onDeleted = vi.fn();
  const views = createViewsModel({ api, inbox, admin, ...(location && { location }), onDeleted });
  return { api, inbox, views, onDeleted };
}

describe('view filters and the address bar', () => {
  it('checks filters as the gateway does and says what to fix', () => {
    expect(checkFilter({ app: ' shop ', from: '2025-01-01', to: '2025-01-31', wrapUp: '' })).toEqual({ filter: { app: 'shop', from: '2025-01-01', to: '2025-01-31' } });
    expect(checkFilter({ from: '2025-02-01', to: '2025-01-31' })).toEqual({ error: expect.stringContaining('"To" date is before the "From" date') });
    expect(checkFilter({ app: 'shop front' })).toEqual({ error: expect.stringContaining('Product') });
    expect(checkFilter({ agent: 'bob' })).toEqual({ error: 'Agent: choose an agent from the list.' });
    expect(checkFilter({ to: '2025-13-45' })).toEqual({ error: 'To: enter a date such as 2025-03-01.' });
  });

  it('writes a view and its filters into the query and reads them back, ignoring what is not a view', () => {
    const archive: ViewSource = { kind: 'view', view: 'archive', filter: { agent: AGENT, from: '2025-01-01' } };
    expect(queryForView(archive)).toBe(`?view=archive&agent=${AGENT}&from=2025-01-01`);
    expect(viewFromQuery(queryForView(archive))).toEqual(archive);
    expect(queryForView({ kind: 'view', view: 'open', filter: {} })).toBe('');
    expect(viewFromQuery(`?saved=${SAVED_ID}`)).toEqual({ kind: 'saved', id: SAVED_ID });
    expect(viewFromQuery('?view=everything')).toEqual({ kind: 'view', view: 'open', filter: {} });
    expect(viewFromQuery('?view=closed&from=yesterday')).toEqual({ kind: 'view', view: 'closed', filter: {} });
    expect(viewTitle({ kind: 'view', view: 'mine.replies', filter: {} })).toBe('My conversations: customer replies');
  });

  it('starts with the view in the address bar and keeps it there as the agent chooses', async () => {
    const location = memoryLocation(`?view=archive&agent=${AGENT}`);
    const { api, views } = setup({ location, routes: { [`GET /api/agent/views/archive?agent=${AGENT}`]: empty } });
    expect(views.current.value).toEqual({ kind: 'view', view: 'archive', filter: { agent: AGENT } });
    views.setFilter({ from: '2025-01-01' });
    expect(location.query).toBe(`?view=archive&agent=${AGENT}&from=2025-01-01`);
    views.choose('open');
    expect(location.query).toBe('');
    await flush();
    expect(api.calls).toContain('GET /api/agent/views/open');
    views.dispose();
    views.choose('archive');
    expect(location.query).toBe('');
  });
});

describe('createViewsModel', () => {
  it('remembers each view’s filters, refuses bad ones with a reason, and reads the shown view again when chosen again', async () => {
    const { api, views } = setup({
      routes: { 'GET /api/agent/views/archive?channel=web_form': empty, 'GET /api/agent/views/closed': empty },
    });
    views.choose('archive');
    expect(views.setFilter({ channel: 'web_form' })).toBeNull();
    expect(views.setFilter({ from: '2025-02-01', to: '2025-01-01' })).toMatch(/before the "From" date/);
    expect(views.filterError.value).toMatch(/before the "From" date/);
    expect(views.filter.value).toEqual({ channel: 'web_form' });
    views.choose('closed');
    expect(views.filter.value).toEqual({});
    expect(views.filterError.value).toBeNull();
    views.choose('archive');
    expect(views.filter.value).toEqual({ channel: 'web_form' });
    await flush();
    const before = api.calls.length;
    views.choose('archive');
    await flush();
    expect(api.calls.slice(before)).toEqual(['GET /api/agent/views/archive?channel=web_form']);
    views.clearFilter();
    expect(views.filter.value).toEqual({});
  });

  it('saves the chosen view with its filters, sort and group, and shows it', async () => {
    const created = savedView(SAVED_ID, 'Web form archive', { filter: { scope: 'archive', channel: 'web_form' }, sort: 'started.asc', group: 'agent' });
    const { api, views, inbox } = setup({
      routes: {
        'GET /api/agent/views/archive?channel=web_form': empty,
        'POST /api/agent/saved-views': () => ({ view: created }),
        [`GET /api/agent/saved-views/${SAVED_ID}/conversations`]: empty,
      },
    });
    views.choose('archive');
    views.setFilter({ channel: 'web_form' });
    expect(views.canSave.value).toBe(true);
    expect(await views.save({ name: '  ', sort: 'started.asc', group: 'agent' })).toBe('Give the view a name.');
    expect(await views.save({ name: ' Web form archive ', sort: 'started.asc', group: 'agent' })).toBeNull();
    expect(api.bodies.find((b) => b.call === 'POST /api/agent/saved-views')?.body).toEqual({
      name: 'Web form archive',
      filter: { scope: 'archive', channel: 'web_form' },
      sort: 'started.asc',
      group: 'agent',
    });
    expect(views.saved.value.map((s) => s.name)).toEqual(['Web form archive']);
    expect(inbox.source.value).toEqual({ kind: 'saved', id: SAVED_ID, saved: created });
    expect(views.canSave.value).toBe(false);
    views.choose('mine.internal');
    expect(views.canSave.value).toBe(false);
  });

  it('says why a view could not be saved', async () => {
    const { views } = setup({
      routes: {
        'POST /api/agent/saved-views': () => {
          throw new ApiError(409, 'CONFLICT', 'You already have a saved view with this name; choose another name.');
        },
      },
    });
    expect(await views.save({ name: 'Mine', sort: 'activity.desc', group: 'none' })).toBe('You already have a saved view with this name; choose another name.');
  });

  it('renames and deletes saved views; deleting the shown one goes back to Open', async () => {
    const one = savedView(SAVED_ID, 'Zeta');
    const other = savedView('6d2c1f4e-9d1a-4f0e-8a7b-2c3d4e5f6a70', 'Beta');
    const { api, views, inbox } = setup({
      routes: {
        'GET /api/agent/saved-views': () => ({ views: [one, other] }),
        [`PATCH /api/agent/saved-views/${SAVED_ID}`]: () => ({ view: { ...one, name: 'Alpha' } }),
        [`DELETE /api/agent/saved-views/${SAVED_ID}`]: () => ({ ok: true }),
        [`GET /api/agent/saved-views/${SAVED_ID}/conversations`]: empty,
      },
    });
    await views.loadSaved();
    expect(views.saved.value.map((s) => s.name)).toEqual(['Beta', 'Zeta']);
    views.chooseSaved(SAVED_ID);
    expect(await views.rename(SAVED_ID, 'Alpha')).toBeNull();
    expect(views.saved.value.map((s) => s.name)).toEqual(['Alpha', 'Beta']);
    expect(viewTitle(inbox.source.value)).toBe('Alpha');
    expect(await views.removeSaved(SAVED_ID)).toBeNull();
    expect(views.saved.value.map((s) => s.name)).toEqual(['Beta']);
    expect(inbox.source.value).toEqual({ kind: 'view', view: 'open', filter: {} });
    expect(api.calls).toContain(`DELETE /api/agent/saved-views/${SAVED_ID}`);
  });

  it('opens the saved view named in the address bar once the saved views are read, or Open when it is gone', async () => {
    const one = savedView(SAVED_ID, 'Archive by agent', { group: 'agent' });
    const found = setup({
      location: memoryLocation(`?saved=${SAVED_ID}`),
      routes: { 'GET /api/agent/saved-views': () => ({ views: [one] }), [`GET /api/agent/saved-views/${SAVED_ID}/conversations`]: empty },
    });
    await found.views.loadSaved();
    expect(found.inbox.source.value).toEqual({ kind: 'saved', id: SAVED_ID, saved: one });
    const gone = setup({ location: memoryLocation(`?saved=${SAVED_ID}`) });
    await gone.views.loadSaved();
    expect(gone.inbox.source.value).toEqual({ kind: 'view', view: 'open', filter: {} });
  });

  it('archives and unarchives: the answer moves the conversation between the views', async () => {
    const { views, inbox } = setup({
      routes: {
        'GET /api/agent/views/open': () => ({ conversations: [summary('c1'), summary('c2')], nextCursor: null }),
        'POST /api/agent/conversations/c1/archive': () => ({ conversation: { ...summary('c1'), channel: 'chat', archivedAt: '2024-05-01T12:00:00.000Z', ticketNumber: null } }),
        'POST /api/agent/conversations/c1/unarchive': () => ({ conversation: { ...summary('c1'), channel: 'chat', archivedAt: null, ticketNumber: null } }),
      },
    });
    await inbox.load();
    const archiving = views.archive('c1');
    expect(views.working.value.has('c1')).toBe(true);
    expect(await archiving).toBeNull();
    expect(views.working.value.size).toBe(0);
    expect(inbox.rows.value.map((r) => r.conversation.id)).toEqual(['c2']);
    expect(await views.unarchive('c1')).toBeNull();
    expect(inbox.rows.value.map((r) => r.conversation.id)).toEqual(['c1', 'c2']);
  });

  it('says why archiving failed', async () => {
    const { views } = setup({
      routes: {
        'POST /api/agent/conversations/c9/archive': () => {
          throw new ApiError(404, 'NOT_FOUND', 'That conversation does not exist or is not yours to see.');
        },
      },
    });
    expect(await views.archive('c9')).toBe('That conversation does not exist or is not yours to see.');
    expect(views.actionError.value).toBe('That conversation does not exist or is not yours to see.');
  });

  it('lets only admins delete, repeating the id as the confirmation the gateway asks for', async () => {
    const agent = setup();
    expect(await agent.views.deleteConversation('c1')).toMatch(/Only admins/);
    expect(agent.api.calls.some((c) => c.startsWith('DELETE'))).toBe(false);

    const { api, views, inbox, onDeleted } = setup({
      admin: true,
      routes: {
        'GET /api/agent/views/open': () => ({ conversations: [summary('c1'), summary('c2')], nextCursor: null }),
        'DELETE /api/admin/conversations/c1': () => ({ ok: true }),
      },
    });
    await inbox.load();
    expect(await views.deleteConversation('c1')).toBeNull();
    expect(api.bodies.find((b) => b.call === 'DELETE /api/admin/conversations/c1')?.body).toEqual({ confirm: 'c1' });
    expect(inbox.rows.value.map((r) => r.conversation.id)).toEqual(['c2']);
    expect(onDeleted).toHaveBeenCalledWith('c1');
  });
});
