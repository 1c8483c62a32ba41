import type { ConversationSummary, Message, Offer } from '@parley/protocol';
import { computed, effect, signal, untracked, type ReadonlySignal, type Signal } from '@preact/signals';
import { conversationTitle } from './format.ts';
import { offerTitle } from './OffersModel.ts';

/** Whether the browser lets this console show desktop notifications. */
export type NotificationAccess = 'default' | 'granted' | 'denied' | 'unsupported';

/** The browser's ways of getting an agent's attention; tests pass fakes (see `alerts.ts` for the real ones). */
export interface AlertsTransport {
  /** Plays the short arrival sound. */
  chime(): void;
  /** Shows a desktop notification (called only when the agent allowed them); a click on it calls `onClick`. */
  notify(notification: { title: string; body: string; tag: string; onClick?: () => void }): void;
  permission(): NotificationAccess;
  requestPermission(): Promise<NotificationAccess>;
  /** Whether the agent is looking at the console now (then a desktop notification adds nothing). */
  focused(): boolean;
  /** Calls back when the agent switches to or away from the console's tab or window; returns the unsubscribe function. */
  onFocusChange(callback: () => void): () => void;
  getTitle(): string;
  setTitle(title: string): void;
  /** Where the agent's choices are kept (only the keys this model names). */
  storage: Pick<Storage, 'getItem' | 'setItem'> | null;
  /** Calls back every `ms` until the returned function is called. */
  every(ms: number, callback: () => void): () => void;
  /** Current time in ms, to space out the sound. */
  now(): number;
}

/** What else the agent chose about alerts, each kept per agent like the desktop notifications. */
export type AlertChoice = 'replies' | 'notes' | 'sound';

/**
 * How the console gets an agent's attention (MISSION.md A3, A16): the sound, the tab title
 * (flashing while requests wait, a steady count of unread messages otherwise) and desktop
 * notifications, each as the agent chose.
 */
export interface AlertsModel {
  /** The agent wants desktop notifications, and the browser allows them. */
  readonly desktop: ReadonlySignal<boolean>;
  readonly access: ReadonlySignal<NotificationAccess>;
  /** Why notifications could not be turned on. */
  readonly error: ReadonlySignal<string | null>;
  /** Alerts for customers' messages in this agent's conversations (default on). */
  readonly replies: ReadonlySignal<boolean>;
  /** Alerts for colleagues' internal notes in them (default off). */
  readonly notes: ReadonlySignal<boolean>;
  /** The chime plays (default on). */
  readonly sound: ReadonlySignal<boolean>;
  /** Unread messages per conversation: those that came while the agent was not looking at it. */
  readonly unread: ReadonlySignal<ReadonlyMap<string, number>>;
  /** All unread messages together, as the tab title counts them. */
  readonly unreadCount: ReadonlySignal<number>;
  /** Turns desktop notifications on (asking the browser's permission first) or off. */
  setDesktop(on: boolean): Promise<void>;
  /** Keeps one of the agent's other choices; turning a kind of message off forgets those unread. */
  choose(choice: AlertChoice, on: boolean): void;
  /** Gets the agent's attention for a new offer. */
  announce(offer: Offer): void;
  /** Gets the agent's attention for a chat waiting in their queue for anyone to take it, as for an offer. */
  announceChat(chat: { conversationId: string; queueName: string | null; conversation?: ConversationPart }): void;
  /**
   * A customer's message (or a colleague's internal note) in one of this agent's conversations:
   * unread, with a sound and a notification, unless the agent is looking at that conversation.
   */
  announceMessage(message: Message, conversation?: ConversationPart): void;
  /** Forgets a conversation's unread messages (it is no longer this agent's to read). */
  forget(conversationId: string): void;
  /** Stops flashing and gives the tab its title back. */
  dispose(): void;
}

/** What a notification says about a conversation: who the customer is, and what they wrote last. */
type ConversationPart = Pick<ConversationSummary, 'id' | 'visitor' | 'preview'>;

