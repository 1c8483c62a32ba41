import type { Attachment } from '@parley/protocol';
import { createRef } from 'preact';
import type { AttachmentsModule } from './attachments/files.tsx';
import type { Translate } from './Messenger.tsx';
import { AfterRender, reactive } from '../shared/reactive.ts';

/** Props of the composer. */
export interface ComposerProps {
  value: string;
  /** Moves focus into the text box when this turns true (the messenger opened). */
  focused: boolean;
  onInput(value: string): void;
  /** Sends the text with the uploaded files; answers whether it was sent. */
  onSend(files?: Attachment[]): boolean | void;
  /** The messenger's files (attach button, files to send), once their code has loaded. */
  files?: AttachmentsModule | null | undefined;
  t: Translate;
}

/**
 * The text box and Send button. Enter sends; Shift+Enter adds a line break. The box takes text
 * of any length (a `maxlength` would cut a paste without a word): a message over the limit is
 * not sent, and the messenger says what the limit is.
 */
export const Composer = reactive(function Composer({ value, focused, onInput, onSend, t, files }: ComposerProps) {
  const box = createRef<HTMLTextAreaElement>();
  const ready = files?.ready.value ?? [];
  // Files go with the message once they have uploaded.
  const send = () => {
    if (files?.busy.value) return;
    if (onSend(ready.length ? ready : undefined) !== false && ready.length) files?.clear();
  };

  return (
    <>
    {files && <files.PendingFiles />}
    <form
      class="composer"
      part="composer"
      onSubmit={(event) => {
        event.preventDefault();
        send();
      }}
    >
      {files && <files.AttachButton />}
      <textarea
        aria-label={t('message')}
        ref={box}
        rows={1}
        placeholder={t('placeholder')}
        value={value}
        onInput={(event) => onInput(event.currentTarget.value)}
        onKeyDown={(event) => {
          // Not while an input method is composing: its Enter confirms the composition.
          if (event.key === 'Enter' && !event.shiftKey && !event.isComposing) {
            event.preventDefault();
            send();
          }
        }}
      />
      <button type="submit" class="send" disabled={(value.trim() === '' && !ready.length) || !!files?.busy.value}>
        {t('send')}
      </button>
    </form>
    <AfterRender deps={[focused]} run={() => void (focused && box.current?.focus())} />
    </>
  );
});
