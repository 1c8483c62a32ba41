import { useLayoutEffect, useRef } from 'preact/hooks';

/** Props of the composer. */
export interface ComposerProps {
  value: string;
  maxLength: number;
  /** Moves focus into the text box when this turns true (the messenger opened). */
  focused: boolean;
  onInput(value: string): void;
  onSend(): void;
}

/** The text box and Send button. Enter sends; Shift+Enter adds a line break. */
export function Composer({ value, maxLength, focused, onInput, onSend }: ComposerProps) {
  const box = useRef<HTMLTextAreaElement>(null);
  useLayoutEffect(() => {
    if (focused) box.current?.focus();
  }, [focused]);

  return (
    <form
      class="composer"
      onSubmit={(event) => {
        event.preventDefault();
        onSend();
      }}
    >
      <label class="visually-hidden" for="parley-message">
        Message
      </label>
      <textarea
        id="parley-message"
        ref={box}
        rows={1}
        placeholder="Write a message…"
        maxLength={maxLength}
        value={value}
        onInput={(event) => onInput(event.currentTarget.value)}
        onKeyDown={(event) => {
          // Not while an input method is composing: its Enter confirms the composition.
          if (event.key === 'Enter' && !event.shiftKey && !event.isComposing) {
            event.preventDefault();
            onSend();
          }
        }}
      />
      <button type="submit" class="send" disabled={value.trim() === ''}>
        Send
      </button>
    </form>
  );
}
