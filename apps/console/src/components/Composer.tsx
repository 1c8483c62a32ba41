import type { ConversationModel } from '../ConversationModel.ts';

/** The reply box: reply or internal note, Enter sends and Shift+Enter breaks the line. */
export function Composer({ model }: { model: Pick<ConversationModel, 'draft' | 'mode' | 'setDraft' | 'setMode' | 'send' | 'conversationId'> }) {
  const mode = model.mode.value;
  const note = mode === 'note';
  const group = `mode-${model.conversationId}`;
  const onKeyDown = (event: KeyboardEvent) => {
    // Enter sends; Shift+Enter is a line break; Enter that ends an IME composition only confirms it.
    if (event.key !== 'Enter' || event.shiftKey || event.isComposing || event.keyCode === 229) return;
    event.preventDefault();
    model.send();
  };
  return (
    <form
      class={`composer${note ? ' composer--note' : ''}`}
      data-mode={mode}
      onSubmit={(event) => {
        event.preventDefault();
        model.send();
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
      />
      <div class="composer__actions">
        <span class="composer__tip">Enter to send · Shift+Enter for a new line</span>
        <button class={`button ${note ? 'button--note' : 'button--primary'}`} type="submit">
          Send
        </button>
      </div>
    </form>
  );
}
