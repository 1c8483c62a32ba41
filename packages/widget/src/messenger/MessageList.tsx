import { useLayoutEffect, useRef } from 'preact/hooks';
import type { MessageItem } from './MessengerModel.ts';

/** Props of the message list. */
export interface MessageListProps {
  items: MessageItem[];
}

const STATE_LABEL = { sending: 'Sending…', sent: 'Sent' } as const;

/** The conversation as a live log: messages in order, the visitor's own with their delivery state. */
export function MessageList({ items }: MessageListProps) {
  const log = useRef<HTMLDivElement>(null);
  useLayoutEffect(() => {
    const el = log.current;
    if (el) el.scrollTop = el.scrollHeight;
  }, [items]);

  return (
    <div class="log" role="log" aria-live="polite" aria-label="Messages" ref={log}>
      {items.length === 0 && <p class="empty">Send us a message and we'll reply right here.</p>}
      {items.map((item) => (
        <div key={item.key} class={`message ${item.from}`}>
          {item.authorName && <span class="author">{item.authorName}</span>}
          <p class="bubble">{item.body}</p>
          {item.state && <span class="state">{STATE_LABEL[item.state]}</span>}
        </div>
      ))}
    </div>
  );
}
