import type { Message } from '@parley/protocol';
import { useEffect, useRef } from 'preact/hooks';
import type { I18n, Key } from '../shared/i18n.ts';
import type { PortalModel, Thread } from './PortalModel.ts';
import type { PortalStrings } from './strings/en.ts';
import { reactive } from '../shared/reactive.ts';

/** The portal's translator. */
export type PortalI18n = I18n<Key<PortalStrings>>;

/** Props of the portal. */
export interface PortalProps {
  model: PortalModel;
  i18n: PortalI18n;
  /** Opens a conversation in the messenger, when the page has one ("Continue in chat"). */
  showConversation?: ((conversationId: string) => void) | undefined;
  /** Prefix of the element ids, unique within the shadow root (default `parley-portal`). */
  idPrefix?: string;
}

/** Formats times in the portal's language. */
function timeFormat(locale: string): (iso: string) => string {
  try {
    const format = new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'short' });
    return (iso) => format.format(new Date(iso));
  } catch {
    return (iso) => new Date(iso).toLocaleString();
  }
}

/** A file size for people: bytes, KB or MB. */
function fileSize(bytes: number, locale: string): string {
  const [value, unit] = bytes < 1024 ? [bytes, 'B'] : bytes < 1024 * 1024 ? [bytes / 1024, 'KB'] : [bytes / (1024 * 1024), 'MB'];
  return `${new Intl.NumberFormat(locale, { maximumFractionDigits: 1 }).format(value)} ${unit}`;
}

/**
 * The portal: the visitor's requests and chats with their status, and one of them open to read
 * and, for a request, to answer. Opening a thread moves focus to its title; going back returns
 * focus to the row that was opened.
 */
export const Portal = reactive(function Portal({ model, i18n, showConversation, idPrefix = 'parley-portal' }: PortalProps) {
  const thread = model.thread.value;
  const threadStatus = model.threadStatus.value;
  const lastOpened = useRef<string | null>(null);
  const root = useRef<HTMLDivElement>(null);
  const inThread = threadStatus !== 'idle';

  useEffect(() => {
    if (inThread || !lastOpened.current) return;
    root.current?.querySelector<HTMLElement>(`[data-key="${lastOpened.current}"]`)?.focus();
  }, [inThread]);

  return (
    <div class="pp" ref={root}>
      {inThread ? (
        <ThreadView model={model} i18n={i18n} thread={thread} showConversation={showConversation} idPrefix={idPrefix} />
      ) : (
        <Lists
          model={model}
          i18n={i18n}
          idPrefix={idPrefix}
          onOpen={(key) => {
            lastOpened.current = key;
          }}
        />
      )}
    </div>
  );
});

const Lists = reactive(function Lists({ model, i18n, idPrefix, onOpen }: { model: PortalModel; i18n: PortalI18n; idPrefix: string; onOpen(key: string): void }) {
  const { t } = i18n;
  const status = model.status.value;
  const tickets = model.tickets.value;
  const conversations = model.conversations.value;
  const time = timeFormat(i18n.locale);
  return (
    <section aria-labelledby={`${idPrefix}-title`}>
      <div class="pp-head">
        <h2 id={`${idPrefix}-title`} class="pp-title">
          {t('title')}
        </h2>
        {status === 'ready' && (
          <button type="button" class="pp-button pp-button--quiet" onClick={() => void model.refresh()}>
            {t('refresh')}
          </button>
        )}
      </div>
      <div role="status" class="pp-status">
        {status === 'loading' && <p>{t('loading')}</p>}
      </div>
      {status === 'failed' && (
        <div role="alert" class="pp-notice">
          <p>{t('error.load')}</p>
          <button type="button" class="pp-button pp-button--quiet" onClick={() => void model.load()}>
            {t('retry')}
          </button>
        </div>
      )}
      {status === 'ready' && (
        <>
          <RowList
            id={`${idPrefix}-tickets`}
            title={t('tickets.title')}
            empty={t('tickets.empty')}
            rows={tickets.map((ticket) => ({
              key: `ticket:${ticket.number}`,
              title: ticket.subject,
              status: ticket.status,
              badge: t(`status.${ticket.status}`),
              meta: `${t('number', { number: ticket.number })} · ${t('updated', { time: time(ticket.lastMessageAt ?? ticket.updatedAt) })}`,
              preview: ticket.preview ?? t('noPreview'),
              open: () => void model.openTicket(ticket.number),
            }))}
            onOpen={onOpen}
          />
          <RowList
            id={`${idPrefix}-chats`}
            title={t('conversations.title')}
            empty={t('conversations.empty')}
            rows={conversations.map((conversation) => ({
              key: `conversation:${conversation.id}`,
              title: t('conversation.title', { date: time(conversation.createdAt) }),
              status: conversation.status,
              badge: t(conversation.status === 'open' ? 'status.open' : 'status.ended'),
              meta: t('updated', { time: time(conversation.lastMessageAt ?? conversation.createdAt) }),
              preview: conversation.preview ?? t('noPreview'),
              open: () => void model.openConversation(conversation.id),
            }))}
            onOpen={onOpen}
          />
        </>
      )}
    </section>
  );
});

/** One row of the portal's lists: a request or a chat. */
interface Row {
  key: string;
  title: string;
  status: string;
  badge: string;
  meta: string;
  preview: string;
  open(): void;
}

