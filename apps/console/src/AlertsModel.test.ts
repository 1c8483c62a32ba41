import { signal } from '@preact/signals';
import { describe, expect, it } from 'vitest';
import { createChime } from './alerts.ts';
import { CHIME_GAP_MS, createAlertsModel, type AlertsTransport, type NotificationAccess } from './AlertsModel.ts';
import { message, summary } from './test-support/fakes.ts';
import { offer } from './test-support/routing.ts';

type Shown = Parameters<AlertsTransport['notify']>[0];

function fakeAlerts({ access = 'default' as NotificationAccess, answer = 'granted' as NotificationAccess, focused = false, stored = {} as Record<string, string> } = {}) {
  const log = { chimes: 0, notes: [] as Shown[], asked: 0, titles: [] as string[] };
  let flash: (() => void) | null = null;
  let permission = access;
  let inFocus = focused;
  let clock = 1_000_000;
  const focusListeners = new Set<() => void>();
  const transport: AlertsTransport = {
    chime: () => void log.chimes++,
    notify: (n) => void log.notes.push(n),
    permission: () => permission,
    requestPermission: async () => {
      log.asked++;
      return (permission = answer);
    },
    focused: () => inFocus,
    onFocusChange: (callback) => {
      focusListeners.add(callback);
      return () => focusListeners.delete(callback);
    },
    getTitle: () => 'Parley Console',
    setTitle: (t) => void log.titles.push(t),
    storage: { getItem: (k) => stored[k] ?? null, setItem: (k, v) => void (stored[k] = v) },
    every: (_ms, callback) => {
      flash = callback;
      return () => (flash = null);
    },
    now: () => clock,
  };
  return {
    transport,
    log,
    stored,
    flashTick: () => flash?.(),
    flashing: () => flash !== null,
    /** The agent switches to (true) or away from (false) the console's tab. */
    focus: (on: boolean) => {
      inFocus = on;
      focusListeners.forEach((listener) => listener());
    },
    later: (ms: number) => void (clock += ms),
    title: () => log.titles.at(-1),
  };
}

/** A customer's message in conversation `c`. */
const reply = (c: string, seq: number, body = `Message ${seq}`) => message(c, seq, { body, author: { kind: 'visitor', id: `v-${c}`, name: 'Vera' } });
/** A colleague's internal note in conversation `c`. */
const note = (c: string, seq: number) => message(c, seq, { body: 'Refund approved', internal: true, author: { kind: 'agent', id: 'a2', name: 'Bob' } });

describe('createAlertsModel', () => {
  it('flashes the tab title while requests wait, and gives it back once they are answered', () => {
    const { transport, log, flashTick, flashing } = fakeAlerts();
    const waiting = signal(0);
    const alerts = createAlertsModel({ transport, agentId: 'a1', waiting });
    waiting.value = 1;
    expect(log.titles.at(-1)).toBe('(1) New chat request · Parley Console');
    flashTick();
    expect(log.titles.at(-1)).toBe('Parley Console');
    flashTick();
    expect(log.titles.at(-1)).toBe('(1) New chat request · Parley Console');
    waiting.value = 2;
    expect(log.titles.at(-1)).toBe('(2) New chat requests · Parley Console');
    waiting.value = 0;
    expect(log.titles.at(-1)).toBe('Parley Console');
    expect(flashing()).toBe(false);
    alerts.dispose();
  });

  it('plays the sound for every request, and shows no desktop notification until the agent turns them on', () => {
    const { transport, log } = fakeAlerts({ access: 'granted' });
    const alerts = createAlertsModel({ transport, agentId: 'a1', waiting: signal(0) });
    alerts.announce(offer('o1'));
    expect(log.chimes).toBe(1);
    expect(log.notes).toEqual([]);
    expect(alerts.desktop.value).toBe(false);
  });

  it('asks the browser’s permission when turned on, keeps the choice per agent, and notifies while the console is not in view', async () => {
    const { transport, log, stored } = fakeAlerts();
    const alerts = createAlertsModel({ transport, agentId: 'a1', waiting: signal(0) });
    await alerts.setDesktop(true);
    expect(log.asked).toBe(1);
    expect(alerts.desktop.value).toBe(true);
    expect(stored).toEqual({ 'parley.console.notifications.a1': 'on' });
    alerts.announce(offer('o1'));
    expect(log.notes).toEqual([{ title: 'New chat from Vera', body: 'Sales · Do you ship orchids?', tag: 'parley-offer-o1' }]);
    // The next sign-in remembers it, without asking again.
    const again = createAlertsModel({ transport: fakeAlerts({ access: 'granted', stored }).transport, agentId: 'a1', waiting: signal(0) });
    expect(again.desktop.value).toBe(true);
  });

  it('adds no notification while the agent looks at the console', async () => {
    const { transport, log } = fakeAlerts({ access: 'granted', focused: true });
    const alerts = createAlertsModel({ transport, agentId: 'a1', waiting: signal(0) });
    await alerts.setDesktop(true);
    alerts.announce(offer('o1'));
    expect(log.chimes).toBe(1);
    expect(log.notes).toEqual([]);
  });

  it('stays off and says how to allow them when the browser blocks notifications', async () => {
    const { transport, log, stored } = fakeAlerts({ answer: 'denied' });
    const alerts = createAlertsModel({ transport, agentId: 'a1', waiting: signal(0) });
    await alerts.setDesktop(true);
    expect(alerts.desktop.value).toBe(false);
    expect(alerts.error.value).toMatch(/Allow them in the site settings/);
    expect(stored['parley.console.notifications.a1']).toBe('off');
    alerts.announce(offer('o1'));
    expect(log.notes).toEqual([]);
  });
});

