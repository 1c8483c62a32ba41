import { useMemo } from 'preact/hooks';
import type { ConversationModel } from '../ConversationModel.ts';
import { AttachButton, PendingFiles } from './ComposerFiles.tsx';
import { ACCEPT, createComposerFiles, loadPolicy, xhrUploader, type ComposerFiles, type UploadPolicy } from './composer-files.ts';

// Read once per console, when the first file comes: the gateway's size limit and extensions.
let policy: Promise<UploadPolicy> | undefined;
const policyOnce = () => (policy ??= loadPolicy());

/** The reply box: reply or internal note, with files; Enter sends and Shift+Enter breaks the line. */
export function Composer({
  model,
  files: given,
}: {
  model: Pick<ConversationModel, 'draft' | 'mode' | 'setDraft' | 'setMode' | 'send' | 'conversationId'>;
  /** The files of the message being written (made here when not given). */
  files?: ComposerFiles;
}) {
  const made = useMemo(() => (given ? undefined : createComposerFiles({ upload: xhrUploader(), policy: policyOnce })), [given, model.conversationId]);
  const files = given ?? made!;
  const mode = model.mode.value;
  const note = mode === 'note';
  const group = `mode-${model.conversationId}`;
  // A message waits for its files to finish uploading; then they go with it.
  const submit = () => {
    if (files.busy.value) return;
    if (model.send(files.ready.value)) files.clear();
  };
  const onKeyDown = (event: KeyboardEvent) => {
    // Enter sends; Shift+Enter is a line break; Enter that ends an IME composition only confirms it.
    if (event.key !== 'Enter' || event.shiftKey || event.isComposing || event.keyCode === 229) return;
    event.preventDefault();
    submit();
  };
  return (
    <form
      class={`composer${note ? ' composer--note' : ''}`}
      data-mode={mode}
      onSubmit={(event) => {
        event.preventDefault();
        submit();
      }}
      onDragOver={(event) => {
        if (event.dataTransfer?.types.includes('Files')) event.preventDefault();
      }}
      onDrop={(event) => {
        if (!event.dataTransfer?.files.length) return;
        event.preventDefault();
        files.add([...event.dataTransfer.files]);
      }}
    >
      <fieldset class="composer__modes">
        <legend class="visually-hidden">Message type</legend>
        <label class={`mode${!note ? ' mode--active' : ''}`}>
          <input type="radio" name={group} value="reply" checked={!note} onChange={() => model.setMode('reply')} />
          Reply
        </label>
        <label class={`mode${note ? ' mode--active' : ''}`}>
          <input type="radio" name={group} value="note" checked={note} onChange={() => model.setMode('note')} />
          Internal note
        </label>
        {note && <span class="composer__hint">Only agents see internal notes.</span>}
      </fieldset>
      <textarea
        class="composer__input"
        aria-label="Reply"
        rows={3}
        placeholder={note ? 'Write an internal note for your team…' : 'Write a reply to the visitor…'}
        value={model.draft.value}
        onInput={(event) => model.setDraft((event.currentTarget as HTMLTextAreaElement).value)}
        onKeyDown={onKeyDown}
        onPaste={(event) => {
          const pasted = [...(event.clipboardData?.files ?? [])];
          if (!pasted.length) return;
          event.preventDefault();
          files.add(pasted);
        }}
      />
      <PendingFiles files={files} />
      <div class="composer__actions">
        <AttachButton files={files} accept={ACCEPT} />
        <span class="composer__tip">Enter to send · Shift+Enter for a new line</span>
        <button class={`button ${note ? 'button--note' : 'button--primary'}`} type="submit" disabled={files.busy.value}>
          Send
        </button>
      </div>
    </form>
  );
}