/** How often the tab title changes while requests wait. */
const FLASH_MS = 1000;
/** The least time between two sounds for messages: a lively chat chimes once, not at every line. */
export const CHIME_GAP_MS = 5000;
/** How much of a message a desktop notification shows. */
const BODY_CHARS = 160;

const storageKey = (agentId: string) => `parley.console.notifications.${agentId}`;
const choiceKey = (agentId: string, choice: AlertChoice) => `parley.console.alerts.${agentId}.${choice}`;
/** What each choice is until the agent makes it. */
const DEFAULTS: Record<AlertChoice, boolean> = { replies: true, notes: false, sound: true };

function read(storage: AlertsTransport['storage'], key: string): string | null {
  try {
    return storage?.getItem(key) ?? null;
  } catch {
    return null;
  }
}

function write(storage: AlertsTransport['storage'], key: string, on: boolean): void {
  try {
    storage?.setItem(key, on ? 'on' : 'off');
  } catch {
    // Storage may be full or blocked; the choice then lasts until the page closes.
  }
}

/** A message as a notification shows it: its text, shortened, or what it carries. */
function excerpt(message: Message): string {
  const text = message.body.trim().replace(/\s+/g, ' ');
  if (text) return text.length > BODY_CHARS ? `${text.slice(0, BODY_CHARS - 1)}…` : text;
  return message.attachments?.length ? 'Sent a file.' : 'Open the console to read it.';
}

/**
 * Creates the alerts for one signed-in agent. The tab title flashes while `waiting` is above 0
 * and otherwise counts unread messages; `looking` is the conversation on screen, which is read
 * as it arrives while the console's tab has the focus. `onOpen` opens a conversation whose
 * notification the agent clicked.
 */
