import type { Attachment, FieldError, VisitorTicket } from '@parley/protocol';
import { batch, computed, signal, type ReadonlySignal } from '@preact/signals-core';
import { checkTicket } from './checks.ts';
import type { UploadOutcome } from './file-upload.ts';
import { TicketsApiError, type TicketsApi } from './tickets-api.ts';

/** The fields of the web form, in the order they are shown. */
export const FIELDS = ['name', 'email', 'subject', 'description'] as const;

/** One field of the web form. */
export type Field = (typeof FIELDS)[number];

/** Where the form stands: being filled in, on its way, or done (the ticket is shown). */
export type WebFormStatus = 'editing' | 'sending' | 'sent';

/** A problem with the whole submission, as a key of the web form's strings. */
export type WebFormNotice = 'error.network' | 'error.notEnabled' | 'error.identity' | 'error.rateLimited' | 'error.generic' | 'files.wait';

/** A file the visitor chose: on its way up, uploaded (with the gateway's id), or refused (with why). */
export interface ChosenFile {
  key: number;
  name: string;
  size: number;
  state: 'uploading' | 'ready' | 'failed';
  /** The upload, once the gateway took it. */
  attachment?: Attachment;
  /**
   * Why it was refused, in the gateway's codes (FILE_TYPE_NOT_ALLOWED, FILE_TOO_LARGE, NETWORK…),
   * whether the gateway refused it or the form did, by the gateway's rules, before uploading it.
   */
  error?: string;
}

/** Most files one request may carry (MAX_TICKET_ATTACHMENTS). */
export const MAX_FILES = 10;

/** The web form's state and actions; views read the signals and call the actions. */
export interface WebFormModel {
  /** What is typed in each field. */
  readonly values: ReadonlySignal<Record<Field, string>>;
  /** The error shown for each field that has one (client checks and the server's answer alike). */
  readonly errors: ReadonlySignal<Partial<Record<Field, FieldError>>>;
  readonly status: ReadonlySignal<WebFormStatus>;
  readonly notice: ReadonlySignal<WebFormNotice | null>;
  /** The ticket made, once sent. */
  readonly ticket: ReadonlySignal<VisitorTicket | null>;
  /** Counts submissions that were refused, so the view can move focus to the first bad field each time. */
  readonly attempts: ReadonlySignal<number>;
  /** The files chosen for the request, in the order chosen. */
  readonly files: ReadonlySignal<ChosenFile[]>;
  /**
   * Checks the files the visitor chose by the gateway's rules and uploads the ones they allow; the
   * others are refused at once, unsent (beyond the tenth, files are left out).
   */
  addFiles(files: Iterable<File>): void;
  /** Takes a chosen file off the request. */
  removeFile(key: number): void;
  /**
   * Sets a field; an error shown for it is checked again as the visitor types, so it goes away
   * once fixed. New errors appear only when the form is sent: an error that appeared when a field
   * was left would move the Send button away from a pointer on its way to it.
   */
  set(field: Field, value: string): void;
  /** Checks every field and sends the form; resolves true when the ticket was made. */
  submit(): Promise<boolean>;
  /** Clears the form for another request. */
  reset(): void;
}

/** What the web form model is built from. */
export interface WebFormModelOptions {
  api: TicketsApi;
  /** Values to start with (e.g. a known visitor's name and e-mail). */
  initial?: Partial<Record<Field, string>>;
  /** Makes the submission's client id (default `crypto.randomUUID()`). */
  newId?: () => string;
}

const empty = (): Record<Field, string> => ({ name: '', email: '', subject: '', description: '' });

/** The form's values checked by the gateway's rules, one error per field. */
function validate(values: Record<Field, string>): Partial<Record<Field, FieldError>> {
  return Object.fromEntries(checkTicket(values).map((e) => [e.field, e]));
}

/** What the visitor is told when the gateway refused the submission as a whole. */
function noticeFor(error: unknown): WebFormNotice {
  const code = error instanceof TicketsApiError ? error.code : undefined;
  if (code === 'NETWORK') return 'error.network';
  if (code === 'FORBIDDEN_ORIGIN' || code === 'NOT_FOUND') return 'error.notEnabled';
  if (code === 'IDENTITY_REQUIRED') return 'error.identity';
  if (code === 'RATE_LIMITED') return 'error.rateLimited';
  return 'error.generic';
}

/**
 * Creates the web form's model. Every field is checked in the browser by the gateway's rules
 * before sending, and the gateway's field errors (`error.fields`) land on the same fields.
 * A submission keeps one client id until it succeeds, so sending again after a lost answer
 * returns the ticket already made instead of a second one.
 */
