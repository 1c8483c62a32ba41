import { signal } from '@preact/signals';
import { describe, expect, it } from 'vitest';
import { createChime } from './alerts.ts';
import { createAlertsModel, type AlertsTransport, type NotificationAccess } from './AlertsModel.ts';
import { offer } from './test-support/routing.ts';

function fakeAlerts({ access = 'default' as NotificationAccess, answer = 'granted' as NotificationAccess, focused = false, stored = {} as Record<string, string> } = {}) {
  const log = { chimes: 0, notes: [] as { title: string; body: string; tag: string }[], asked: 0, titles: [] as string[] };
  let flash: (() => void) | null = null;
  let permission = access;
  const transport: AlertsTransport = {
    chime: () => void log.chimes++,
    notify: (n) => void log.notes.push(n),
    permission: () => permission,
    requestPermission: async () => {
      log.asked++;
      return (permission = answer);
    },
    focused: () => focused,
    getTitle: () => 'Parley Console',
    setTitle: (t) => void log.titles.push(t),
    storage: { getItem: (k) => stored[k] ?? null, setItem: (k, v) => void (stored[k] = v) },
    every: (_ms, callback) => {
      flash = callback;
      return () => (flash = null);
    },
  };
  return { transport, log, stored, flashTick: () => flash?.(), flashing: () => flash !== null };
}

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
