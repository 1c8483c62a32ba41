import { useEffect, useRef } from 'preact/hooks';
import type { I18n, Key } from '../shared/i18n.ts';
import type { WebFormStrings } from './strings/en.ts';
import { errorKey, FIELDS, MAX_FILES, type ChosenFile, type Field, type WebFormModel } from './WebFormModel.ts';
import { reactive } from '../shared/reactive.ts';

/** The web form's translator. */
export type WebFormI18n = I18n<Key<WebFormStrings>>;

/** Props of the web form. */
export interface WebFormProps {
  model: WebFormModel;
  i18n: WebFormI18n;
  /** Prefix of the element ids, unique within the shadow root (default `parley-webform`). */
  idPrefix?: string;
  /** Shown over the messenger: a "Back to the chat" button that closes the form, and focus on its title at once. */
  onBack?: (() => void) | undefined;
}

/** How each field is entered. */
const INPUTS: Record<Field, { type: 'text' | 'email' | 'textarea'; autoComplete: string; maxLength: number }> = {
  name: { type: 'text', autoComplete: 'name', maxLength: 120 },
  email: { type: 'email', autoComplete: 'email', maxLength: 254 },
  subject: { type: 'text', autoComplete: 'off', maxLength: 200 },
  description: { type: 'textarea', autoComplete: 'off', maxLength: 10_000 },
};

/** The file types the gateway takes (MISSION V4), for the file picker. */
const ACCEPT = '.pdf,.doc,.docx,.ppt,.pptx,.xls,.xlsx,.txt,.rtf,.jpg,.jpeg,.png,.gif,.bmp,.webp,.tif,.tiff,.heic,.heif';

/** A file size for people: bytes, KB or MB, in the form's language. */
function fileSize(bytes: number, locale: string): string {
  const [value, unit] = bytes < 1024 ? [bytes, 'B'] : bytes < 1024 * 1024 ? [bytes / 1024, 'KB'] : [bytes / (1024 * 1024), 'MB'];
  return `${new Intl.NumberFormat(locale, { maximumFractionDigits: 1 }).format(value)} ${unit}`;
}

/** What a chosen file's state says, as a key of the strings. */
const fileState = (file: ChosenFile) =>
  file.state === 'uploading'
    ? 'files.uploading'
    : file.state === 'ready'
      ? 'files.ready'
      : file.error === 'FILE_TYPE_NOT_ALLOWED'
        ? 'files.failed.type'
        : file.error === 'FILE_TOO_LARGE'
          ? 'files.failed.size'
          : 'files.failed';

/**
 * The web form: name, e-mail, subject and description, each with its label and, when refused,
 * its error tied to it (`aria-invalid`, `aria-describedby`). A refused submission moves focus to
 * the first bad field; a sent one shows the request number and takes focus to it.
 */
