import type { ClientState } from '@parley/client';
import { useMemo } from 'preact/hooks';
import type { ConsoleModel } from '../ConsoleModel.ts';
import type { Agent } from '../SessionModel.ts';
import { ConversationView } from './ConversationView.tsx';
import { InboxList } from './InboxList.tsx';
import { conversationIdsOf, TicketsPanel } from './TicketList.tsx';

const CONNECTION_TEXT: Record<ClientState, string> = {
  idle: 'Offline',
  connecting: 'Connecting…',
  open: 'Live',
  closed: 'Offline',
};

/** The signed-in console: top bar, the inbox in a sidebar, and the open conversation. */
export function ConsoleLayout({ model, agent }: { model: ConsoleModel; agent: Agent }) {
  const inbox = model.inbox.value;
  const conversation = model.conversation.value;
  const connection = model.connection.value;
  const conversationIds = useMemo(() => inbox && conversationIdsOf(inbox.rows), [inbox]);
  return (
    <div class="shell">
      <header class="topbar">
        <h1 class="brand">
          <span class="brand__mark" aria-hidden="true">
            P
          </span>
          Parley <span class="brand__sub">Console</span>
        </h1>
        <p class={`connection connection--${connection}`} role="status">
          <span class="connection__dot" aria-hidden="true" />
          {CONNECTION_TEXT[connection]}
        </p>
        <p class="topbar__agent" title={agent.email}>
          {agent.name}
        </p>
        <button class="button button--quiet" type="button" onClick={() => void model.signOut()}>
          Sign out
        </button>
      </header>
      <div class="panes">
        <div class="sidebar">
          {inbox && <InboxList inbox={inbox} onOpen={(id) => model.open(id)} />}
          {inbox && conversationIds && <TicketsPanel api={model.api} conversationIds={conversationIds} now={inbox.now} onOpen={(id) => model.open(id)} />}
        </div>
        <main class="pane">
          {conversation ? (
            <ConversationView key={conversation.conversationId} model={conversation} />
          ) : (
            <div class="pane__empty">
              <h2>No conversation open</h2>
              <p>Choose a conversation from the list to read it and reply.</p>
            </div>
          )}
        </main>
      </div>
    </div>
  );
}