/** A titled list of rows, or a line saying it is empty. */
function RowList({ id, title, empty, rows, onOpen }: { id: string; title: string; empty: string; rows: Row[]; onOpen(key: string): void }) {
  return (
    <>
      <h3 class="pp-subtitle" id={id}>
        {title}
      </h3>
      {rows.length === 0 ? (
        <p class="pp-empty">{empty}</p>
      ) : (
        <ul class="pp-list" aria-labelledby={id}>
          {rows.map((row) => (
            <li key={row.key}>
              <button
                type="button"
                class="pp-row"
                data-key={row.key}
                onClick={() => {
                  onOpen(row.key);
                  row.open();
                }}
              >
                <span class="pp-row__top">
                  <span class="pp-row__title">{row.title}</span>
                  <span class={`pp-badge pp-badge--${row.status}`}>{row.badge}</span>
                </span>
                <span class="pp-row__meta">{row.meta}</span>
                <span class="pp-row__preview">{row.preview}</span>
              </button>
            </li>
          ))}
        </ul>
      )}
    </>
  );
}

const ThreadView = reactive(function ThreadView({
  model,
  i18n,
  thread,
  showConversation,
  idPrefix,
}: {
  model: PortalModel;
  i18n: PortalI18n;
  thread: Thread | null;
  showConversation?: ((conversationId: string) => void) | undefined;
  idPrefix: string;
}) {
  const { t } = i18n;
  const status = model.threadStatus.value;
  const heading = useRef<HTMLHeadingElement>(null);
  const time = timeFormat(i18n.locale);
  const notice = model.notice.value;
  const replying = model.replying.value;
  const key = thread?.key;

  useEffect(() => {
    heading.current?.focus();
  }, [key, status === 'ready']);

  const title = !thread ? t('loading') : thread.kind === 'ticket' ? thread.ticket.subject : t('conversation.title', { date: time(thread.conversation.createdAt) });
  const author = (m: Message) => (m.author.kind === 'visitor' ? t('you') : m.author.name || t('support'));

  return (
    <section aria-labelledby={`${idPrefix}-thread`}>
      <button type="button" class="pp-back" onClick={() => model.back()}>
        <span aria-hidden="true">← </span>
        {t('back')}
      </button>
      <h2 id={`${idPrefix}-thread`} class="pp-title" tabIndex={-1} ref={heading}>
        {status === 'missing' ? t('missing') : title}
      </h2>
      {thread?.kind === 'ticket' && (
        <p class="pp-row__meta">
          {t('number', { number: thread.ticket.number })} ·{' '}
          <span class={`pp-badge pp-badge--${thread.ticket.status}`}>{t(`status.${thread.ticket.status}`)}</span>
        </p>
      )}
      <div role="status" class="pp-status">
        {status === 'loading' && !thread && <p>{t('loading')}</p>}
      </div>
      {status === 'failed' && (
        <p role="alert" class="pp-notice">
          {t('error.thread')}
        </p>
      )}
      {notice === 'error.download' && (
        <p role="alert" class="pp-notice">
          {t('error.download')}
        </p>
      )}
      {thread && (
        <div role="log" aria-label={t('log')}>
          <ol class="pp-log">
            {thread.messages.map((m) => (
              <li key={m.id} class={`pp-message pp-message--${m.author.kind === 'visitor' ? 'me' : 'them'}`}>
                <p class="pp-message__author">
                  {author(m)} · <time dateTime={m.createdAt}>{time(m.createdAt)}</time>
                </p>
                {m.body && <p class="pp-message__body">{m.body}</p>}
              {m.attachments?.length ? (
                <ul class="pp-files">
                  {m.attachments.map((file) => (
                    <li key={file.id}>
                      <button type="button" class="pp-file" onClick={() => void model.download(file)}>
                        {t('file.download', { name: file.name, size: fileSize(file.size, i18n.locale) })}
                      </button>
                    </li>
                  ))}
                </ul>
              ) : null}
              </li>
            ))}
          </ol>
        </div>
      )}
      {thread?.kind === 'ticket' && (
        <form
          class="pp-reply"
          onSubmit={(event) => {
            event.preventDefault();
            void model.reply();
          }}
        >
          <label class="pp-label" for={`${idPrefix}-reply`}>
            {t('reply.label')}
          </label>
          <p class="pp-hint" id={`${idPrefix}-reply-hint`}>
            {t('reply.hint')}
          </p>
          <textarea
            id={`${idPrefix}-reply`}
            rows={3}
            value={model.draft.value}
            aria-describedby={`${idPrefix}-reply-hint${notice ? ` ${idPrefix}-reply-error` : ''}`}
            aria-invalid={notice === 'error.tooLong' ? 'true' : undefined}
            onInput={(event) => (model.draft.value = event.currentTarget.value)}
            onKeyDown={(event) => {
              if (event.key === 'Enter' && (event.ctrlKey || event.metaKey) && !event.isComposing) {
                event.preventDefault();
                void model.reply();
              }
            }}
          />
          <div role="alert">
            {notice && notice !== 'error.download' && (
              <p class="pp-error" id={`${idPrefix}-reply-error`}>
                {t(notice)}
              </p>
            )}
          </div>
          <button type="submit" class="pp-button" aria-disabled={replying || !model.draft.value.trim() ? 'true' : undefined}>
            {replying ? t('reply.sending') : t('reply.send')}
          </button>
        </form>
      )}
      {thread?.kind === 'conversation' && showConversation && (
        <button type="button" class="pp-button" onClick={() => showConversation(thread.conversation.id)}>
          {t('continue')}
        </button>
      )}
    </section>
  );
});
