import type { ConversationModel } from '../ConversationModel.ts';
import { conversationTitle, fullTime } from '../format.ts';
import type { Desk } from '../ConsoleModel.ts';
import { Composer } from './Composer.tsx';
import { MessageList } from './MessageList.tsx';
import { OwnershipBar } from './OwnershipBar.tsx';

/** The open conversation: who it is with, who owns it, its messages, and the composer. */
export function ConversationView({ model, desk, me }: { model: ConversationModel; /** Routing, when signed in with it: the ownership bar. */ desk?: Pick<Desk, 'team' | 'ownership'> | null; me?: { id: string } }) {
  const summary = model.summary.value;
  const status = model.status.value;
  const title = summary ? conversationTitle(summary) : 'Conversation';
  return (
    <section class="conversation" aria-labelledby="conversation-title">
      <header class="conversation__header">
        <h2 id="conversation-title">{title}</h2>
        {summary && (
          <p class="conversation__sub">
            Started <time dateTime={summary.createdAt}>{fullTime(summary.createdAt)}</time>
            {summary.status === 'closed' && ' · Closed'}
          </p>
        )}
        {summary?.routing && desk && me && (
          <OwnershipBar conversationId={model.conversationId} title={title} routing={summary.routing} me={me} team={desk.team} ownership={desk.ownership} />
        )}
      </header>
      {model.error.value && (
        <p class="conversation__error" role="alert">
          {model.error.value}
        </p>
      )}
      {status === 'loading' && (
        <p class="conversation__loading" role="status">
          Loading messages…
        </p>
      )}
      {status === 'ready' && (
        <>
          {model.hasMore.value && (
            <button class="button button--quiet conversation__earlier" type="button" disabled={model.loadingEarlier.value} onClick={() => void model.loadEarlier()}>
              Load earlier messages
            </button>
          )}
          <MessageList items={model.items.value} typing={model.visitorTyping.value ? (summary?.visitor?.name ?? 'The visitor') : null} />
          <Composer model={model} />
        </>
      )}
    </section>
  );
}
