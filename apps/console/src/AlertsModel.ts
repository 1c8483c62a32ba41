import type { Offer } from '@parley/protocol';
import { computed, effect, signal, type ReadonlySignal } from '@preact/signals';
import { offerTitle } from './OffersModel.ts';

/** Whether the browser lets this console show desktop notifications. */
export type NotificationAccess = 'default' | 'granted' | 'denied' | 'unsupported';

/** The browser's ways of getting an agent's attention; tests pass fakes (see `alerts.ts` for the real ones). */
export interface AlertsTransport {
  /** Plays the short arrival sound. */
  chime(): void;
  /** Shows a desktop notification (called only when the agent allowed them). */
  notify(notification: { title: string; body: string; tag: string }): void;
  permission(): NotificationAccess;
  requestPermission(): Promise<NotificationAccess>;
  /** Whether the agent is looking at the console now (then a desktop notification adds nothing). */
  focused(): boolean;
  getTitle(): string;
  setTitle(title: string): void;
  /** Where the agent's choice is kept (only the one key this model names). */
  storage: Pick<Storage, 'getItem' | 'setItem'> | null;
  /** Calls back every `ms` until the returned function is called. */
  every(ms: number, callback: () => void): () => void;
}

/** Sound, flashing tab title and desktop notifications for incoming requests (MISSION.md A3, A16). */
export interface AlertsModel {
  /** The agent wants desktop notifications, and the browser allows them. */
  readonly desktop: ReadonlySignal<boolean>;
  readonly access: ReadonlySignal<NotificationAccess>;
  /** Why notifications could not be turned on. */
  readonly error: ReadonlySignal<string | null>;
  /** Turns desktop notifications on (asking the browser's permission first) or off. */
  setDesktop(on: boolean): Promise<void>;
  /** Gets the agent's attention for a new offer. */
  announce(offer: Offer): void;
  /** Stops flashing and gives the tab its title back. */
  dispose(): void;
}

/** How often the tab title changes while requests wait. */
const FLASH_MS = 1000;

const storageKey = (agentId: string) => `parley.console.notifications.${agentId}`;

function read(storage: AlertsTransport['storage'], key: string): string | null {
  try {
    return storage?.getItem(key) ?? null;
  } catch {
    return null;
  }
}

/** Creates the alerts for one signed-in agent; the tab title flashes while `waiting` is above 0. */
export function createAlertsModel({ transport, agentId, waiting }: { transport: AlertsTransport; agentId: string; waiting: ReadonlySignal<number> }): AlertsModel {
  const access = signal<NotificationAccess>(transport.permission());
  const wanted = signal(read(transport.storage, storageKey(agentId)) === 'on');
  const desktop = computed(() => wanted.value && access.value === 'granted');
  const error = signal<string | null>(null);
  const base = transport.getTitle();

  function store(on: boolean): void {
    wanted.value = on;
    try {
      transport.storage?.setItem(storageKey(agentId), on ? 'on' : 'off');
    } catch {
      // Storage may be full or blocked; the choice then lasts until the page closes.
    }
  }

  // The title says how many requests wait, and flashes until they are answered.
  const stopFlash = effect(() => {
    const n = waiting.value;
    if (n <= 0) {
      transport.setTitle(base);
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
    announce(offer) {
      transport.chime();
      // The permission may have been withdrawn in the browser since it was given.
      access.value = transport.permission();
      if (!wanted.value || access.value !== 'granted' || transport.focused()) return;
      const where = [offer.queueName, offer.preview].filter(Boolean).join(' · ');
      transport.notify({ title: offerTitle(offer), body: where || 'Open the console to answer.', tag: `parley-offer-${offer.id}` });
    },
    dispose() {
      stopFlash();
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
    getTitle: () => title,
    setTitle: (next) => void (title = next),
    storage: null,
    every: () => () => {},
  };
}
