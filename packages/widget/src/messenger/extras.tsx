import type { ConversationSummary } from '@parley/protocol';
import { useLayoutEffect, useRef, useState } from 'preact/hooks';
import { adoptStyles } from '../shared/adopt-styles.ts';
import type { Catalog } from '../shared/i18n.ts';
import type { Translate } from './Messenger.tsx';
import type { MessengerKey, MessengerModel } from './MessengerModel.ts';
import css from './extras.css?inline';
import { reactive } from '../shared/reactive.ts';
import type { MessengerStrings } from './strings/en.ts';
import type { ExtraStrings } from './strings/extras/en.ts';

// The views the messenger's first open does not need, loaded when one is (or once it has
// opened): the way back to the list of conversations and the list, the pre-chat form, "leave
// your e-mail", and ending a chat, with their strings and styles.

// What the gateway takes (PATCH /api/visitor/me): valibot's `email()` pattern and the lengths of
// IDENTITY_LIMITS. Checking with the same rules means what the browser lets through is never
// refused after sending, when the visitor could only be told "something went wrong". The web
// form's checks (webform/checks.ts) and the SDK's methods (sdk/methods.ts) hold the same pattern:
// each is a chunk of its own, and a module shared by them would be one more request for each.
// Tests hold all three to the gateway's schemas.
const EMAIL = /^[\w+-]+(?:\.[\w+-]+)*@[\da-zA-Z]+(?:[.-][\da-zA-Z]+)*\.[a-zA-Z]{2,}$/u;
const NAME_MAX = 120;
const EMAIL_MAX = 254;

/** What is wrong with the pre-chat fields (trimmed), as the gateway would find it: none when it will take them. */
export function preChatErrors(settings: { name: string; email: string }, name: string, email: string): { name?: MessengerKey; email?: MessengerKey } {
  const found: { name?: MessengerKey; email?: MessengerKey } = {};
  if (settings.name === 'required' && !name) found.name = 'field.required';
  if (settings.email === 'required' && !email) found.email = 'field.required';
  else if (email && !(EMAIL.test(email) && email.length <= EMAIL_MAX)) found.email = 'field.email';
  return found;
}

type Module<T> = Promise<{ default: T }>;
/** One language's strings for the whole messenger: the first open's (loaded already) and these views'. */
const both = <A, B>(first: Module<A>, later: Module<B>): Module<A & B> => Promise.all([first, later]).then(([a, b]) => ({ default: { ...a.default, ...b.default } }));

/** The messenger's strings with these views', one language at a time. */
const strings: Catalog<MessengerStrings & ExtraStrings> = {
  en: () => both(import('./strings/en.ts'), import('./strings/extras/en.ts')),
  nl: () => both(import('./strings/nl.ts'), import('./strings/extras/nl.ts')),
  tr: () => both(import('./strings/tr.ts'), import('./strings/extras/tr.ts')),
  it: () => both(import('./strings/it.ts'), import('./strings/extras/it.ts')),
};

/** A ref that moves focus to its element when it appears, and again whenever `active` turns true. */
function useAutoFocus<T extends HTMLElement>(active = true) {
  const ref = useRef<T>(null);
  useLayoutEffect(() => {
    if (active) ref.current?.focus();
  }, [active]);
  return ref;
}

interface ViewProps {
  model: MessengerModel;
  t: Translate;
}

/** When a conversation was last active: the time today, else the date, in the page's language. */
function when(summary: ConversationSummary, lang: string): string {
  const date = new Date(summary.lastMessageAt ?? summary.createdAt);
  const today = date.toDateString() === new Date().toDateString();
  try {
    return new Intl.DateTimeFormat(lang, today ? { hour: 'numeric', minute: '2-digit' } : { day: 'numeric', month: 'short' }).format(date);
  } catch {
    return date.toLocaleDateString();
  }
}

