import { describe, expect, it } from 'vitest';
import { ApiError } from './api.ts';
import { createBlocksModel } from './BlocksModel.ts';
import { fakeApi } from './test-support/fakes.ts';
import { block } from './test-support/workspace.ts';

describe('createBlocksModel', () => {
  it('lists blocks a page at a time and lifts one', async () => {
    const api = fakeApi({
      'GET /api/admin/blocks?limit=50': () => ({ blocks: [block('b1'), block('b2')], nextCursor: 'next page' }),
      'GET /api/admin/blocks?limit=50&cursor=next%20page': () => ({ blocks: [block('b2'), block('b3')], nextCursor: null }),
      'DELETE /api/admin/blocks/b2': () => ({ ok: true }),
    });
    const model = createBlocksModel({ api });
    await model.load();
    expect(model.blocks.value.map((b) => b.id)).toEqual(['b1', 'b2']);
    expect(model.hasMore.value).toBe(true);
    await model.loadMore();
    expect(model.blocks.value.map((b) => b.id)).toEqual(['b1', 'b2', 'b3']);
    expect(model.hasMore.value).toBe(false);
    expect(await model.unblock('b2')).toBe(true);
    expect(model.blocks.value.map((b) => b.id)).toEqual(['b1', 'b3']);
  });

  it('says why a block could not be lifted and keeps it listed', async () => {
    const api = fakeApi({
      'GET /api/admin/blocks?limit=50': () => ({ blocks: [block('b1')], nextCursor: null }),
      'DELETE /api/admin/blocks/b1': () => {
        throw new ApiError(403, 'FORBIDDEN', 'Only admins list and lift blocks; ask an admin of your workspace.');
      },
    });
    const model = createBlocksModel({ api });
    await model.load();
    expect(await model.unblock('b1')).toBe(false);
    expect(model.error.value).toBe('Only admins list and lift blocks; ask an admin of your workspace.');
    expect(model.blocks.value).toHaveLength(1);
    expect(model.busy.value).toBeNull();
  });
});
