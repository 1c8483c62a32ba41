import type { ClientState, ParleyClient } from '@parley/client';
import { CloseCode } from '@parley/protocol';
import { batch, computed, effect, signal, untracked, type ReadonlySignal } from '@preact/signals';
import { createAdminModel, type AdminModel } from './AdminModel.ts';
import { createAlertsModel, silentAlerts, type AlertsModel, type AlertsTransport } from './AlertsModel.ts';
import type { Api } from './api.ts';
import { createAttentionModel, type AttentionModel } from './AttentionModel.ts';
import { createConversationModel, type ConversationModel } from './ConversationModel.ts';
import { conversationTitle } from './format.ts';
import { createInboxModel, type InboxModel, type InboxTransport } from './InboxModel.ts';
import { createNoticesModel, type NoticesModel } from './NoticesModel.ts';
import { createOffersModel, type OffersModel } from './OffersModel.ts';
import { createOwnershipModel, type OwnershipModel } from './OwnershipModel.ts';
import { createSessionModel, type Agent, type SessionModel } from './SessionModel.ts';
import { createTeamModel, type TeamModel } from './TeamModel.ts';
import { createTicketsModel, type TicketsModel } from './TicketsModel.ts';
import { createViewsModel, initialViewSource, type ViewLocation, type ViewsModel } from './ViewsModel.ts';

/** The part of the client the console uses. */
export type ConsoleClient = Pick<ParleyClient, 'state' | 'connect' | 'close' | 'on' | 'send' | 'request' | 'pending' | 'cursor' | 'setCursor'>;

/** What the console needs from the outside world; tests pass fakes. */
export interface ConsoleTransport {
  api: Api;
  /** Makes the socket client for a signed-in agent (not yet connected). */
  createClient(agent: Agent): ConsoleClient;
  /** Reloads the page when the gateway no longer speaks this console's protocol version. */
  reload?: () => void;
  /** Passed to the inbox and the team: clock, and the timer for relative times and running timers. */
  now?: InboxTransport['now'];
  tick?: InboxTransport['tick'];
  /** Sound, tab title and desktop notifications for incoming requests and unread messages (default: silent). */
  alerts?: AlertsTransport;
  /** Where the chosen view and its filters are kept across reloads (default: nowhere). */
  viewLocation?: ViewLocation;
}

/** What the main pane shows. */
export type Screen = 'conversations' | 'admin';

/** The routing side of a signed-in console: statuses and queues, offers, ownership commands, alerts. */
export interface Desk {
  team: TeamModel;
  offers: OffersModel;
  ownership: OwnershipModel;
  /** What calls for the agent's attention besides offers: their customers' messages, chats broadcast to their queues. */
  attention: AttentionModel;
  alerts: AlertsModel;
  /** Admins only: the workspace settings (queues, wrap-up reasons, chat limits, templates, blocks, privacy). */
  admin: AdminModel | null;
}

/** The console as a whole: the session, and while signed in, the connection, the inbox and the open conversation. */
export interface ConsoleModel {
  /** The REST transport, for panels that read more of the agent API (the tickets list). */
  readonly api: Api;
  readonly session: SessionModel;
  readonly inbox: ReadonlySignal<InboxModel | null>;
  /** The sidebar's views, their filters, saved views and the archive actions, while signed in. */
  readonly views: ReadonlySignal<ViewsModel | null>;
  /** The tickets list in the sidebar, while signed in: read again when a conversation arrives or a chat becomes a ticket here. */
  readonly tickets: ReadonlySignal<TicketsModel | null>;
  readonly conversation: ReadonlySignal<ConversationModel | null>;
  readonly connection: ReadonlySignal<ClientState>;
  /** The conversation asked for (kept while signed out, so it opens after signing in). */
  readonly selectedId: ReadonlySignal<string | null>;
  /** Routing while signed in: statuses, queues, offers, ownership, alerts, admin. */
  readonly desk: ReadonlySignal<Desk | null>;
  /** What the console tells the agent: a transfer's answer, a chat that left their list. */
  readonly notices: NoticesModel;
  /** What the main pane shows. */
  readonly screen: ReadonlySignal<Screen>;
  /** Switches the main pane (the admin screens only for admins). */
  show(screen: Screen): void;
  /** Finds out whether the browser is signed in; the rest follows from the session. */
  start(): Promise<void>;
  /** Opens a conversation by id, or closes the open one. */
  open(conversationId: string | null): void;
  /** Closes the connection, ends the session on the gateway and shows the sign-in form. */
  signOut(): Promise<void>;
  /** Tears everything down. */
  dispose(): void;
}