/** The visitor's conversations, most recent first, with unread counts; and "New conversation". */
const ConversationList = reactive(function ConversationList({ model, t, focused, lang }: ViewProps & { focused: boolean; lang: string }) {
  const first = useAutoFocus<HTMLButtonElement>(focused);
  const unread = model.unread.value;
  return (
    <div class="list" part="conversations">
      <ul>
        {model.conversations.value.map((c, i) => {
          const count = unread[c.id] ?? 0;
          return (
            <li key={c.id}>
              <button type="button" class="row" ref={i === 0 ? first : undefined} onClick={() => model.showConversation(c.id)}>
                <span class="preview">{c.preview ?? t('list.empty')}</span>
                <span class="meta">
                  {when(c, lang)}
                  {c.status === 'closed' && ` · ${t('list.ended')}`}
                </span>
                {count > 0 && (
                  <span class="badge">
                    <span aria-hidden="true">{count}</span>
                    <span class="visually-hidden">{t('unread', { count })}</span>
                  </span>
                )}
              </button>
            </li>
          );
        })}
      </ul>
      <button type="button" class="primary new" ref={model.conversations.value.length ? undefined : first} onClick={() => model.newConversation()}>
        {t('new')}
      </button>
    </div>
  );
});

/** A labelled text field with its error, wired with aria-invalid and aria-describedby. */
function Field(props: { id: string; label: string; type: 'text' | 'email'; value: string; error: string | null; required: boolean; optional: string; autoComplete: string; onInput(value: string): void; inputRef?: { current: HTMLInputElement | null } }) {
  // No longer than the gateway keeps: typing stops there, a paste is cut.
  const maxLength = props.type === 'email' ? EMAIL_MAX : NAME_MAX;
  const { id, label, error } = props;
  return (
    <div class="field">
      <label for={id}>
        {label} {!props.required && <span class="optional">{props.optional}</span>}
      </label>
      <input
        id={id}
        ref={props.inputRef}
        type={props.type as 'text'}
        value={props.value}
        autoComplete={props.autoComplete}
        maxLength={maxLength}
        aria-required={props.required}
        aria-invalid={error ? true : undefined}
        aria-describedby={error ? `${id}-error` : undefined}
        onInput={(event) => props.onInput(event.currentTarget.value)}
      />
      {error && (
        <p id={`${id}-error`} class="error">
          {error}
        </p>
      )}
    </div>
  );
}

/** Before the first message of a new conversation: the name and e-mail the app asks for. */
const PreChatForm = reactive(function PreChatForm({ model, t, focused }: ViewProps & { focused: boolean }) {
  const settings = model.app.value!.preChat;
  const [name, setName] = useState('');
  const [email, setEmail] = useState('');
  const [errors, setErrors] = useState<{ name?: MessengerKey; email?: MessengerKey; form?: MessengerKey }>({});
  const [busy, setBusy] = useState(false);
  const first = useAutoFocus<HTMLInputElement>(focused);
  return (
    <form
      class="form prechat"
      part="prechat"
      noValidate
      onSubmit={async (event) => {
        event.preventDefault();
        const found = preChatErrors(settings, name.trim(), email.trim());
        setErrors(found);
        if (found.name || found.email) return;
        const patch = { ...(name.trim() && { name: name.trim() }), ...(email.trim() && { email: email.trim() }) };
        if (!patch.name && !patch.email) return model.skipPreChat();
        setBusy(true);
        if (!(await model.saveProfile(patch))) setErrors({ form: 'error.action' });
        setBusy(false);
      }}
    >
      <p>{t('prechat.intro')}</p>
      {settings.name !== 'off' && (
        <Field id="parley-name" label={t('prechat.name')} type="text" autoComplete="name" value={name} onInput={setName} error={errors.name ? t(errors.name) : null} required={settings.name === 'required'} optional={t('prechat.optional')} inputRef={first} />
      )}
      {settings.email !== 'off' && (
        <Field
          id="parley-email"
          label={t('prechat.email')}
          type="email"
          autoComplete="email"
          value={email}
          onInput={setEmail}
          error={errors.email ? t(errors.email) : null}
          required={settings.email === 'required'}
          optional={t('prechat.optional')}
          {...(settings.name === 'off' && { inputRef: first })}
        />
      )}
      {errors.form && <p class="error" role="alert">{t(errors.form)}</p>}
      <button type="submit" class="primary" disabled={busy}>
        {t('prechat.submit')}
      </button>
    </form>
  );
});

