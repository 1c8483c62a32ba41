import type { Block, BlockPage } from '@parley/protocol';
import { batch, computed, signal, type ReadonlySignal } from '@preact/signals';
import { explainError, type Api } from './api.ts';

/** What the blocks model needs: REST for the admin's block routes. */
export interface BlocksTransport {
  api: Pick<Api, 'get' | 'delete'>;
}

/** The workspace's blocked visitors, for admins (MISSION.md A13): newest first, a page at a time, and lifting a block. */
export interface BlocksModel {
  readonly blocks: ReadonlySignal<Block[]>;
  readonly status: ReadonlySignal<'loading' | 'ready' | 'error'>;
  readonly error: ReadonlySignal<string | null>;
  /** More blocks exist than are shown. */
  readonly hasMore: ReadonlySignal<boolean>;
  /** The block being lifted. */
  readonly busy: ReadonlySignal<string | null>;
  /** Reads the first page (again). */
  load(): Promise<void>;
  /** Reads the next page and adds it below. */
  loadMore(): Promise<void>;
  /** Lifts a block: the visitor may chat again; true when done. */
  unblock(blockId: string): Promise<boolean>;
  clearError(): void;
}

const PAGE = 50;

/** Creates the blocks model; call `load()` when the admin screens open. */
export function createBlocksModel({ api }: BlocksTransport): BlocksModel {
  const blocks = signal<Block[]>([]);
  const status = signal<'loading' | 'ready' | 'error'>('loading');
  const error = signal<string | null>(null);
  const nextCursor = signal<string | null>(null);
  const busy = signal<string | null>(null);

  const page = (cursor?: string) => api.get<BlockPage>(`/api/admin/blocks?limit=${PAGE}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);

  return {
    blocks,
    status,
    error,
    hasMore: computed(() => nextCursor.value !== null),
    busy,
    async load() {
      try {
        const answer = await page();
        batch(() => {
          blocks.value = answer.blocks;
          nextCursor.value = answer.nextCursor;
          status.value = 'ready';
          error.value = null;
        });
      } catch (e) {
        batch(() => {
          status.value = 'error';
          error.value = explainError(e, 'The blocked visitors could not be loaded.');
        });
      }
    },
    async loadMore() {
      const cursor = nextCursor.value;
      if (!cursor) return;
      try {
        const answer = await page(cursor);
        batch(() => {
          const known = new Set(blocks.value.map((b) => b.id));
          blocks.value = [...blocks.value, ...answer.blocks.filter((b) => !known.has(b.id))];
          nextCursor.value = answer.nextCursor;
        });
      } catch (e) {
        error.value = explainError(e, 'More blocked visitors could not be loaded.');
      }
    },
    async unblock(blockId) {
      if (busy.value) return false;
      busy.value = blockId;
      error.value = null;
      try {
        await api.delete(`/api/admin/blocks/${encodeURIComponent(blockId)}`);
        blocks.value = blocks.value.filter((b) => b.id !== blockId);
        return true;
      } catch (e) {
        error.value = explainError(e, 'The block could not be lifted.');
        return false;
      } finally {
        busy.value = null;
      }
    },
    clearError() {
      error.value = null;
    },
  };
}
