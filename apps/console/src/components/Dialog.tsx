import type { ComponentChildren } from 'preact';
import { useId, useLayoutEffect, useRef } from 'preact/hooks';

/**
 * A modal dialog on the native `<dialog>`: the browser traps focus inside and Escape closes it.
 * Focus goes back to the control that opened it, when that control is still on the page.
 */
export function Dialog({ title, onClose, children, class: className = '' }: { title: string; onClose: () => void; children: ComponentChildren; class?: string }) {
  const ref = useRef<HTMLDialogElement>(null);
  const titleId = useId();
  useLayoutEffect(() => {
    const dialog = ref.current!;
    const opener = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    if (!dialog.open) {
      if (typeof dialog.showModal === 'function') dialog.showModal();
      else dialog.setAttribute('open', '');
    }
    // The first field or choice, not the close button, takes the focus.
    (dialog.querySelector<HTMLElement>('[data-autofocus]') ?? dialog.querySelector<HTMLElement>('input, select, button'))?.focus();
    return () => {
      if (dialog.open) dialog.close();
      if (opener?.isConnected) opener.focus();
    };
  }, []);
  return (
    <dialog
      ref={ref}
      class={`dialog ${className}`}
      aria-labelledby={titleId}
      onCancel={(event) => {
        // Escape: the view decides (it unmounts the dialog), so the browser does not close it behind its back.
        event.preventDefault();
        onClose();
      }}
    >
      <h2 id={titleId} class="dialog__title">
        {title}
      </h2>
      {children}
    </dialog>
  );
}

/** What went wrong with a dialog's action, read out when it appears; nothing when all is well. */
export function DialogError({ error }: { error: string | null | undefined }) {
  return error ? (
    <p class="dialog__error" role="alert">
      {error}
    </p>
  ) : null;
}
