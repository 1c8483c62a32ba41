import { ATTACHMENT_EXTENSIONS, checkUpload, DEFAULT_MAX_UPLOAD_BYTES, MAX_ATTACHMENTS_PER_MESSAGE, type Attachment, type UploadPolicy } from '@parley/protocol';
import { computed, signal, type ReadonlySignal } from '@preact/signals';
import { ApiError } from '../api.ts';

/** What the gateway accepts (`GET /api/attachments/policy`). */
export type { UploadPolicy };

/** An upload in flight: resolves with the stored file, or rejects with an ApiError. */
export interface UploadTask {
  done: Promise<Attachment>;
  abort(): void;
}

/** Sends one file; reports progress as a fraction from 0 to 1. */
export type Uploader = (file: File, onProgress: (fraction: number) => void) => UploadTask;

/** A file the agent picked for the next message. */
export interface PendingFile {
  key: string;
  name: string;
  size: number;
  /** 0 to 1 while uploading. */
  progress: number;
  state: 'uploading' | 'ready' | 'failed';
  attachment?: Attachment;
  /** Why it was refused, for people. */
  error?: string;
}

/** The file picker's `accept`: the extensions the gateway takes. */
export const ACCEPT = ATTACHMENT_EXTENSIONS.map((e) => `.${e}`).join(',');

/** Sizes as people read them: 980 B, 12 KB, 3.4 MB. */
export function formatSize(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${Math.round(bytes / 1024)} KB`;
  const mb = bytes / (1024 * 1024);
  return `${mb < 10 ? mb.toFixed(1) : Math.round(mb)} MB`;
}

/** The gateway's upload policy; the defaults when it cannot be read (the gateway still decides). */
export async function loadPolicy(fetcher: typeof fetch = (input, init) => globalThis.fetch(input, init)): Promise<UploadPolicy> {
  try {
    const response = await fetcher('/api/attachments/policy', { credentials: 'same-origin' });
    if (response.ok) return (await response.json()) as UploadPolicy;
  } catch {
    // Offline for a moment: the defaults below are what a gateway ships with.
  }
  return { maxBytes: DEFAULT_MAX_UPLOAD_BYTES, extensions: [...ATTACHMENT_EXTENSIONS] };
}

/**
 * Uploads with XMLHttpRequest, for its upload progress events: the raw file as the body and its
 * name in the query (`POST /api/agent/attachments?name=…`), with the session cookie.
 */
export function xhrUploader(path = '/api/agent/attachments'): Uploader {
  return (file, onProgress) => {
    const xhr = new XMLHttpRequest();
    const done = new Promise<Attachment>((resolve, reject) => {
      xhr.open('POST', `${path}?name=${encodeURIComponent(file.name)}`);
      xhr.setRequestHeader('content-type', 'application/octet-stream');
      xhr.setRequestHeader('accept', 'application/json');
      xhr.upload.onprogress = (event) => {
        if (event.lengthComputable) onProgress(event.loaded / event.total);
      };
      xhr.onload = () => {
        let body: { error?: { code?: string; message?: string } } & Partial<Attachment> = {};
        try {
          body = JSON.parse(xhr.responseText) as typeof body;
        } catch {
          // Not JSON: described by the status below.
        }
        if (xhr.status === 201 && body.id) return resolve(body as Attachment);
        reject(new ApiError(xhr.status, body.error?.code ?? `HTTP_${xhr.status}`, body.error?.message ?? `The upload failed (${xhr.status}).`));
      };
      xhr.onerror = () => reject(new ApiError(0, 'NETWORK', 'The file could not be sent. Check the connection and try again.'));
      xhr.onabort = () => reject(new ApiError(0, 'ABORTED', 'The upload was cancelled.'));
      xhr.send(file);
    });
    return { done, abort: () => xhr.abort() };
  };
}

/** The files of the message being written: picked, checked, uploaded, and handed to the send. */
export interface ComposerFiles {
  readonly files: ReadonlySignal<PendingFile[]>;
  /** Some file is still uploading: the message waits for it. */
  readonly busy: ReadonlySignal<boolean>;
  /** The uploaded files, in the order they were picked. */
  readonly ready: ReadonlySignal<Attachment[]>;
  /** Checks and uploads picked, dropped or pasted files. */
  add(files: Iterable<File>): void;
  /** Drops one file (cancelling its upload). */
  remove(key: string): void;
  /** Forgets every file (after a send). */
  clear(): void;
}

/**
 * Creates the composer's file list. Files over the size limit or of other kinds are refused
 * before any upload; `policy` is asked when the first files come.
 */
export function createComposerFiles({ upload, policy }: { upload: Uploader; policy: () => Promise<UploadPolicy> }): ComposerFiles {
  const files = signal<PendingFile[]>([]);
  const tasks = new Map<string, UploadTask>();
  let counter = 0;
  const update = (key: string, change: Partial<PendingFile>) => {
    files.value = files.value.map((f) => (f.key === key ? { ...f, ...change } : f));
  };

  function check(file: File, count: number, limits: UploadPolicy): string | undefined {
    const problem = checkUpload(file, count, limits);
    if (problem === 'count') return `A message can carry at most ${MAX_ATTACHMENTS_PER_MESSAGE} files.`;
    if (problem === 'size') return `This file is larger than ${formatSize(limits.maxBytes)}, the most Parley accepts.`;
    if (problem === 'empty') return 'This file is empty.';
    if (problem === 'type') return `.${file.name.split('.').pop()!.toLowerCase()} files cannot be sent.`;
    return undefined;
  }

  return {
    files,
    busy: computed(() => files.value.some((f) => f.state === 'uploading')),
    ready: computed(() => files.value.flatMap((f) => (f.state === 'ready' && f.attachment ? [f.attachment] : []))),
    add(picked) {
      const list = [...picked];
      void policy().then((limits) => list.forEach((file) => start(file, limits)));
    },
    remove(key) {
      tasks.get(key)?.abort();
      files.value = files.value.filter((f) => f.key !== key);
    },
    clear() {
      for (const task of tasks.values()) task.abort();
      files.value = [];
    },
  };

  function start(file: File, limits: UploadPolicy): void {
    const key = `f${++counter}`;
    const accepted = files.value.filter((f) => f.state !== 'failed').length;
    const error = check(file, accepted, limits);
    const entry: PendingFile = { key, name: file.name || 'file', size: file.size, progress: 0, state: error ? 'failed' : 'uploading', ...(error && { error }) };
    files.value = [...files.value, entry];
    if (error) return;
    const task = upload(file, (progress) => update(key, { progress }));
    tasks.set(key, task);
    task.done
      .then(
        (attachment) => update(key, { state: 'ready', progress: 1, attachment, name: attachment.name }),
        (e: unknown) => {
          if (e instanceof ApiError && e.code === 'ABORTED') return;
          update(key, { state: 'failed', error: e instanceof ApiError ? e.message : 'The file could not be sent.' });
        },
      )
      .finally(() => tasks.delete(key));
  }
}