export function createAlertsModel({
  transport,
  agentId,
  waiting,
  looking = signal(null),
  onOpen,
}: {
  transport: AlertsTransport;
  agentId: string;
  waiting: ReadonlySignal<number>;
  looking?: ReadonlySignal<string | null>;
  onOpen?: (conversationId: string) => void;
}): AlertsModel {
  const access = signal<NotificationAccess>(transport.permission());
  const wanted = signal(read(transport.storage, storageKey(agentId)) === 'on');
  const desktop = computed(() => wanted.value && access.value === 'granted');
  const error = signal<string | null>(null);
  const choices = Object.fromEntries(
    (Object.keys(DEFAULTS) as AlertChoice[]).map((choice) => {
      const stored = read(transport.storage, choiceKey(agentId, choice));
      return [choice, signal(stored === null ? DEFAULTS[choice] : stored === 'on')];
    }),
  ) as Record<AlertChoice, Signal<boolean>>;
  const focused = signal(transport.focused());
  /** Unread messages per conversation, customers' and colleagues' apart (a choice may drop one kind). */
  const counts = signal(new Map<string, { replies: number; notes: number }>());
  const unread = computed<ReadonlyMap<string, number>>(() => new Map([...counts.value].map(([id, c]) => [id, c.replies + c.notes])));
  const unreadCount = computed(() => [...unread.value.values()].reduce((sum, n) => sum + n, 0));
  const base = transport.getTitle();
  let lastChime = Number.NEGATIVE_INFINITY;

  function store(on: boolean): void {
    wanted.value = on;
    write(transport.storage, storageKey(agentId), on);
  }

  function forget(conversationId: string): void {
    if (!counts.value.has(conversationId)) return;
    const next = new Map(counts.value);
    next.delete(conversationId);
    counts.value = next;
  }

  /** Offers and waiting chats always sound; messages at most once per `CHIME_GAP_MS`. */
  function chime(always: boolean): void {
    if (!choices.sound.value) return;
    const at = transport.now();
    if (!always && at - lastChime < CHIME_GAP_MS) return;
    lastChime = at;
    transport.chime();
  }

  function notify(notification: Parameters<AlertsTransport['notify']>[0]): void {
    // The permission may have been withdrawn in the browser since it was given.
    access.value = transport.permission();
    if (!wanted.value || access.value !== 'granted' || transport.focused()) return;
    transport.notify(notification);
  }

  const stopFocus = transport.onFocusChange(() => (focused.value = transport.focused()));

  // The conversation on screen is read as soon as the agent is back in the console's tab.
  const stopSeen = effect(() => {
    const id = looking.value;
    if (id && focused.value) untracked(() => forget(id));
  });

  // Requests waiting flash the title until they are answered; unread messages only count in it.
  const stopTitle = effect(() => {
    const n = waiting.value;
    if (n <= 0) {
      const m = unreadCount.value;
      transport.setTitle(m > 0 ? `${m === 1 ? '(1) New message' : `(${m}) New messages`} · ${base}` : base);
      return;
    }
    const alert = n === 1 ? '(1) New chat request' : `(${n}) New chat requests`;
    let on = true;
    transport.setTitle(`${alert} · ${base}`);
    const stop = transport.every(FLASH_MS, () => {
      on = !on;
      transport.setTitle(on ? `${alert} · ${base}` : base);
    });
    return () => {
      stop();
      transport.setTitle(base);
    };
  });

  return {
    desktop,
    access,
    error,
    replies: choices.replies,
    notes: choices.notes,
    sound: choices.sound,
    unread,
    unreadCount,
    async setDesktop(on) {
      error.value = null;
      if (!on) return store(false);
      let now = transport.permission();
      if (now === 'default') now = await transport.requestPermission();
      access.value = now;
      if (now === 'granted') return store(true);
      store(false);
      error.value =
        now === 'unsupported'
          ? 'This browser cannot show desktop notifications.'
          : 'The browser blocks notifications from Parley. Allow them in the site settings (the icon left of the address), then turn this on again.';
    },
    choose(choice, on) {
      choices[choice].value = on;
      write(transport.storage, choiceKey(agentId, choice), on);
      if (on || choice === 'sound') return;
      const next = new Map<string, { replies: number; notes: number }>();
      for (const [id, c] of counts.value) {
        const left = { ...c, [choice]: 0 };
        if (left.replies + left.notes > 0) next.set(id, left);
      }
      counts.value = next;
    },
    announce(offer) {
      chime(true);
      const where = [offer.queueName, offer.preview].filter(Boolean).join(' · ');
      notify({ title: offerTitle(offer), body: where || 'Open the console to answer.', tag: `parley-offer-${offer.id}` });
    },
    announceChat({ conversationId, queueName, conversation }) {
      chime(true);
      const where = [queueName, conversation?.preview].filter(Boolean).join(' · ');
      notify({
        title: `New chat from ${conversation?.visitor?.name?.trim() || 'a visitor'}`,
        body: where || 'Open the console to take it.',
        tag: `parley-chat-${conversationId}`,
        onClick: () => onOpen?.(conversationId),
      });
    },
    announceMessage(message, conversation) {
      const kind = message.internal ? 'notes' : 'replies';
      if (!choices[kind].value) return;
      const id = message.conversationId;
      focused.value = transport.focused();
      if (looking.value === id && focused.value) return;
      const before = counts.value.get(id) ?? { replies: 0, notes: 0 };
      counts.value = new Map(counts.value).set(id, { ...before, [kind]: before[kind] + 1 });
      chime(false);
      const customer = conversationTitle(
        conversation ?? { id, ...(message.author.kind === 'visitor' && { visitor: { id: message.author.id, name: message.author.name ?? null } }) },
      );
      notify({
        title: kind === 'notes' ? `Note from ${message.author.name?.trim() || 'a colleague'} in the chat with ${customer}` : `New message from ${customer}`,
        body: excerpt(message),
        tag: `parley-conversation-${id}`,
        onClick: () => onOpen?.(id),
      });
    },
    forget,
    dispose() {
      stopFocus();
      stopSeen();
      stopTitle();
    },
  };
}

/** Alerts that make no sound and show nothing: the default where no browser is around. */
export function silentAlerts(): AlertsTransport {
  let title = '';
  return {
    chime: () => {},
    notify: () => {},
    permission: () => 'unsupported',
    requestPermission: async () => 'unsupported',
    focused: () => true,
    onFocusChange: () => () => {},
    getTitle: () => title,
    setTitle: (next) => void (title = next),
    storage: null,
    every: () => () => {},
    now: () => Date.now(),
  };
}
