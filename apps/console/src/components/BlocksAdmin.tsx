import { useEffect } from 'preact/hooks';
import type { BlocksModel } from '../BlocksModel.ts';
import { fullTime, shortId } from '../format.ts';

type Blocks = Pick<BlocksModel, 'blocks' | 'status' | 'error' | 'hasMore' | 'busy' | 'load' | 'loadMore' | 'unblock'>;

/** The admin's list of blocked visitors (MISSION.md A13), newest first; "Unblock" lets a visitor chat again. */
export function BlocksAdmin({ blocks }: { blocks: Blocks }) {
  useEffect(() => {
    void blocks.load();
  }, [blocks]);
  const list = blocks.blocks.value;
  return (
    <section class="admin__section" aria-labelledby="admin-blocks">
      <h3 id="admin-blocks">Blocked visitors</h3>
      <p class="admin__hint">Agents block visitors from a conversation. A blocked visitor cannot chat until the block is lifted.</p>
      {blocks.error.value && (
        <p class="admin__error" role="alert">
          {blocks.error.value}
        </p>
      )}
      {blocks.status.value === 'ready' && list.length === 0 && <p class="admin__empty">No one is blocked.</p>}
      <ul class="admin__list">
        {list.map((block) => {
          const name = block.visitor.name ?? `Visitor ${shortId(block.visitor.id)}`;
          return (
            <li key={block.id} class="admin__item" data-block-id={block.id}>
              <div class="admin__summary">
                <strong>{name}</strong>
                <span class="admin__note">
                  {block.byIp ? 'Visitor and IP address' : 'Visitor'} · blocked by {block.blockedBy?.name || 'an agent'} on{' '}
                  <time dateTime={block.createdAt}>{fullTime(block.createdAt)}</time>
                </span>
                {block.reason && <span class="admin__note">Reason: {block.reason}</span>}
              </div>
              <button class="button button--quiet" type="button" aria-label={`Unblock ${name}`} disabled={blocks.busy.value !== null} onClick={() => void blocks.unblock(block.id)}>
                {blocks.busy.value === block.id ? 'Unblocking…' : 'Unblock'}
              </button>
            </li>
          );
        })}
      </ul>
      {blocks.hasMore.value && (
        <button class="button button--quiet" type="button" onClick={() => void blocks.loadMore()}>
          Show more
        </button>
      )}
    </section>
  );
}
