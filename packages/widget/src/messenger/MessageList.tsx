import { createRef } from 'preact';
import { AfterRender } from '../shared/reactive.ts';
import type { Translate } from './Messenger.tsx';
import type { MessageItem } from './MessengerModel.ts';
import type { AttachmentsModule } from './attachments/files.tsx';
import { linkify } from './linkify.ts';

/** Props of the message list. */
export interface MessageListProps {
  items: MessageItem[];
  /** Who is typing on the other side, or null. */
  typing: { name: string } | null;
  t: Translate;
  /** Shows messages' files (thumbnails, downloads), once their code has loaded. */
  files?: AttachmentsModule | null | undefined;
}

/** A message's text with its web addresses as links that open in a new tab; nothing else is interpreted. */
export function MessageText({ text }: { text: string }) {
  return (
    <>
      {linkify(text).map((part) =>
        typeof part === 'string' ? (
          part
        ) : (
          <a href={part.href} target="_blank" rel="noopener noreferrer">
            {part.text}
          </a>
        ),
      )}
    </>
  );
}

/** What a message says: the gateway's own notes (ended, joined, left) in the visitor's language once those strings have loaded, else its text. */
function textOf(item: MessageItem, t: Translate): string {
  const event = item.message?.event;
  if (!event) return item.body;
  const said = t(event.type, event);
  return said == event.type ? item.body : said;
}

/**
 * The conversation as a live log (`role="log"`, announced politely): messages in order, the
 * visitor's own with their delivery state (the last one "Sent" or "Seen"), and who is typing.
 */
export function MessageList({ items, typing, t, files }: MessageListProps) {
  const log = createRef<HTMLDivElement>();
  const lastMine = items.reduce((last, item, i) => (item.from === 'me' ? i : last), -1);

  return (
    <div class="log" part="messages" role="log" aria-live="polite" aria-label={t('log')} tabIndex={0} ref={log}>
      {items.length === 0 && <p class="empty">{t('empty')}</p>}
      {items.map((item, i) => (
        <div key={item.key} class={`message ${item.from}`} part={`message ${item.from}`}>
          {item.from === 'me' ? <span class="visually-hidden">{t('you')}: </span> : item.authorName && <span class="author">{item.authorName}</span>}
          {(item.body || !(item.message?.attachments ?? item.files)) && (
            <p class="bubble">
              <MessageText text={textOf(item, t)} />
            </p>
          )}
          {files && (item.message?.attachments ?? item.files) && <files.MessageFiles files={(item.message?.attachments ?? item.files)!} />}
          {item.state && (item.state === 'sending' || i === lastMine) && <span class="state">{t(item.state)}</span>}
        </div>
      ))}
      <p class="typing" role="status">
        {typing && (
          <>
            <span class="dots" aria-hidden="true">
              <i />
              <i />
              <i />
            </span>
            {typing.name ? t('typing', { name: typing.name }) : t('typing.anonymous')}
          </>
        )}
      </p>
      <AfterRender deps={[items, typing]} run={() => void (log.current && (log.current.scrollTop = log.current.scrollHeight))} />
    </div>
  );
}
