import type { Template } from '@parley/protocol';
import { useEffect, useId, useLayoutEffect, useMemo, useRef, useState } from 'preact/hooks';
import type { ConversationModel } from '../ConversationModel.ts';
import type { TemplatesModel } from '../TemplatesModel.ts';
import { AttachButton, PendingFiles } from './ComposerFiles.tsx';
import { ACCEPT, createComposerFiles, loadPolicy, xhrUploader, type ComposerFiles, type UploadPolicy } from './composer-files.ts';
import { handleTemplateKey, optionId, TemplateOptions, TemplatePickerDialog } from './TemplatePicker.tsx';

// Read once per console, when the first file comes: the gateway's size limit and extensions.
let policy: Promise<UploadPolicy> | undefined;
const policyOnce = () => (policy ??= loadPolicy());

/** `/` at the start of the reply, and the words after it: a template search. */
const SLASH = /^\/([^\n]*)$/;

/** The counter shows from this share of the limit on in a warning colour. */
const WARN_SHARE = 0.9;

const count = (n: number) => n.toLocaleString('en');

/** Parameter names as the agent sees them in the box: `<name>, <email>`. */
const placeholders = (names: string[]) => names.map((name) => `<${name}>`).join(', ');

/**
 * The reply box: reply or internal note, with files; Enter sends and Shift+Enter breaks the line.
 * A counter shows the length against the limit. With templates, a Templates button opens the
 * picker, and `/` at the start of the box lists the templates that match the words after it;
 * the chosen template is rendered for the conversation and put into the box for editing. Nothing
 * is sent while a parameter the template left unfilled is still in the box.
 */
