import type { ClientState, ParleyClient } from '@parley/client';
import { CloseCode } from '@parley/protocol';
import { batch, effect, signal, untracked, type ReadonlySignal } from '@preact/signals';
import type { Api } from './api.ts';
import { createConversationModel, type ConversationModel } from './ConversationModel.ts';
import { createInboxModel, type InboxModel, type InboxTransport } from './InboxModel.ts';
import { createSessionModel, type Agent, type SessionModel } from './SessionModel.ts';

/** The part of the client the console uses. */
export type ConsoleClient = Pick<ParleyClient, 'state' | 'connect' | 'close' | 'on' | 'send' | 'request' | 'pending' | 'cursor' | 'setCursor'>;

/** What the console needs from the outside world; tests pass fakes. */
export interface ConsoleTransport {
  api: Api;
  /** Makes the socket client for a signed-in agent (not yet connected). */
  createClient(agent: Agent): ConsoleClient;
  /** Reloads the page when the gateway no longer speaks this console's protocol version. */
  reload?: () => void;
  /** Passed to the inbox: clock and timer for relative times. */
  now?: InboxTransport['now'];
  tick?: InboxTransport['tick'];
}

/** The console as a whole: the session, and while signed in, the connection, the inbox and the open conversation. */
export interface ConsoleModel {
  /** The REST transport, for panels that read more of the agent API (the tickets list). */
  readonly api: Api;
  readonly session: SessionModel;
  readonly inbox: ReadonlySignal<InboxModel | null>;
  readonly conversation: ReadonlySignal<ConversationModel | null>;
  readonly connection: ReadonlySignal<ClientState>;
  /** The conversation asked for (kept while signed out, so it opens after signing in). */
  readonly selectedId: ReadonlySignal<string | null>;
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
  stops: (() => void)[];
}

/** Creates the console: signing in connects the client and fills the inbox; signing out undoes it all. */
export function createConsoleModel({ api, createClient, reload = () => location.reload(), now, tick }: ConsoleTransport): ConsoleModel {
  const session = createSessionModel({ api });
  const inbox = signal<InboxModel | null>(null);
  const conversation = signal<ConversationModel | null>(null);
  const connection = signal<ClientState>('idle');
  const selectedId = signal<string | null>(null);
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
      const initial = list.find(conversationId);
      conversation.value = createConversationModel({ api, client, conversationId, me: agent, ...(initial && { initial }) });
    });
    void conversation.value?.load();
  }

  function startWorkspace(agent: Agent): void {
    const client = createClient(agent);
    const list = createInboxModel({ api, client, ...(now && { now }), ...(tick && { tick }) });
    const stops = [
      client.on('state', (state) => (connection.value = state)),
      client.on('error', (error) => {
        if (!('closeCode' in error)) return;
        if (error.closeCode === CloseCode.UNAUTHORIZED || error.closeCode === CloseCode.SESSION_ENDED) session.expire();
      }),
      client.on('reload', () => reload()),
    ];
    workspace = { agent, client, inbox: list, stops };
    batch(() => {
      inbox.value = list;
      connection.value = client.state;
    });
    client.connect();
    void list.load();
    if (selectedId.value) openConversation(selectedId.value);
  }

  function stopWorkspace(): void {
    if (!workspace) return;
    const { client, inbox: list, stops } = workspace;
    workspace = null;
    stops.forEach((stop) => stop());
    batch(() => {
      closeConversation();
      list.dispose();
      inbox.value = null;
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
    conversation,
    connection,
    selectedId,
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
