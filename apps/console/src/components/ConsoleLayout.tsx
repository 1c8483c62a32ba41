import type { ClientState } from '@parley/client';
import { useState } from 'preact/hooks';
import type { ConsoleModel } from '../ConsoleModel.ts';
import type { Agent } from '../SessionModel.ts';
import { AdminScreens } from './AdminScreens.tsx';
import { AlertSettings } from './AlertSettings.tsx';
import { ArchiveActions } from './ArchiveActions.tsx';
import { ArchiveFilters } from './ArchiveFilters.tsx';
import { ConversationView } from './ConversationView.tsx';
import { InboxList } from './InboxList.tsx';
import { IncomingOffers } from './IncomingOffers.tsx';
import { Notices } from './Notices.tsx';
import { PasswordDialog } from './PasswordDialog.tsx';
import { QueuePanel } from './QueuePanel.tsx';
import { StatusPicker } from './StatusPicker.tsx';
import { TicketList, TicketsContext } from './TicketList.tsx';
import { ViewsNav } from './ViewsNav.tsx';

const CONNECTION_TEXT: Record<ClientState, string> = {
  idle: 'Offline',
  connecting: 'Connecting…',
  open: 'Live',
  closed: 'Offline',
};

/**
 * The signed-in console: top bar with the agent's status, incoming requests, the queues and the
 * inbox and the tickets in a sidebar, and the open conversation (or, for admins, the workspace settings).
 */
export function ConsoleLayout({ model, agent }: { model: ConsoleModel; agent: Agent }) {
  const inbox = model.inbox.value;
  const views = model.views.value;
  const conversation = model.conversation.value;
  const connection = model.connection.value;
  const desk = model.desk.value;
  const admin = model.screen.value === 'admin' ? desk?.admin : null;
  const tickets = model.tickets.value;
  // Signed in with an admin's one-time password: asked at once to choose their own.
  const [changingPassword, setChangingPassword] = useState(agent.mustChangePassword === true);
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
        {desk && <StatusPicker team={desk.team} />}
        {desk?.admin && (
          <button class="button button--quiet" type="button" aria-pressed={model.screen.value === 'admin'} onClick={() => model.show(model.screen.value === 'admin' ? 'conversations' : 'admin')}>
            Workspace settings
          </button>
        )}
        {desk && <AlertSettings alerts={desk.alerts} onChangePassword={() => setChangingPassword(true)} />}
        <p class="topbar__agent" title={agent.email}>
          {agent.name}
        </p>
        <button class="button button--quiet" type="button" onClick={() => void model.signOut()}>
          Sign out
        </button>
      </header>
      {desk && <IncomingOffers offers={desk.offers} />}
      {changingPassword && <PasswordDialog password={model.session.password} firstSignIn={agent.mustChangePassword === true} onClose={() => setChangingPassword(false)} />}
      <div class="panes">
        <div class="sidebar">
          {desk && <QueuePanel team={desk.team} />}
          {views && <ViewsNav views={views} />}
          {views && inbox && <ArchiveFilters views={views} team={desk?.team ?? null} rows={inbox.rows} />}
          {inbox && <InboxList inbox={inbox} onOpen={(id) => model.open(id)} {...(views && { actions: views })} />}
          {inbox && tickets && <TicketList tickets={tickets} now={inbox.now} onOpen={(id) => model.open(id)} />}
        </div>
        <main class="pane">
          <Notices notices={model.notices} />
          {admin ? (
            <AdminScreens admin={admin} onBack={() => model.show('conversations')} />
          ) : conversation ? (
            <>
              <TicketsContext.Provider value={tickets}>
                <ConversationView
                  key={conversation.conversationId}
                  model={conversation}
                  desk={desk}
                  me={agent}
                  api={model.api}
                  onOpen={(id) => model.open(id)}
                  actions={views && <ArchiveActions summary={conversation.summary} views={views} />}
                />
              </TicketsContext.Provider>
            </>
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
