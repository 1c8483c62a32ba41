import type { SavedView } from '@parley/protocol';
import { within } from '@testing-library/dom';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it } from 'vitest';
import { createInboxModel } from '../InboxModel.ts';
import { fakeApi, fakeClient } from '../test-support/fakes.ts';
import { render, settle } from '../test-support/render.ts';
import { createViewsModel } from '../ViewsModel.ts';
import { InboxList } from './InboxList.tsx';
import { ViewsNav } from './ViewsNav.tsx';

let unmount = () => {};
afterEach(() => unmount());

const SAVED_ID = '5d2c1f4e-9d1a-4f0e-8a7b-2c3d4e5f6a70';
const empty = () => ({ conversations: [], nextCursor: null });
const saved: SavedView = { id: SAVED_ID, name: 'Refunds', filter: { scope: 'archive', wrapUp: 'Refund' }, sort: 'activity.desc', group: 'none', createdAt: '', updatedAt: '' };

async function setup() {
  const api = fakeApi({
    'GET /api/agent/views/open': empty,
    'GET /api/agent/views/unanswered': empty,
    'GET /api/agent/views/archive': empty,
    'GET /api/agent/saved-views': () => ({ views: [saved] }),
    [`GET /api/agent/saved-views/${SAVED_ID}/conversations`]: empty,
    [`PATCH /api/agent/saved-views/${SAVED_ID}`]: (body) => ({ view: { ...saved, ...(body as object) } }),
    [`DELETE /api/agent/saved-views/${SAVED_ID}`]: () => ({ ok: true }),
  });
  const inbox = createInboxModel({ api, client: fakeClient(), tick: () => () => {} });
  const views = createViewsModel({ api, inbox, admin: false });
  const view = await render(
    <div>
      <ViewsNav views={views} />
      <InboxList inbox={inbox} onOpen={() => {}} actions={views} />
    </div>,
  );
  unmount = () => {
    view.unmount();
    inbox.dispose();
    views.dispose();
  };
  await settle(() => Promise.all([inbox.load(), views.loadSaved()]));
  const screen = within(view.container);
  return { api, inbox, views, screen, user: userEvent.setup(), nav: within(screen.getByRole('navigation', { name: 'Views' })) };
}

describe('ViewsNav', () => {
  it('lists the views in their groups, and marks the chosen one as current', async () => {
    const { nav } = await setup();
    expect(within(nav.getByRole('list', { name: 'From customers' })).getAllByRole('link').map((a) => a.textContent)).toEqual(['Open', 'Unanswered', 'Closed']);
    expect(within(nav.getByRole('list', { name: 'My conversations' })).getAllByRole('link').map((a) => a.textContent)).toEqual([
      'Customer replies',
      'Internal messages',
      'All closed',
    ]);
    expect(nav.getByRole('link', { name: 'Archive' })).toBeTruthy();
    expect(nav.getByRole('link', { name: 'Open' }).getAttribute('aria-current')).toBe('page');
    expect(nav.getByRole('link', { name: 'Unanswered' }).getAttribute('aria-current')).toBeNull();
    expect(nav.getByRole('link', { name: 'Archive' }).getAttribute('href')).toBe('?view=archive');
  });

  it('shows a view chosen with the keyboard, and the list says which', async () => {
    const { nav, screen, user, api } = await setup();
    nav.getByRole('link', { name: 'Unanswered' }).focus();
    await user.keyboard('{Enter}');
    await settle();
    expect(nav.getByRole('link', { name: 'Unanswered' }).getAttribute('aria-current')).toBe('page');
    expect(nav.getByRole('link', { name: 'Open' }).getAttribute('aria-current')).toBeNull();
    expect(screen.getByRole('navigation', { name: /Unanswered conversations/ })).toBeTruthy();
    expect(screen.getByText('Every open conversation has an answer.')).toBeTruthy();
    expect(api.calls).toContain('GET /api/agent/views/unanswered');
  });

  it('lists saved views; the chosen one can be renamed, and deleted after confirming', async () => {
    const { nav, screen, user, api } = await setup();
    expect(nav.queryByRole('button', { name: /Rename/ })).toBeNull();
    await user.click(nav.getByRole('link', { name: 'Refunds' }));
    await settle();
    expect(nav.getByRole('link', { name: 'Refunds' }).getAttribute('aria-current')).toBe('page');
    expect(screen.getByRole('navigation', { name: /^Refunds/ })).toBeTruthy();

    await user.click(nav.getByRole('button', { name: 'Rename the view Refunds' }));
    const rename = within(screen.getByRole('dialog', { name: 'Rename “Refunds”' }));
    await user.clear(rename.getByRole('textbox', { name: 'Name' }));
    await user.type(rename.getByRole('textbox', { name: 'Name' }), 'Refunds issued{Enter}');
    await settle();
    expect(api.bodies.find((b) => b.call.startsWith('PATCH'))?.body).toEqual({ name: 'Refunds issued' });
    expect(screen.queryByRole('dialog')).toBeNull();
    expect(nav.getByRole('link', { name: 'Refunds issued' })).toBeTruthy();

    await user.click(nav.getByRole('button', { name: 'Delete the view Refunds issued' }));
    const confirm = within(screen.getByRole('dialog', { name: 'Delete the view “Refunds issued”?' }));
    await user.click(confirm.getByRole('button', { name: 'Cancel' }));
    expect(api.calls.some((c) => c.startsWith('DELETE'))).toBe(false);
    await user.click(nav.getByRole('button', { name: 'Delete the view Refunds issued' }));
    await user.click(within(screen.getByRole('dialog')).getByRole('button', { name: 'Delete view' }));
    await settle();
    expect(api.calls).toContain(`DELETE /api/agent/saved-views/${SAVED_ID}`);
    expect(nav.queryByRole('link', { name: 'Refunds issued' })).toBeNull();
    expect(nav.getByRole('link', { name: 'Open' }).getAttribute('aria-current')).toBe('page');
  });
});
