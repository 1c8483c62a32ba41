import { within } from '@testing-library/dom';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it } from 'vitest';
import { createBlocksModel } from '../BlocksModel.ts';
import { fakeApi } from '../test-support/fakes.ts';
import { render, settle } from '../test-support/render.ts';
import { block } from '../test-support/workspace.ts';
import { BlocksAdmin } from './BlocksAdmin.tsx';

let unmount = () => {};
afterEach(() => unmount());

describe('BlocksAdmin', () => {
  it('lists who is blocked, how and why, and lifts a block', async () => {
    const api = fakeApi({
      'GET /api/admin/blocks?limit=50': () => ({
        blocks: [block('b1', { visitor: { id: 'v1', name: 'Spammy Sam' }, byIp: true, reason: 'Spam links' }), block('b2', { visitor: { id: 'v2abcdef', name: null } })],
        nextCursor: null,
      }),
      'DELETE /api/admin/blocks/b1': () => ({ ok: true }),
    });
    const blocks = createBlocksModel({ api });
    const view = await render(<BlocksAdmin blocks={blocks} />);
    unmount = view.unmount;
    await settle();
    const section = within(view.container).getByRole('region', { name: 'Blocked visitors' });
    const items = within(section).getAllByRole('listitem');
    expect(items[0]!.textContent).toContain('Spammy Sam');
    expect(items[0]!.textContent).toContain('Visitor and IP address · blocked by Ada');
    expect(items[0]!.textContent).toContain('Reason: Spam links');
    expect(items[1]!.textContent).toContain('Visitor v2abcd');
    await userEvent.setup().click(within(section).getByRole('button', { name: 'Unblock Spammy Sam' }));
    await settle();
    expect(api.calls).toContain('DELETE /api/admin/blocks/b1');
    expect(within(section).getAllByRole('listitem')).toHaveLength(1);
  });

  it('says when no one is blocked', async () => {
    const api = fakeApi({ 'GET /api/admin/blocks?limit=50': () => ({ blocks: [], nextCursor: null }) });
    const view = await render(<BlocksAdmin blocks={createBlocksModel({ api })} />);
    unmount = view.unmount;
    await settle();
    expect(view.container.textContent).toContain('No one is blocked.');
  });
});