export const WebForm = reactive(function WebForm({ model, i18n, idPrefix = 'parley-webform', onBack }: WebFormProps) {
  const { t } = i18n;
  const form = useRef<HTMLFormElement>(null);
  const done = useRef<HTMLHeadingElement>(null);
  const status = model.status.value;
  const errors = model.errors.value;
  const values = model.values.value;
  const notice = model.notice.value;
  const attempts = model.attempts.value;
  const ticket = model.ticket.value;
  const files = model.files.value;
  const errorCount = Object.keys(errors).length;

  useEffect(() => {
    if (attempts === 0) return;
    form.current?.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus();
  }, [attempts]);
  useEffect(() => {
    if (status === 'sent') done.current?.focus();
  }, [status]);
  const title = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    if (onBack) title.current?.focus();
  }, []);
  const back = onBack && (
    <button type="button" class="pf-back" onClick={onBack}>
      <span aria-hidden="true">← </span>
      {t('back')}
    </button>
  );

  if (status === 'sent' && ticket) {
    return (
      <section class="pf pf-done" aria-labelledby={`${idPrefix}-done`}>
        {back}
        <h2 id={`${idPrefix}-done`} class="pf-title" tabIndex={-1} ref={done}>
          {t('sent.title')}
        </h2>
        <p class="pf-number">#{ticket.number}</p>
        <p>{t('sent.body', { number: ticket.number, email: ticket.requester.email })}</p>
        <button type="button" class="pf-button pf-button--quiet" onClick={() => model.reset()}>
          {t('sent.another')}
        </button>
      </section>
    );
  }

  const sending = status === 'sending';
  return (
    <form
      ref={form}
      class="pf"
      noValidate
      aria-labelledby={`${idPrefix}-title`}
      aria-busy={sending ? 'true' : undefined}
      onSubmit={(event) => {
        event.preventDefault();
        void model.submit();
      }}
    >
      {back}
      <h2 id={`${idPrefix}-title`} class="pf-title" tabIndex={-1} ref={title}>
        {t('title')}
      </h2>
      <p class="pf-intro">{t('intro')}</p>
      <div role="alert" class="pf-alerts">
        {notice ? <p class="pf-notice">{t(notice)}</p> : errorCount > 0 && attempts > 0 ? <p class="pf-summary">{t('summary', { count: errorCount })}</p> : null}
      </div>
      {FIELDS.map((field) => {
        const id = `${idPrefix}-${field}`;
        const error = errors[field];
        const input = INPUTS[field];
        const hint = field === 'description' ? `${id}-hint` : undefined;
        const describedBy = [hint, error && `${id}-error`].filter(Boolean).join(' ') || undefined;
        const shared = {
          id,
          name: field,
          value: values[field],
          maxLength: input.maxLength,
          autoComplete: input.autoComplete,
          'aria-required': 'true' as const,
          'aria-invalid': error ? ('true' as const) : undefined,
          'aria-describedby': describedBy,
        };
        return (
          <div class={`pf-field${error ? ' pf-field--invalid' : ''}`} key={field}>
            <label class="pf-label" for={id}>
              {t(field)}
            </label>
            {hint && (
              <p id={hint} class="pf-hint">
                {t('description.hint')}
              </p>
            )}
            {input.type === 'textarea' ? (
              <textarea {...shared} rows={6} onInput={(event) => model.set(field, event.currentTarget.value)} />
            ) : input.type === 'email' ? (
              <input {...shared} type="email" onInput={(event) => model.set(field, event.currentTarget.value)} />
            ) : (
              <input {...shared} type="text" onInput={(event) => model.set(field, event.currentTarget.value)} />
            )}
            {error && (
              <p id={`${id}-error`} class="pf-error">
                {t(errorKey(error), { ...(error.max !== undefined && { max: error.max }) })}
              </p>
            )}
          </div>
        );
      })}
      <div class="pf-field">
        <label class="pf-label" for={`${idPrefix}-files`}>
          {t('files.label')}
        </label>
        <p id={`${idPrefix}-files-hint`} class="pf-hint">
          {t('files.hint')}
        </p>
        <input
          id={`${idPrefix}-files`}
          class="pf-file"
          type="file"
          multiple
          accept={ACCEPT}
          disabled={files.length >= MAX_FILES}
          aria-describedby={`${idPrefix}-files-hint`}
          onChange={(event) => {
            model.addFiles(event.currentTarget.files ?? []);
            // The same file can be chosen again after it was removed.
            event.currentTarget.value = '';
          }}
        />
        <ul class="pf-files" aria-label={t('files.list')} aria-live="polite">
          {files.map((file) => (
            <li key={file.key} class={`pf-chip pf-chip--${file.state}`}>
              <span class="pf-chip__name">{file.name}</span>
              <span class="pf-chip__meta">
                {fileSize(file.size, i18n.locale)} · {t(fileState(file))}
              </span>
              <button type="button" class="pf-chip__remove" aria-label={t('files.remove', { name: file.name })} onClick={() => model.removeFile(file.key)}>
                <span aria-hidden="true">×</span>
              </button>
            </li>
          ))}
        </ul>
      </div>
      <button type="submit" class="pf-button" aria-disabled={sending ? 'true' : undefined}>
        {sending ? t('sending') : t('submit')}
      </button>
    </form>
  );
});
