import { useLayoutEffect, useRef } from 'preact/hooks';
import type { TimelineItem } from '../ConversationModel.ts';
import { clockTime, fullTime } from '../format.ts';
import { AttachmentList } from './AttachmentList.tsx';

const DELIVERY_TEXT = { sending: 'Sending…', sent: 'Sent', failed: 'Not sent' } as const;

/**
 * A conversation's messages in order; bodies are text, internal notes are marked, the gateway's
 * own notes ("The customer left the conversation.") are a line of their own. The last reply the
 * visitor has read says so, and a visitor typing is shown below the messages.
 */
export function MessageList({ items, typing, label = 'Messages' }: { items: TimelineItem[]; /** Who is typing; leave out for a read-only thread. */ typing?: string | null; label?: string }) {
  const list = useRef<HTMLDivElement>(null);
  const last = items[items.length - 1]?.key;
  // Keep the newest message in view as messages arrive.
  useLayoutEffect(() => {
    const el = list.current;
    if (el) el.scrollTop = el.scrollHeight;
  }, [last, typing]);
  return (
    <div class="messages" role="log" aria-label={label} ref={list} tabIndex={0}>
      <ol class="messages__list">
      {items.map((item) => (
        <li
          key={item.key}
          class={`message message--${item.authorKind === 'system' && item.internal ? 'event' : item.internal ? 'note' : item.authorKind}${item.mine ? ' message--mine' : ''}`}
          data-internal={item.internal ? 'true' : undefined}
        >
          <div class="message__meta">
            <span class="message__author">{item.authorLabel}</span>
            {item.internal && item.authorKind !== 'system' && <span class="message__badge">Internal note</span>}
            {item.createdAt && (
              <time dateTime={item.createdAt} title={fullTime(item.createdAt)}>
                {clockTime(item.createdAt)}
              </time>
            )}
          </div>
          {item.body && <p class="message__body">{item.body}</p>}
          {item.attachments.length > 0 && <AttachmentList files={item.attachments} />}
          {item.delivery && (
            <p class={`message__delivery message__delivery--${item.delivery}`}>
              {DELIVERY_TEXT[item.delivery]}
              {item.error && `: ${item.error}`}
            </p>
          )}
          {item.seen && <p class="message__seen">Seen by the visitor</p>}
        </li>
      ))}
      </ol>
      {typing !== undefined && (
        <p class="messages__typing" role="status">
          {typing && `${typing} is typing…`}
        </p>
      )}
    </div>
  );
}