describe('createChime', () => {
  it('plays two short tones with Web Audio', () => {
    const started: number[] = [];
    class FakeContext {
      state = 'running';
      currentTime = 5;
      destination = {};
      createOscillator() {
        return { type: '', frequency: { value: 0 }, connect: (node: unknown) => node, start: (at: number) => started.push(at), stop: () => {} };
      }
      createGain() {
        return { gain: { setValueAtTime: () => {}, exponentialRampToValueAtTime: () => {} }, connect: (node: unknown) => node };
      }
      resume = async () => {};
    }
    createChime(FakeContext as unknown as new () => AudioContext)();
    expect(started).toEqual([5, 5.16]);
  });

  it('stays silent without Web Audio or when the browser refuses it', () => {
    expect(() => createChime(undefined)()).not.toThrow();
    class Refusing {
      constructor() {
        throw new Error('not allowed');
      }
    }
    expect(() => createChime(Refusing as unknown as new () => AudioContext)()).not.toThrow();
  });
});

describe('createAlertsModel, messages in the agent\u2019s conversations', () => {
  function setup(options: Parameters<typeof fakeAlerts>[0] = {}, { waiting = signal(0), looking = signal<string | null>(null) } = {}) {
    const fake = fakeAlerts(options);
    const opened: string[] = [];
    const alerts = createAlertsModel({ transport: fake.transport, agentId: 'a1', waiting, looking, onOpen: (id) => opened.push(id) });
    return { ...fake, alerts, waiting, looking, opened };
  }

  it('counts unread messages per conversation in the tab title, without flashing, and clears one when it is opened', () => {
    const { alerts, looking, title, flashing, focus } = setup({ focused: true }, { looking: signal<string | null>('c9') });
    alerts.announceMessage(reply('c1', 1));
    expect(title()).toBe('(1) New message · Parley Console');
    alerts.announceMessage(reply('c1', 2));
    alerts.announceMessage(reply('c2', 1));
    expect(title()).toBe('(3) New messages · Parley Console');
    expect(flashing()).toBe(false);
    expect([...alerts.unread.value]).toEqual([
      ['c1', 2],
      ['c2', 1],
    ]);
    looking.value = 'c1';
    expect([...alerts.unread.value]).toEqual([['c2', 1]]);
    expect(title()).toBe('(1) New message · Parley Console');
    focus(false);
    looking.value = 'c2';
    // Opened in a tab the agent is not looking at: still unread, until they come back to it.
    expect(alerts.unreadCount.value).toBe(1);
    focus(true);
    expect(alerts.unreadCount.value).toBe(0);
    expect(title()).toBe('Parley Console');
  });

  it('lets waiting requests flash over the unread count, and shows the count again once they are answered', () => {
    const { alerts, waiting, title, flashTick } = setup();
    alerts.announceMessage(reply('c1', 1));
    waiting.value = 1;
    expect(title()).toBe('(1) New chat request · Parley Console');
    flashTick();
    expect(title()).toBe('Parley Console');
    waiting.value = 0;
    expect(title()).toBe('(1) New message · Parley Console');
  });

  it('alerts nothing for a message in the conversation on screen while the console has the focus', async () => {
    const { alerts, log, title } = setup({ access: 'granted', focused: true }, { looking: signal<string | null>('c1') });
    await alerts.setDesktop(true);
    alerts.announceMessage(reply('c1', 1));
    expect(alerts.unreadCount.value).toBe(0);
    expect(log.chimes).toBe(0);
    expect(log.notes).toEqual([]);
    expect(title()).toBe('Parley Console');
  });

  it('counts a message in the conversation on screen while the tab is in the background, with a sound and a notification', async () => {
    const { alerts, log, opened } = setup({ access: 'granted', focused: false }, { looking: signal<string | null>('c1') });
    await alerts.setDesktop(true);
    alerts.announceMessage(reply('c1', 1, 'Where is my parcel?'), summary('c1', { visitor: { id: 'v1', name: 'Vera' } }));
    expect(alerts.unreadCount.value).toBe(1);
    expect(log.chimes).toBe(1);
    expect(log.notes).toMatchObject([{ title: 'New message from Vera', body: 'Where is my parcel?', tag: 'parley-conversation-c1' }]);
    log.notes[0]!.onClick?.();
    expect(opened).toEqual(['c1']);
  });

  it('shows no desktop notification for a message while the console has the focus, nor when they are off', async () => {
    const { alerts, log, focus } = setup({ access: 'granted', focused: true });
    await alerts.setDesktop(true);
    alerts.announceMessage(reply('c1', 1));
    expect(log.notes).toEqual([]);
    await alerts.setDesktop(false);
    focus(false);
    alerts.announceMessage(reply('c2', 1));
    expect(log.notes).toEqual([]);
    expect(log.chimes).toBe(1);
  });

  it('plays the sound for messages at most once every few seconds, and for every request', () => {
    const { alerts, log, later } = setup();
    alerts.announceMessage(reply('c1', 1));
    alerts.announceMessage(reply('c1', 2));
    alerts.announceMessage(reply('c2', 1));
    expect(log.chimes).toBe(1);
    later(CHIME_GAP_MS - 1);
    alerts.announceMessage(reply('c1', 3));
    expect(log.chimes).toBe(1);
    alerts.announce(offer('o1'));
    expect(log.chimes).toBe(2);
    // The request's sound counts: the next message right after it stays quiet.
    later(CHIME_GAP_MS - 1);
    alerts.announceMessage(reply('c1', 4));
    expect(log.chimes).toBe(2);
    later(1);
    alerts.announceMessage(reply('c1', 5));
    expect(log.chimes).toBe(3);
    expect(alerts.unreadCount.value).toBe(6);
  });

  it('counts colleagues\u2019 internal notes only when the agent wants them', async () => {
    const { alerts, log } = setup({ access: 'granted' });
    await alerts.setDesktop(true);
    expect(alerts.notes.value).toBe(false);
    alerts.announceMessage(note('c1', 1));
    expect(alerts.unreadCount.value).toBe(0);
    expect(log.chimes).toBe(0);
    expect(log.notes).toEqual([]);
    alerts.choose('notes', true);
    alerts.announceMessage(note('c1', 2), summary('c1', { visitor: { id: 'v1', name: 'Vera' } }));
    expect(alerts.unreadCount.value).toBe(1);
    expect(log.chimes).toBe(1);
    expect(log.notes).toMatchObject([{ title: 'Note from Bob in the chat with Vera', body: 'Refund approved' }]);
  });

  it('keeps the choices per agent (replies on, notes off, sound on until chosen), and applies them', () => {
    const { alerts, log, stored } = setup();
    expect([alerts.replies.value, alerts.notes.value, alerts.sound.value]).toEqual([true, false, true]);
    alerts.choose('notes', true);
    alerts.announceMessage(reply('c1', 1));
    alerts.announceMessage(note('c1', 2));
    expect(alerts.unreadCount.value).toBe(2);
    alerts.choose('sound', false);
    alerts.choose('replies', false);
    expect(stored).toEqual({ 'parley.console.alerts.a1.notes': 'on', 'parley.console.alerts.a1.sound': 'off', 'parley.console.alerts.a1.replies': 'off' });
    // Customers' messages no longer count, the note still does, and nothing makes a sound.
    expect(alerts.unreadCount.value).toBe(1);
    alerts.announceMessage(reply('c2', 1));
    alerts.announce(offer('o1'));
    expect(alerts.unreadCount.value).toBe(1);
    expect(log.chimes).toBe(1);
    // The next sign-in in this browser remembers them.
    const again = createAlertsModel({ transport: fakeAlerts({ stored }).transport, agentId: 'a1', waiting: signal(0) });
    expect([again.replies.value, again.notes.value, again.sound.value]).toEqual([false, true, false]);
    const colleague = createAlertsModel({ transport: fakeAlerts({ stored }).transport, agentId: 'a2', waiting: signal(0) });
    expect([colleague.replies.value, colleague.notes.value, colleague.sound.value]).toEqual([true, false, true]);
  });

  it('forgets the unread messages of a conversation the agent no longer has', () => {
    const { alerts, title } = setup();
    alerts.announceMessage(reply('c1', 1));
    alerts.forget('c1');
    expect(alerts.unreadCount.value).toBe(0);
    expect(title()).toBe('Parley Console');
  });

  it('calls the agent to a chat waiting in their queue like to an offer: a sound, and a notification that opens it', async () => {
    const { alerts, log, opened } = setup({ access: 'granted' });
    await alerts.setDesktop(true);
    alerts.announceChat({ conversationId: 'c7', queueName: 'Sales', conversation: summary('c7', { visitor: { id: 'v7', name: 'Vera' }, preview: 'Hi' }) });
    expect(log.chimes).toBe(1);
    expect(log.notes).toMatchObject([{ title: 'New chat from Vera', body: 'Sales · Hi', tag: 'parley-chat-c7' }]);
    log.notes[0]!.onClick?.();
    expect(opened).toEqual(['c7']);
  });
});
