import type { ViewGroup, ViewName } from '@parley/protocol';
import { conversationTitle, fullTime, relativeTime } from '../format.ts';
import { groupKey, sortTime, specOf, type InboxConversation, type InboxModel, type ViewSpec } from '../InboxModel.ts';
import { CHANNEL_LABEL, viewTitle, type ViewsModel } from '../ViewsModel.ts';

type Inbox = Pick<InboxModel, 'rows' | 'status' | 'error' | 'selectedId' | 'now' | 'source' | 'hasMore' | 'loadingMore' | 'loadMore'>;
type Actions = Pick<ViewsModel, 'archive' | 'unarchive' | 'working' | 'actionError'>;

const EMPTY: Record<ViewName, string> = {
  open: 'No open conversations. New ones appear here as visitors write.',
  unanswered: 'Every open conversation has an answer.',
  closed: 'No closed conversations outside the archive.',
  'mine.replies': 'No customer is waiting for your reply.',
  'mine.internal': 'None of your conversations ends with an internal note.',
  'mine.closed': 'You have no closed conversations.',
  archive: 'Nothing in the archive matches.',
};

const TIME_WORD: Record<ViewSpec['sort'], string> = { activity: 'Last activity', started: 'Started', archived: 'Archived' };

/** A group's heading: the gateway's label, else what its key means. */
function groupLabel(c: InboxConversation, group: ViewGroup, key: string): string {
  if (c.group?.label) return c.group.label;
  switch (group) {
    case 'status':
      return key === 'closed' ? 'Closed' : 'Open';
    case 'channel':
      return key === 'web_form' ? CHANNEL_LABEL.web_form : CHANNEL_LABEL.chat;
    case 'queue':
      return key ? 'Queue' : 'No queue';
    case 'agent':
      return key ? 'Agent' : 'No owner';
    default:
      return key || 'Other';
  }
}

/** Who had a closed or archived conversation, how it ended, and where it came from. */
function closedNote(c: InboxConversation): string | null {
  if (c.status !== 'closed' && !c.archivedAt) return null;
  const parts = [c.routing?.ownerName, c.routing?.wrapUp, c.channel === 'web_form' ? CHANNEL_LABEL.web_form : null, c.ticketNumber ? `Ticket #${c.ticketNumber}` : null];
  const note = parts.filter(Boolean).join(' · ');
  return note || null;
}

/**
 * The chosen view's conversations, in its order (grouped, for a saved view that groups); choosing
 * one opens it. "Load more" reads the next page. With `actions`, each row can be archived or
 * taken out of the archive.
 */
export function InboxList({ inbox, onOpen, actions }: { inbox: Inbox; onOpen: (conversationId: string) => void; actions?: Actions }) {
  const rows = inbox.rows.value;
  const status = inbox.status.value;
  const selected = inbox.selectedId.value;
  const now = inbox.now.value;
  const source = inbox.source.value;
  const spec = specOf(source);
  const sort = spec?.sort ?? 'activity';
  const grouped = spec && spec.group !== 'none' ? spec.group : null;
  const working = actions?.working.value;
  const problem = inbox.error.value ?? actions?.actionError.value;
  const empty =
    source.kind === 'saved' ? 'No conversation matches this view.' : Object.keys(source.filter).length ? 'No conversation matches these filters.' : EMPTY[source.view];

  // Consecutive rows of one group go under one heading (the list is in group order).
  const sections: { key: string; label: string | null; rows: typeof rows }[] = [];
  for (const row of rows) {
    const key = grouped ? groupKey(row.conversation, grouped) : '';
    const last = sections.at(-1);
    if (last && last.key === key) last.rows.push(row);
    else sections.push({ key, label: grouped ? groupLabel(row.conversation, grouped, key) : null, rows: [row] });
  }

  return (
    <nav class="inbox" aria-labelledby="inbox-title">
      <h2 id="inbox-title" class="inbox__title">
        {viewTitle(source)}{' '}
        <span class="count">
          {rows.length}
          {inbox.hasMore.value ? '+' : ''}
        </span>
      </h2>
      {problem && (
        <p class="inbox__error" role="alert">
          {problem}
        </p>
      )}
      {status === 'loading' && rows.length === 0 && (
        <p class="inbox__empty" role="status">
          Loading conversations…
        </p>
      )}
      {status === 'ready' && rows.length === 0 && <p class="inbox__empty">{empty}</p>}
      {sections.map((section) => (
        <div key={section.key} class="inbox__section">
          {section.label !== null && <h3 class="inbox__group">{section.label}</h3>}
          <ul class="inbox__list">
            {section.rows.map(({ conversation, unread }) => {
              const title = conversationTitle(conversation);
              const at = sortTime(conversation, sort);
              const when = Number.isNaN(at) ? (conversation.lastMessageAt ?? conversation.createdAt) : new Date(at).toISOString();
              const note = closedNote(conversation);
              const archived = !!conversation.archivedAt;
              return (
                <li key={conversation.id} class="inbox__item">
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
                      <time class="row__time" dateTime={when} title={`${TIME_WORD[sort]}: ${fullTime(when)}`}>
                        {relativeTime(when, now)}
                      </time>
                    </span>
                    <span class="row__preview">
                      {unread && <span class="row__dot">New · </span>}
                      {conversation.preview ?? 'No messages yet'}
                    </span>
                    {note && <span class="row__note">{note}</span>}
                  </a>
                  {actions && (
                    <button
                      class="row-action"
                      type="button"
                      disabled={working?.has(conversation.id)}
                      aria-label={`${archived ? 'Unarchive' : 'Archive'} the conversation with ${title}`}
                      onClick={() => void (archived ? actions.unarchive(conversation.id) : actions.archive(conversation.id))}
                    >
                      {archived ? 'Unarchive' : 'Archive'}
                    </button>
                  )}
                </li>
              );
            })}
          </ul>
        </div>
      ))}
      {inbox.hasMore.value && (
        <button class="button button--quiet inbox__more" type="button" disabled={inbox.loadingMore.value} onClick={() => void inbox.loadMore()}>
          {inbox.loadingMore.value ? 'Loading…' : 'Load more'}
        </button>
      )}
    </nav>
  );
}