interface Workspace {
  agent: Agent;
  client: ConsoleClient;
  inbox: InboxModel;
  views: ViewsModel;
  tickets: TicketsModel;
  desk: Desk;
  stops: (() => void)[];
}

/** Creates the console: signing in connects the client and fills the inbox; signing out undoes it all. */
export function createConsoleModel({ api, createClient, reload = () => location.reload(), now, tick, alerts = silentAlerts(), viewLocation }: ConsoleTransport): ConsoleModel {
  const session = createSessionModel({ api });
  const inbox = signal<InboxModel | null>(null);
  const views = signal<ViewsModel | null>(null);
  const tickets = signal<TicketsModel | null>(null);
  const conversation = signal<ConversationModel | null>(null);
  const connection = signal<ClientState>('idle');
  const selectedId = signal<string | null>(null);
  const desk = signal<Desk | null>(null);
  const notices = createNoticesModel();
  const screen = signal<Screen>('conversations');
  // The message length limit from the gateway's hello; the composer counts against it.
  const maxMessageLength = signal(0);
  let workspace: Workspace | null = null;

  function closeConversation(): void {
    conversation.value?.dispose();
    conversation.value = null;
  }

  function openConversation(conversationId: string | null): void {
    selectedId.value = conversationId;
    if (!workspace) return;
    if (conversation.value?.conversationId === conversationId) return;
    const { agent, client, inbox: list } = workspace;
    batch(() => {
      closeConversation();
      list.select(conversationId);
      if (!conversationId) return;
      screen.value = 'conversations';
      const initial = list.find(conversationId);
      conversation.value = createConversationModel({ api, client, conversationId, me: agent, maxLength: maxMessageLength, ...(initial && { initial }) });
    });
    void conversation.value?.load();
  }

  /** How a conversation is named in notices: the inbox row's title, else the open conversation's. */
  function titleOf(conversationId: string): string {
    const known = workspace?.inbox.find(conversationId) ?? (conversation.value?.conversationId === conversationId ? conversation.value.summary.value : null);
    return known ? conversationTitle(known) : 'a visitor';
  }

  /** A conversation left this agent's hands: out of the list, and closed if it is open. */
  function gone(conversationId: string): void {
    batch(() => {
      workspace?.inbox.remove(conversationId);
      if (selectedId.value === conversationId) openConversation(null);
    });
  }

  /** This admin deleted a conversation here: it leaves the console, and the notice says so. */
  function deleted(conversationId: string): void {
    batch(() => {
      workspace?.desk.ownership.deleted(conversationId);
      gone(conversationId);
    });
  }

  function startDesk(agent: Agent, client: ConsoleClient, list: InboxModel): Desk {
    let offers: OffersModel | undefined;
    const team = createTeamModel({ api, client, ...(now && { now }), ...(tick && { tick }), onSnapshot: (snapshot) => offers?.replace(snapshot.offers) });
    let alertsModel: AlertsModel | undefined;
    offers = createOffersModel({
      api,
      client,
      me: agent,
      now: team.now,
      ...(now && { clock: now }),
      onArrive: (offer) => alertsModel?.announce(offer),
      onAccepted: (offer) => {
        // The chat (or the conference) is this agent's now: it opens, and joins the list if the
        // list does not show it (new, or known only as archived: the gateway may have brought it back).
        if (!list.rows.value.some((row) => row.conversation.id === offer.conversationId)) void list.load();
        if (conversation.value?.conversationId === offer.conversationId) void conversation.value.load();
        openConversation(offer.conversationId);
      },
      onNotice: (text, key) => notices.add(text, key),
      onNoticeOutdated: (key) => notices.forget(key),
    });
    const attention = createAttentionModel({
      client,
      me: agent.id,
      team,
      known: (conversationId) => list.find(conversationId) ?? (conversation.value?.conversationId === conversationId ? (conversation.value.summary.value ?? undefined) : undefined),
      onMessage: (message, about) => alertsModel?.announceMessage(message, about),
      onChat: (chat) => alertsModel?.announceChat(chat),
      onGone: (conversationId) => alertsModel?.forget(conversationId),
    });
    // Offers, and chats broadcast to the agent's queues, flash the title alike.
    const waiting = computed(() => offers.incoming.value.length + attention.waiting.value);
    alertsModel = createAlertsModel({
      transport: alerts,
      agentId: agent.id,
      waiting,
      looking: computed(() => (screen.value === 'conversations' ? selectedId.value : null)),
      onOpen: openConversation,
    });
    const ownership = createOwnershipModel({
      api,
      client,
      titleOf,
      onNotice: (text, key) => notices.add(text, key),
      onNoticeOutdated: (key) => notices.forget(key),
      onGone: gone,
      onResolved: (conversationId, answer) => {
        // Still this agent's, resolved: out of the open views, into those that list it so.
        if (!answer) return gone(conversationId);
        batch(() => {
          list.update(answer);
          if (selectedId.value === conversationId) openConversation(null);
        });
      },
      // The views' actions on their way: the deletion among them is this admin's own.
      deleting: (conversationId) => workspace?.views.working.value.has(conversationId) ?? false,
    });
    const admin = agent.role === 'admin' ? createAdminModel({ api, team }) : null;
    return { team, offers, ownership, attention, alerts: alertsModel, admin };
  }

  function stopDesk(d: Desk): void {
    d.team.dispose();
    d.offers.dispose();
    d.ownership.dispose();
    d.attention.dispose();
    d.alerts.dispose();
  }

  function startWorkspace(agent: Agent): void {
    const client = createClient(agent);
    const list = createInboxModel({ api, client, me: agent.id, source: initialViewSource(viewLocation), ...(now && { now }), ...(tick && { tick }) });
    const chosen = createViewsModel({ api, inbox: list, admin: agent.role === 'admin', ...(viewLocation && { location: viewLocation }), onDeleted: deleted });
    const stops = [
      client.on('state', (state) => (connection.value = state)),
      client.on('error', (error) => {
        if (!('closeCode' in error)) return;
        if (error.closeCode === CloseCode.UNAUTHORIZED || error.closeCode === CloseCode.SESSION_ENDED) session.expire();
      }),
      client.on('reload', () => reload()),
      client.on('hello', (hello) => (maxMessageLength.value = hello.limits.maxMessageLength)),
    ];
    const ticketList = createTicketsModel({ api, conversationIds: computed(() => list.rows.value.map((row) => row.conversation.id)) });
    const made = startDesk(agent, client, list);
    workspace = { agent, client, inbox: list, views: chosen, tickets: ticketList, desk: made, stops };
    batch(() => {
      inbox.value = list;
      views.value = chosen;
      tickets.value = ticketList;
      desk.value = made;
      connection.value = client.state;
    });
    client.connect();
    void list.load();
    void ticketList.load();
    void chosen.loadSaved();
    void made.team.load();
    if (selectedId.value) openConversation(selectedId.value);
  }

  function stopWorkspace(): void {
    if (!workspace) return;
    const { client, inbox: list, views: chosen, tickets: ticketList, desk: made, stops } = workspace;
    workspace = null;
    stops.forEach((stop) => stop());
    batch(() => {
      closeConversation();
      list.dispose();
      chosen.dispose();
      ticketList.dispose();
      stopDesk(made);
      inbox.value = null;
      views.value = null;
      tickets.value = null;
      desk.value = null;
      screen.value = 'conversations';
      notices.clear();
      connection.value = 'idle';
    });
    client.close();
  }

  const stopSession = effect(() => {
    const agent = session.agent.value;
    untracked(() => {
      if (agent && workspace?.agent.id !== agent.id) {
        stopWorkspace();
        startWorkspace(agent);
      } else if (!agent) stopWorkspace();
    });
  });

  return {
    api,
    session,
    inbox,
    views,
    tickets,
    conversation,
    connection,
    selectedId,
    desk,
    notices,
    screen,
    show(next) {
      if (next === 'admin' && !workspace?.desk.admin) return;
      screen.value = next;
      if (next === 'admin') void workspace?.desk.admin?.load();
    },
    start: () => session.load(),
    open: openConversation,
    async signOut() {
      // Close our own sockets first, so the gateway's "session ended" close is not taken for an expiry.
      stopWorkspace();
      selectedId.value = null;
      await session.signOut();
    },
    dispose() {
      stopSession();
      stopWorkspace();
    },
  };
}
