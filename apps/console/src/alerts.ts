import type { AlertsTransport, NotificationAccess } from './AlertsModel.ts';

type AudioContextClass = new () => AudioContext;

/** The notes of the arrival sound: two short tones, falling (Hz, start s, length s). */
const NOTES: [number, number, number][] = [
  [880, 0, 0.14],
  [660, 0.16, 0.22],
];

/**
 * Plays the arrival sound with Web Audio, so the console ships no sound file. The context is made
 * on first use and reused; a browser that blocks audio before a click simply stays silent.
 */
export function createChime(Context: AudioContextClass | undefined = (globalThis as { AudioContext?: AudioContextClass }).AudioContext): () => void {
  let context: AudioContext | null = null;
  return () => {
    if (!Context) return;
    try {
      context ??= new Context();
      if (context.state === 'suspended') void context.resume().catch(() => {});
      const start = context.currentTime;
      for (const [frequency, at, length] of NOTES) {
        const tone = context.createOscillator();
        const gain = context.createGain();
        tone.type = 'sine';
        tone.frequency.value = frequency;
        // A quick rise and an exponential fall, so the tone does not click.
        gain.gain.setValueAtTime(0.0001, start + at);
        gain.gain.exponentialRampToValueAtTime(0.2, start + at + 0.02);
        gain.gain.exponentialRampToValueAtTime(0.0001, start + at + length);
        tone.connect(gain).connect(context.destination);
        tone.start(start + at);
        tone.stop(start + at + length + 0.02);
      }
    } catch {
      // No sound is better than an error in the console.
    }
  };
}

/** The browser's real alerts: Web Audio, the Notification API, the window's focus, the document's title and localStorage. */
export function browserAlerts(win: Window & typeof globalThis = window): AlertsTransport {
  const Notice = (win as { Notification?: typeof Notification }).Notification;
  const access = (): NotificationAccess => (Notice ? Notice.permission : 'unsupported');
  let storage: Storage | null = null;
  try {
    storage = win.localStorage;
  } catch {
    // Storage blocked: the choice lasts until the page closes.
  }
  return {
    chime: createChime((win as { AudioContext?: AudioContextClass }).AudioContext),
    notify({ title, body, tag, onClick }) {
      if (!Notice || Notice.permission !== 'granted') return;
      try {
        const shown = new Notice(title, { body, tag });
        shown.onclick = () => {
          win.focus();
          onClick?.();
          shown.close();
        };
      } catch {
        // Some browsers only show notifications from a service worker; the sound and title still alert.
      }
    },
    permission: access,
    async requestPermission() {
      if (!Notice) return 'unsupported';
      try {
        return await Notice.requestPermission();
      } catch {
        return access();
      }
    },
    focused: () => win.document.visibilityState === 'visible' && win.document.hasFocus(),
    onFocusChange(callback) {
      win.addEventListener('focus', callback);
      win.addEventListener('blur', callback);
      win.document.addEventListener('visibilitychange', callback);
      return () => {
        win.removeEventListener('focus', callback);
        win.removeEventListener('blur', callback);
        win.document.removeEventListener('visibilitychange', callback);
      };
    },
    getTitle: () => win.document.title,
    setTitle: (title) => void (win.document.title = title),
    storage,
    every(ms, callback) {
      const timer = win.setInterval(callback, ms);
      return () => win.clearInterval(timer);
    },
    now: () => Date.now(),
  };
}
