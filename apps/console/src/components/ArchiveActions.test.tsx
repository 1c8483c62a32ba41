import type { ConversationSummary } from '@parley/protocol';
import { signal } from '@preact/signals';
import { within } from '@testing-library/dom';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ApiError } from '../api.ts';
import { createInboxModel } from '../InboxModel.ts';
import { fakeApi, fakeClient, summary } from '../test-support/fakes.ts';
import { render, settle } from '../test-support/render.ts';
import { createViewsModel } from '../ViewsModel.ts';
import { ArchiveActions } from './ArchiveActions.tsx';

let unmount = () => {};
afterEach(() => unmount());

const answer = (archivedAt: string | null) => () => ({ conversation: { ...summary('c1'), channel: 'chat', archivedAt, ticketNumber: null } });

async function setup({ admin = false, archivedAt }: { admin?: boolean; archivedAt?: string } = {}) {
  const api = fakeApi({
    'POST /api/agent/conversations/c1/archive': answer('2024-05-01T12:00:00.000Z'),
    'POST /api/agent/conversations/c1/unarchive': answer(null),
    'DELETE /api/admin/conversations/c1': () => {
      if (deleteFails) throw new ApiError(503, 'UNAVAILABLE', 'down');
      return { ok: true };
    },
  });
  let deleteFails = false;
  const inbox = createInboxModel({ api, client: fakeClient(), tick: () => () => {} });
  const onDeleted = vi.fn();
  const views = createViewsModel({ api, inbox, admin, onDeleted });
  const conversation = signal<ConversationSummary | null>(summary('c1', { visitor: { id: 'v1', name: 'Vera' }, ...(archivedAt && { archivedAt }) }));
  const view = await render(<ArchiveActions summary={conversation} views={views} />);
  unmount = () => {
    view.unmount();
    inbox.dispose();
  };
  return { api, onDeleted, conversation, failDelete: () => (deleteFails = true), screen: within(view.container), user: userEvent.setup() };
}

describe('ArchiveActions', () => {
  it('archives the open conversation, and offers Unarchive once it is in the archive', async () => {
    const { screen, user, api, conversation } = await setup();
    expect(screen.getByRole('group', { name: 'Archive' })).toBeTruthy();
    expect(screen.queryByRole('button', { name: 'Delete' })).toBeNull();
    await user.click(screen.getByRole('button', { name: 'Archive' }));
    await settle();
    expect(api.calls).toEqual(['POST /api/agent/conversations/c1/archive']);
    // The gateway tells every console; the conversation's summary follows.
    await settle(() => (conversation.value = { ...conversation.value!, archivedAt: '2024-05-01T12:00:00.000Z' }));
    expect(screen.getByText(/^Archived/)).toBeTruthy();
    await user.click(screen.getByRole('button', { name: 'Unarchive' }));
    await settle();
    expect(api.calls.at(-1)).toBe('POST /api/agent/conversations/c1/unarchive');
  });

  it('lets an admin delete only after confirming, with Cancel taking the focus first', async () => {
    const { screen, user, api, onDeleted, failDelete } = await setup({ admin: true, archivedAt: '2024-05-01T12:00:00.000Z' });
    await user.click(screen.getByRole('button', { name: 'Delete' }));
    const dialog = within(screen.getByRole('dialog', { name: 'Delete the conversation with Vera?' }));
    expect(document.activeElement).toBe(dialog.getByRole('button', { name: 'Cancel' }));
    await user.click(dialog.getByRole('button', { name: 'Cancel' }));
    expect(screen.queryByRole('dialog')).toBeNull();
    expect(api.calls).toEqual([]);

    failDelete();
    await user.click(screen.getByRole('button', { name: 'Delete' }));
    await user.click(within(screen.getByRole('dialog')).getByRole('button', { name: 'Delete for good' }));
    await settle();
    expect(within(screen.getByRole('dialog')).getByRole('alert').textContent).toBe('The conversation could not be deleted. Try again in a moment.');
    expect(onDeleted).not.toHaveBeenCalled();
  });

  it('deletes for an admin who confirms', async () => {
    const { screen, user, api, onDeleted } = await setup({ admin: true });
    await user.click(screen.getByRole('button', { name: 'Delete' }));
    await user.click(within(screen.getByRole('dialog')).getByRole('button', { name: 'Delete for good' }));
    await settle();
    expect(api.bodies).toEqual([{ call: 'DELETE /api/admin/conversations/c1', body: { confirm: 'c1' } }]);
    expect(onDeleted).toHaveBeenCalledWith('c1');
  });
});
