import { useEffect, useRef } from 'preact/hooks';
import type { AlertsModel } from '../AlertsModel.ts';

/** The console's settings menu: desktop notifications for incoming requests (asks the browser's permission), and the agent's own password. */
export function AlertSettings({ alerts, onChangePassword }: { alerts: Pick<AlertsModel, 'desktop' | 'access' | 'error' | 'setDesktop'>; onChangePassword?: () => void }) {
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
        <label class="menu__check">
          <input type="checkbox" checked={alerts.desktop.value} onChange={(event) => void alerts.setDesktop((event.currentTarget as HTMLInputElement).checked)} />
          Desktop notifications for new chats
        </label>
        <p class="menu__hint">A sound plays and the tab title flashes either way.{blocked && !alerts.error.value && ' The browser does not allow notifications here.'}</p>
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