/** Nobody can answer now: offer to reply by e-mail. */
function EmailOffer({ model, t }: ViewProps) {
  const [email, setEmail] = useState('');
  const [error, setError] = useState<MessengerKey | null>(null);
  return (
    <form
      class="form offer"
      part="email-offer"
      noValidate
      onSubmit={async (event) => {
        event.preventDefault();
        const value = email.trim();
        const problem = preChatErrors({ name: 'off', email: 'required' }, '', value).email;
        if (problem) return setError(problem);
        setError(null);
        if (await model.saveProfile({ email: value })) model.notice.value = { key: 'offline.thanks', params: { email: value } };
        else setError('error.action');
      }}
    >
      <p>{t('offline.text')}</p>
      <div class="inline">
        <Field id="parley-offer-email" label={t('offline.email')} type="email" autoComplete="email" value={email} onInput={setEmail} error={error ? t(error) : null} required optional="" />
        <button type="submit" class="primary">
          {t('offline.submit')}
        </button>
      </div>
    </form>
  );
}

/** The header's way to the list of conversations, with the unread count of them all. */
const Back = reactive(function Back({ model, t }: ViewProps) {
  const unread = model.unreadTotal.value;
  return (
    <button type="button" class="back" aria-label={t('back')} onClick={() => model.showList()}>
      <svg viewBox="0 0 24 24" aria-hidden="true">
        <path d="M15 5l-7 7 7 7" />
      </svg>
      {unread > 0 && <span class="badge">{unread}</span>}
    </button>
  );
});

/** "End this chat?" with the two answers; focus goes to the confirming one. */
function EndConfirm({ model, t }: ViewProps) {
  // The safe answer has the focus, so Enter twice does not end the chat.
  const keep = useAutoFocus<HTMLButtonElement>();
  /** Back to the chat, with the focus back on "End chat" (Escape does this too, and closes nothing else). */
  const cancel = (event: Event) => {
    model.confirmingEnd.value = false;
    ((event.currentTarget as Element).getRootNode() as ParentNode).querySelector<HTMLElement>('.end')?.focus();
  };
  return (
    <div
      class="confirm"
      role="group"
      aria-label={t('end')}
      onKeyDown={(event) => {
        if (event.key != 'Escape' || event.isComposing) return;
        event.stopPropagation();
        cancel(event);
      }}
    >
      <p>{t('end.confirm')}</p>
      <button type="button" class="primary" onClick={() => void model.end()}>
        {t('end')}
      </button>
      <button type="button" class="secondary" ref={keep} onClick={cancel}>
        {t('end.cancel')}
      </button>
    </div>
  );
}

/** The ended conversation's footer: it ended, and a new one can start (focused while the messenger is open). */
function Ended({ model, t, focused }: ViewProps & { focused: boolean }) {
  const button = useAutoFocus<HTMLButtonElement>(focused);
  return (
    <div class="ended">
      <p>{t('ended')}</p>
      <button type="button" class="primary" ref={button} onClick={() => model.newConversation()}>
        {t('new')}
      </button>
    </div>
  );
}

/** The lazily loaded views and their strings; `install` adds their styles to the widget's shadow root once. */
export const extras = { Back, ConversationList, PreChatForm, EmailOffer, EndConfirm, Ended, strings, install: (root: ShadowRoot) => adoptStyles(root, css) };

/** The shape of the lazily loaded views. */
export type Extras = typeof extras;