export function createWebFormModel({ api, initial = {}, newId = () => crypto.randomUUID() }: WebFormModelOptions): WebFormModel {
  const values = signal<Record<Field, string>>({ ...empty(), ...initial });
  const errors = signal<Partial<Record<Field, FieldError>>>({});
  const status = signal<WebFormStatus>('editing');
  const notice = signal<WebFormNotice | null>(null);
  const ticket = signal<VisitorTicket | null>(null);
  const attempts = signal(0);
  const files = signal<ChosenFile[]>([]);
  let nextKey = 0;
  const updateFile = (key: number, change: Partial<ChosenFile>) => {
    files.value = files.value.map((f) => (f.key === key ? { ...f, ...change } : f));
  };
  // The uploads' code (the gateway's rules for files, checked before anything is sent) loads
  // with the first file chosen.
  let uploader: Promise<(file: File) => Promise<UploadOutcome>> | undefined;
  // The submission's id is kept until it makes a ticket, so sending again after a lost answer
  // returns that ticket; changed content is a new submission with a new id.
  let pending: { id: string; content: string } | undefined;

  function showError(field: Field, error: FieldError | undefined): void {
    const next = { ...errors.value };
    if (error) next[field] = error;
    else delete next[field];
    errors.value = next;
  }

  return {
    values,
    errors,
    status: computed(() => status.value),
    notice,
    ticket,
    attempts,
    files,
    addFiles(chosen) {
      for (const file of [...chosen].slice(0, Math.max(0, MAX_FILES - files.value.length))) {
        const key = nextKey++;
        // Shown at once; sending waits until it is checked and uploaded.
        files.value = [...files.value, { key, name: file.name, size: file.size, state: 'uploading' }];
        (uploader ??= import('./file-upload.ts').then(({ createUploader }) => createUploader(api)))
          .then((upload) => upload(file))
          .then(
            (outcome) => updateFile(key, outcome),
            () => {
              // Its code did not load: this file failed, the next one tries again.
              uploader = undefined;
              updateFile(key, { state: 'failed', error: 'NETWORK' });
            },
          );
      }
    },
    removeFile(key) {
      files.value = files.value.filter((f) => f.key !== key);
    },
    set(field, value) {
      values.value = { ...values.value, [field]: value };
      if (errors.value[field]) showError(field, validate(values.value)[field]);
    },
    async submit() {
      if (status.value !== 'editing') return false;
      const found = validate(values.value);
      batch(() => {
        errors.value = found;
        notice.value = null;
      });
      if (Object.keys(found).length) {
        attempts.value++;
        return false;
      }
      if (files.value.some((f) => f.state === 'uploading')) {
        notice.value = 'files.wait';
        return false;
      }
      status.value = 'sending';
      try {
        const { name, email, subject, description } = values.value;
        // Refused files are shown but not sent.
        const attachments = files.value.flatMap((f) => (f.attachment ? [f.attachment.id] : []));
        const content = JSON.stringify([subject.trim(), description.trim(), attachments]);
        if (pending?.content !== content) pending = { id: newId(), content };
        const answer = await api.createTicket({ name, email, subject, description, clientTicketId: pending.id, ...(attachments.length && { attachments }) });
        batch(() => {
          ticket.value = answer.ticket;
          status.value = 'sent';
        });
        pending = undefined;
        return true;
      } catch (error) {
        batch(() => {
          status.value = 'editing';
          const fields = error instanceof TicketsApiError ? error.fields.filter((f) => (FIELDS as readonly string[]).includes(f.field)) : [];
          if (fields.length) errors.value = Object.fromEntries(fields.map((f) => [f.field, f]));
          else notice.value = noticeFor(error);
          attempts.value++;
        });
        return false;
      }
    },
    reset() {
      batch(() => {
        // Keep who is asking: the next request is usually from the same person.
        values.value = { ...empty(), name: values.value.name, email: values.value.email };
        files.value = [];
        errors.value = {};
        notice.value = null;
        ticket.value = null;
        status.value = 'editing';
      });
    },
  };
}

/** The string key of a field error's text. */
export function errorKey(error: FieldError): 'required.name' | 'required.email' | 'required.subject' | 'required.description' | 'invalidEmail' | 'tooLong' | 'invalid' {
  if (error.code === 'REQUIRED' && (FIELDS as readonly string[]).includes(error.field)) return `required.${error.field as Field}`;
  if (error.code === 'INVALID_EMAIL') return 'invalidEmail';
  if (error.code === 'TOO_LONG') return 'tooLong';
  return 'invalid';
}