export function Composer({
  model,
  files: given,
  templates,
}: {
  model: Pick<ConversationModel, 'draft' | 'mode' | 'setDraft' | 'setMode' | 'send' | 'conversationId' | 'maxLength' | 'length' | 'tooLong'>;
  /** The files of the message being written (made here when not given). */
  files?: ComposerFiles;
  /** The workspace's templates: the Templates button and `/` search (left out: neither). */
  templates?: Pick<TemplatesModel, 'templates' | 'facets' | 'filter' | 'status' | 'error' | 'hasMore' | 'active' | 'activeTemplate' | 'load' | 'search' | 'loadMore' | 'move' | 'setActive' | 'render' | 'busy'>;
}) {
  const made = useMemo(() => (given ? undefined : createComposerFiles({ upload: xhrUploader(), policy: policyOnce })), [given, model.conversationId]);
  const files = given ?? made!;
  const mode = model.mode.value;
  const note = mode === 'note';
  const draft = model.draft.value;
  const group = `mode-${model.conversationId}`;
  const ids = useId();
  const counterId = `${ids}-count`;
  const hintId = `${ids}-hint`;
  const listId = `${ids}-templates`;
  const box = useRef<HTMLTextAreaElement>(null);
  // Where the Templates button was pressed: the template goes in place of that selection.
  const selection = useRef<[number, number] | null>(null);
  // Where the caret goes once an inserted template is in the box.
  const caret = useRef<number | null>(null);
  const [picker, setPicker] = useState(false);
  // Escape closes the `/` list until the box no longer starts with `/`.
  const [slashClosed, setSlashClosed] = useState(false);
  // Parameters an inserted template left as written, for the agent to fill in; `masked`: those
  // whose value the agent may not see, which the gateway never fills in (the customer would get
  // the mask); `hidden`: those of them that are contact details this workspace shows admins only.
  const [unfilled, setUnfilled] = useState<string[]>([]);
  const [masked, setMasked] = useState<string[]>([]);
  const [hidden, setHidden] = useState<string[]>([]);
  // How often a send was refused for them: each time the hint is announced again.
  const [refused, setRefused] = useState(0);
  // The ones still in the box: while there is one, nothing is sent.
  const open = unfilled.filter((name) => draft.includes(`<${name}>`));
  useEffect(() => {
    setUnfilled([]);
    setMasked([]);
    setHidden([]);
  }, [model.conversationId]);
  useEffect(() => {
    if (!open.length) setRefused(0);
  }, [open.length === 0]);

  const slash = templates && !picker ? SLASH.exec(draft) : null;
  const slashOpen = slash !== null && !slashClosed;
  const slashQuery = slash?.[1] ?? '';
  useEffect(() => {
    if (!slash) setSlashClosed(false);
  }, [slash === null]);
  useEffect(() => {
    if (slashOpen) void templates?.search({ query: slashQuery, category: null, language: null });
  }, [slashOpen, slashQuery]);
  useLayoutEffect(() => {
    if (caret.current === null || !box.current) return;
    box.current.focus();
    box.current.setSelectionRange(caret.current, caret.current);
    caret.current = null;
  }, [draft]);

  const submit = () => {
    // A message waits for its files to finish uploading; then they go with it.
    if (files.busy.value || model.tooLong.value) return;
    // A parameter would go out as written (`Hi <name>`): the agent fills it in first.
    if (open.length) return void setRefused((n) => n + 1);
    if (model.send(files.ready.value)) {
      files.clear();
      setUnfilled([]);
      setMasked([]);
      setHidden([]);
    }
  };

  async function insert(template: Template, via: 'slash' | 'picker') {
    if (!templates) return;
    const at = via === 'picker' ? selection.current : null;
    setPicker(false);
    const rendered = await templates.render(template.id, model.conversationId);
    if (!rendered) return;
    const current = model.draft.value;
    const [start, end] = via === 'slash' ? [0, current.length] : (at ?? [current.length, current.length]);
    const next = current.slice(0, start) + rendered.text + current.slice(end);
    caret.current = start + rendered.text.length;
    // Added to what earlier templates left: those still in the box hold the message back too.
    setUnfilled((before) => [...new Set([...before, ...rendered.unfilled])]);
    setMasked((before) => [...new Set([...before, ...rendered.masked])]);
    setHidden((before) => [...new Set([...before, ...rendered.hidden])]);
    model.setDraft(next);
    // The same text again does not re-render: place the caret now.
    if (next === current && box.current) {
      box.current.focus();
      box.current.setSelectionRange(caret.current, caret.current);
      caret.current = null;
    }
  }

  const onKeyDown = (event: KeyboardEvent) => {
    if (slashOpen && templates) {
      if (handleTemplateKey(event, templates, (t) => void insert(t, 'slash'), () => setSlashClosed(true))) return;
      // No template to take: Enter does not send the search words to the visitor (Escape first to write `/` as text).
      if (event.key === 'Enter' && !event.shiftKey) return void event.preventDefault();
    }
    // Enter sends; Shift+Enter is a line break; Enter that ends an IME composition only confirms it.
    if (event.key !== 'Enter' || event.shiftKey || event.isComposing || event.keyCode === 229) return;
    event.preventDefault();
    submit();
  };

  const length = model.length.value;
  const max = model.maxLength.value;
  const tooLong = model.tooLong.value;
  const openHidden = open.filter((name) => hidden.includes(name));
  const openMasked = open.filter((name) => masked.includes(name) && !hidden.includes(name));
  const openEmpty = open.filter((name) => !masked.includes(name));
  const active = slashOpen ? templates?.activeTemplate.value : null;
  const describedBy = [counterId, open.length ? hintId : ''].filter(Boolean).join(' ');

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
        {note ? <span class="composer__hint">Only agents see internal notes.</span> : <span class="composer__hint composer__hint--reply">The visitor sees replies.</span>}
      </fieldset>
      {slashOpen && templates && (
        <div class="composer__suggestions">
          <TemplateOptions templates={templates} id={listId} onPick={(t) => void insert(t, 'slash')} />
          <p class="composer__suggestions-tip">↑ ↓ to choose · Enter to insert · Escape to write / as text</p>
        </div>
      )}
      <textarea
        ref={box}
        class="composer__input"
        aria-label={note ? 'Internal note' : 'Reply'}
        aria-describedby={describedBy}
        aria-invalid={tooLong || open.length > 0 || undefined}
        {...(templates && { 'aria-autocomplete': 'list' as const })}
        {...(slashOpen && { 'aria-controls': listId })}
        {...(active && { 'aria-activedescendant': optionId(listId, active) })}
        rows={3}
        placeholder={note ? 'Write an internal note for your team…' : templates ? 'Write a reply to the visitor… (/ for templates)' : 'Write a reply to the visitor…'}
        value={draft}
        onInput={(event) => model.setDraft((event.currentTarget as HTMLTextAreaElement).value)}
        onKeyDown={onKeyDown}
        onPaste={(event) => {
          const pasted = [...(event.clipboardData?.files ?? [])];
          if (!pasted.length) return;
          event.preventDefault();
          files.add(pasted);
        }}
      />
      {open.length > 0 && (
        <p id={hintId} key={refused} class="composer__unfilled" {...(refused > 0 && { role: 'alert' })}>
          {[
            openEmpty.length > 0 && `Fill in ${placeholders(openEmpty)} before sending: the conversation has no value for ${openEmpty.length === 1 ? 'it' : 'them'}.`,
            openMasked.length > 0 && `Fill in ${placeholders(openMasked)} before sending: personal data is masked, so the template does not fill ${openMasked.length === 1 ? 'it' : 'them'} in for you.`,
            openHidden.length > 0 && `Fill in ${placeholders(openHidden)} before sending: only admins see customers’ contact details in this workspace, so the template does not fill ${openHidden.length === 1 ? 'it' : 'them'} in for you.`,
          ]
            .filter(Boolean)
            .join(' ')}
        </p>
      )}
      {templates?.error.value && !slashOpen && !picker && (
        <p class="composer__error" role="alert">
          {templates.error.value}
        </p>
      )}
      {tooLong && (
        <p class="composer__error" role="alert">
          The message is {count(length - max)} character{length - max === 1 ? '' : 's'} too long. Shorten it to {count(max)} characters or send it in two parts.
        </p>
      )}
      <PendingFiles files={files} />
      <div class="composer__actions">
        <AttachButton files={files} accept={ACCEPT} />
        {templates && (
          <button
            class="button button--quiet composer__templates"
            type="button"
            aria-haspopup="dialog"
            disabled={templates.busy.value}
            onClick={() => {
              const el = box.current;
              selection.current = el ? [el.selectionStart, el.selectionEnd] : null;
              setPicker(true);
            }}
          >
            {templates.busy.value ? 'Inserting…' : 'Templates'}
          </button>
        )}
        <span class="composer__tip">Enter to send · Shift+Enter for a new line</span>
        <span id={counterId} class={`composer__count${tooLong ? ' composer__count--over' : length >= max * WARN_SHARE ? ' composer__count--near' : ''}`}>
          {count(length)} / {count(max)}
          <span class="visually-hidden"> characters</span>
        </span>
        <button class={`button ${note ? 'button--note' : 'button--primary'}`} type="submit" disabled={files.busy.value || tooLong || open.length > 0}>
          Send
        </button>
      </div>
      {picker && templates && (
        <TemplatePickerDialog
          templates={templates}
          onPick={(t) => void insert(t, 'picker')}
          onClose={() => setPicker(false)}
        />
      )}
    </form>
  );
}
