import { useEffect, useRef } from 'preact/hooks';
import type { AlertChoice, AlertsModel } from '../AlertsModel.ts';

/** The messages in the agent's own chats that can alert them, as the menu words them. */
const KINDS: { choice: Exclude<AlertChoice, 'sound'>; label: string }[] = [
  { choice: 'replies', label: 'Customer replies in my chats' },
  { choice: 'notes', label: 'Internal notes from colleagues' },
];

/**
 * The console's settings menu: what alerts the agent (customer replies, colleagues' notes, the
 * sound), desktop notifications (asks the browser's permission), and the agent's own password.
 */
export function AlertSettings({
  alerts,
  onChangePassword,
}: {
  alerts: Pick<AlertsModel, 'desktop' | 'access' | 'error' | 'setDesktop' | 'replies' | 'notes' | 'sound' | 'choose'>;
  onChangePassword?: () => void;
}) {
  const blocked = alerts.access.value === 'denied' || alerts.access.value === 'unsupported';
  const menu = useRef<HTMLDetailsElement>(null);
  // Like any menu: a click elsewhere or Escape closes it (Escape gives the focus back to its button).
  useEffect(() => {
    const onClick = (event: MouseEvent) => {
      if (menu.current?.open && !menu.current.contains(event.target as Node)) menu.current.open = false;
    };
    const onKey = (event: KeyboardEvent) => {
      if (event.key !== 'Escape' || !menu.current?.open) return;
      menu.current.open = false;
      menu.current.querySelector('summary')?.focus();
    };
    document.addEventListener('click', onClick);
    document.addEventListener('keydown', onKey);
    return () => {
      document.removeEventListener('click', onClick);
      document.removeEventListener('keydown', onKey);
    };
  }, []);
  return (
    <details class="menu" ref={menu}>
      <summary class="button button--quiet menu__button">Settings</summary>
      <div class="menu__panel">
        <fieldset class="choices">
          <legend class="field__label">Alert me to</legend>
          {KINDS.map(({ choice, label }) => (
            <label class="choice" key={choice}>
              <input type="checkbox" checked={alerts[choice].value} onChange={(event) => alerts.choose(choice, (event.currentTarget as HTMLInputElement).checked)} />
              {label}
            </label>
          ))}
        </fieldset>
        <label class="menu__check">
          <input type="checkbox" checked={alerts.sound.value} onChange={(event) => alerts.choose('sound', (event.currentTarget as HTMLInputElement).checked)} />
          Play a sound
        </label>
        <label class="menu__check">
          <input type="checkbox" checked={alerts.desktop.value} onChange={(event) => void alerts.setDesktop((event.currentTarget as HTMLInputElement).checked)} />
          Desktop notifications
        </label>
        <p class="menu__hint">
          New chats and requests always flash the tab title, and it counts the messages you have not read. Desktop notifications show while you are in another tab or window.
          {blocked && !alerts.error.value && ' The browser does not allow notifications here.'}
        </p>
        {alerts.error.value && (
          <p class="menu__error" role="alert">
            {alerts.error.value}
          </p>
        )}
        {onChangePassword && (
          <button
            class="button button--quiet"
            type="button"
            onClick={() => {
              if (menu.current) menu.current.open = false;
              onChangePassword();
            }}
          >
            Change password…
          </button>
        )}
      </div>
    </details>
  );
}
