import { conversationTitle, fullTime, relativeTime } from '../format.ts';
import type { InboxModel } from '../InboxModel.ts';

/** The sidebar: open conversations, most recently active first; choosing one opens it. */
export function InboxList({ inbox, onOpen }: { inbox: Pick<InboxModel, 'rows' | 'status' | 'error' | 'selectedId' | 'now'>; onOpen: (conversationId: string) => void }) {
  const rows = inbox.rows.value;
  const status = inbox.status.value;
  const selected = inbox.selectedId.value;
  const now = inbox.now.value;
  return (
    <nav class="inbox" aria-labelledby="inbox-title">
      <h2 id="inbox-title" class="inbox__title">
        Open conversations <span class="count">{rows.length}</span>
      </h2>
      {inbox.error.value && (
        <p class="inbox__error" role="alert">
          {inbox.error.value}
        </p>
      )}
      {status === 'loading' && rows.length === 0 && (
        <p class="inbox__empty" role="status">
          Loading conversations…
        </p>
      )}
      {status === 'ready' && rows.length === 0 && <p class="inbox__empty">No open conversations. New ones appear here as visitors write.</p>}
      <ul class="inbox__list">
        {rows.map(({ conversation, unread }) => {
          const title = conversationTitle(conversation);
          const when = conversation.lastMessageAt ?? conversation.createdAt;
          return (
            <li key={conversation.id}>
              <a
                class={`row${conversation.id === selected ? ' row--selected' : ''}${unread ? ' row--unread' : ''}`}
                href={`#/conversations/${conversation.id}`}
                aria-current={conversation.id === selected ? 'page' : undefined}
                data-conversation-id={conversation.id}
                onClick={(event) => {
                  if (event.metaKey || event.ctrlKey || event.shiftKey || event.button !== 0) return;
                  event.preventDefault();
                  onOpen(conversation.id);
                }}
              >
                <span class="row__top">
                  <span class="row__title">{title}</span>
                  <time class="row__time" dateTime={when} title={fullTime(when)}>
                    {relativeTime(when, now)}
                  </time>
                </span>
                <span class="row__preview">
                  {unread && <span class="row__dot">New · </span>}
                  {conversation.preview ?? 'No messages yet'}
                </span>
              </a>
            </li>
          );
        })}
      </ul>
    </nav>
  );
}
