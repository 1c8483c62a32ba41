import { MAX_ATTACHMENTS_PER_MESSAGE, type Attachment, type UploadPolicy } from '@parley/protocol';
import { batch, computed, signal, type ReadonlySignal } from '@preact/signals-core';
import type { FunctionComponent } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import { adoptStyles } from '../../shared/adopt-styles.ts';
import { createI18n, loadI18n, type Catalog, type I18n, type Key, type Params } from '../../shared/i18n.ts';
import css from './files.css?inline';
import en, { type AttachmentStrings } from './strings/en.ts';
import { reactive } from '../../shared/reactive.ts';
import { checkUpload, DEFAULT_UPLOAD_POLICY, readUploadPolicy } from '../../shared/upload-policy.ts';

// The messenger's files, loaded once the messenger has opened: upload with progress, files
// picked, dropped on the messenger or pasted into it, the files of the message being written,
// and the files of messages, with image thumbnails and downloads. File names are text
// everywhere: nothing here renders markup from a name.

const STRINGS: Catalog<AttachmentStrings> = {
  en,
  nl: () => import('./strings/nl.ts'),
  tr: () => import('./strings/tr.ts'),
  it: () => import('./strings/it.ts'),
};

/** Images every browser the widget supports shows inline; other files are a chip to download. */
const SHOWN_INLINE = new Set(['image/png', 'image/jpeg', 'image/gif', 'image/webp', 'image/bmp']);
const ACCEPT = DEFAULT_UPLOAD_POLICY.extensions.map((e) => `.${e}`).join(',');

/** A file picked for the next message. */
export interface PendingFile {
  key: string;
  name: string;
  size: number;
  /** 0 to 1 while uploading. */
  progress: number;
  state: 'uploading' | 'ready' | 'failed';
  attachment?: Attachment;
  /** Why it was refused (shown in the visitor's language). */
  problem?: Problem;
}

/** A string key and its parameters: translated when shown, so a language change applies. */
export interface Problem {
  key: Key<AttachmentStrings>;
  params?: Params;
}

/** What the files need from the messenger. */
export interface AttachmentsOptions {
  /** The messenger's shadow root: files dropped on it or pasted into it are attached. */
  root: ShadowRoot;
  /** The gateway's base URL. */
  baseUrl: string;
  /** The visitor's bearer token, starting the session when there is none yet. */
  token(): Promise<string>;
  /** The messenger's language (undefined until its strings have loaded). */
  locale(): string | undefined;
  /** The network and object URLs (tests); the browser's by default. */
  environment?: AttachmentsEnvironment;
}

/** Injectable for tests: the network and object URLs. */
export interface AttachmentsEnvironment {
  XMLHttpRequest: typeof XMLHttpRequest;
  fetch: typeof fetch;
  createObjectURL(blob: Blob): string;
  revokeObjectURL(url: string): void;
}

/** The files of the messenger: state, actions, and the views the composer and the message list show. */
export interface AttachmentsModule {
  readonly files: ReadonlySignal<PendingFile[]>;
  /** A file is still uploading: the message waits for it. */
  readonly busy: ReadonlySignal<boolean>;
  /** The uploaded files, in the order they were picked. */
  readonly ready: ReadonlySignal<Attachment[]>;
  /** Checks and uploads picked, dropped or pasted files. */
  add(files: Iterable<File>): void;
  /** Drops one file, cancelling its upload. */
  remove(key: string): void;
  /** Forgets the picked files (after they were sent). */
  clear(): void;
  /** Shows or hides "drop files here" over the messenger. */
  dragging(on: boolean): void;
  /** The paperclip button that opens the file picker. */
  AttachButton: FunctionComponent;
  /** The files of the message being written: name, size, progress or error, Remove. */
  PendingFiles: FunctionComponent;
  /** A message's files: thumbnails for images, a download for every file. */
  MessageFiles: FunctionComponent<{ files: Attachment[] }>;
  /** Stops listening for dropped and pasted files, cancels uploads and frees thumbnails. */
  dispose(): void;
}

const browser = (): AttachmentsEnvironment => ({
  XMLHttpRequest: globalThis.XMLHttpRequest,
  fetch: globalThis.fetch.bind(globalThis),
  createObjectURL: (blob) => URL.createObjectURL(blob),
  revokeObjectURL: (url) => URL.revokeObjectURL(url),
});

/** Creates the messenger's files over the visitor API, with the session's bearer token, and listens for dropped and pasted files. */
export function createAttachments(options: AttachmentsOptions, env: AttachmentsEnvironment = options.environment ?? browser()): AttachmentsModule {
  const { root, baseUrl, token } = options;
  adoptStyles(root, css);

  const i18n = signal<I18n<Key<AttachmentStrings>>>(createI18n(en, undefined, 'en'));
  let loadingLocale: string | undefined;
  /** The strings in the messenger's language, loaded when it is first known or changes. */
  const t = (key: Key<AttachmentStrings>, params?: Params): string => {
    const wanted = options.locale();
    if (wanted && wanted !== i18n.value.locale && wanted !== loadingLocale) {
      loadingLocale = wanted;
      void loadI18n(STRINGS, { locale: wanted }).then((loaded) => (i18n.value = loaded));
    }
    return i18n.value.t(key, params);
  };
  const size = (bytes: number): string => {
    const [value, unit] = bytes < 1024 ? [bytes, 'B'] : bytes < 1024 * 1024 ? [bytes / 1024, 'KB'] : [bytes / (1024 * 1024), 'MB'];
    try {
      return `${new Intl.NumberFormat(i18n.value.locale, { maximumFractionDigits: value < 10 && unit !== 'B' ? 1 : 0 }).format(value)} ${unit}`;
    } catch {
      return `${Math.round(value)} ${unit}`;
    }
  };

  let policy: UploadPolicy = DEFAULT_UPLOAD_POLICY;
  const policyLoaded = readUploadPolicy(baseUrl, env.fetch).then((p) => void (policy = p));

  const files = signal<PendingFile[]>([]);
  const uploads = new Map<string, XMLHttpRequest>();
  // Object URLs of files this page has: its own uploads, and thumbnails it fetched.
  const urls = new Map<string, Promise<string>>();
  let counter = 0;
  const update = (key: string, change: Partial<PendingFile>) => (files.value = files.value.map((f) => (f.key === key ? { ...f, ...change } : f)));

  /** Why a picked file is refused before its upload, in the visitor's words (the rules are shared with the web form). */
  function check(file: File, accepted: number): Problem | undefined {
    const problem = checkUpload(file, accepted, policy);
    if (problem === 'count') return { key: 'error.count', params: { max: MAX_ATTACHMENTS_PER_MESSAGE } };
    if (problem === 'size') return { key: 'error.size', params: { name: file.name, max: size(policy.maxBytes) } };
    return problem && { key: `error.${problem}`, params: { name: file.name } };
  }

  /** The gateway's refusal, by its stable code (its English message is for developers); `actual`: the extension the file's bytes have, when its name says another. */
  function refusal(code: string | undefined, name: string, actual?: string): Problem {
    if (code === 'FILE_TYPE_NOT_ALLOWED') return actual ? { key: 'error.mismatch', params: { name, kind: actual.toUpperCase() } } : { key: 'error.content', params: { name } };
    if (code === 'FILE_TOO_LARGE') return { key: 'error.size', params: { name, max: size(policy.maxBytes) } };
    if (code === 'RATE_LIMITED') return { key: 'error.busy' };
    return { key: 'error.upload', params: { name } };
  }

  async function upload(key: string, file: File): Promise<void> {
    let bearer: string;
    try {
      bearer = await token();
    } catch {
      update(key, { state: 'failed', problem: refusal(undefined, file.name) });
      return;
    }
    if (!files.value.some((f) => f.key === key)) return;
    const xhr = new env.XMLHttpRequest();
    uploads.set(key, xhr);
    xhr.open('POST', `${baseUrl}/api/visitor/attachments?name=${encodeURIComponent(file.name)}`);
    xhr.setRequestHeader('authorization', `Bearer ${bearer}`);
    xhr.setRequestHeader('content-type', 'application/octet-stream');
    xhr.upload.onprogress = (event) => {
      if (event.lengthComputable) update(key, { progress: event.loaded / event.total });
    };
    xhr.onload = () => {
      uploads.delete(key);
      let body: Partial<Attachment> & { error?: { code?: string; actual?: string } } = {};
      try {
        body = JSON.parse(xhr.responseText) as typeof body;
      } catch {
        // Not JSON (a proxy's page): the status says enough.
      }
      if (xhr.status !== 201 || !body.id) return void update(key, { state: 'failed', problem: refusal(body.error?.code, file.name, body.error?.actual) });
      const attachment = body as Attachment;
      // The visitor's own image shows at once, from the file they picked.
      if (SHOWN_INLINE.has(attachment.type)) urls.set(attachment.id, Promise.resolve(env.createObjectURL(file)));
      update(key, { state: 'ready', progress: 1, attachment, name: attachment.name });
    };
    xhr.onerror = () => {
      uploads.delete(key);
      // A connection cut while sending is what an over-large upload gets from many servers.
      update(key, { state: 'failed', problem: refusal(file.size > policy.maxBytes ? 'FILE_TOO_LARGE' : undefined, file.name) });
    };
    xhr.send(file);
  }

  /** An object URL for a file's bytes, fetched once with the bearer token. */
  function objectUrl(attachment: Attachment): Promise<string> {
    let url = urls.get(attachment.id);
    if (!url) {
      url = (async () => {
        const response = await env.fetch(`${baseUrl}/api/attachments/${encodeURIComponent(attachment.id)}`, {
          headers: { authorization: `Bearer ${await token()}` },
          credentials: 'omit',
        });
        if (!response.ok) throw new Error(`HTTP ${response.status}`);
        return env.createObjectURL(await response.blob());
      })();
      url.catch(() => urls.delete(attachment.id));
      urls.set(attachment.id, url);
    }
    return url;
  }

  const downloadFailed = signal(false);
  async function download(attachment: Attachment): Promise<void> {
    downloadFailed.value = false;
    try {
      const href = await objectUrl(attachment);
      const link = root.ownerDocument.createElement('a');
      link.href = href;
      link.download = attachment.name;
      link.hidden = true;
      root.append(link);
      link.click();
      link.remove();
    } catch {
      downloadFailed.value = true;
    }
  }

  const dropping = signal(false);
  function dragging(on: boolean): void {
    if (dropping.value === on) return;
    dropping.value = on;
    const panel = root.querySelector<HTMLElement>('.panel');
    panel?.toggleAttribute('data-dropping', on);
    panel?.setAttribute('data-drop-text', t('drop'));
  }

  const AttachButton = reactive(function AttachButton() {
    const input = useRef<HTMLInputElement>(null);
    return (
      <>
        <input
          ref={input}
          class="file-input"
          type="file"
          multiple
          accept={ACCEPT}
          hidden
          tabIndex={-1}
          onChange={(event) => {
            const picked = event.currentTarget.files;
            if (picked?.length) module.add([...picked]);
            event.currentTarget.value = '';
          }}
        />
        <button type="button" class="attach" part="attach" aria-label={t('attach')} title={t('attach')} onClick={() => input.current?.click()}>
          <svg viewBox="0 0 24 24" aria-hidden="true">
            <path d="M16.5 6.5l-7.8 7.8a2 2 0 0 0 2.8 2.8l8-8a4 4 0 0 0-5.7-5.7l-8.2 8.2a6 6 0 0 0 8.5 8.5l7-7" />
          </svg>
        </button>
      </>
    );
  });

  const PendingFiles = reactive(function PendingFiles() {
    const list = files.value;
    const failed = downloadFailed.value;
    if (!list.length && !failed) return null;
    return (
      <div class="pending" part="pending-files">
        {failed && (
          <p class="file-error" role="alert">
            {t('error.download')}
          </p>
        )}
        {list.length > 0 && (
          <ul aria-label={t('pending')}>
            {list.map((file) => (
              <li key={file.key} class={`chip ${file.state}`}>
                <span class="name">{file.name}</span>
                <span class="size">{size(file.size)}</span>
                {file.state === 'uploading' && (
                  <progress max={100} value={Math.round(file.progress * 100)} aria-label={t('uploading', { name: file.name })} />
                )}
                {file.problem && (
                  <span class="file-error" role="alert">
                    {t(file.problem.key, file.problem.params)}
                  </span>
                )}
                <button type="button" class="remove" aria-label={t('remove', { name: file.name })} onClick={() => module.remove(file.key)}>
                  <svg viewBox="0 0 24 24" aria-hidden="true">
                    <path d="M6 6l12 12M18 6L6 18" />
                  </svg>
                </button>
              </li>
            ))}
          </ul>
        )}
      </div>
    );
  });

  /** An image's thumbnail from its bytes (fetched with the token); the file chip when it cannot be shown. */
  const Thumbnail = reactive(function Thumbnail({ file }: { file: Attachment }) {
    const [src, setSrc] = useState<string | null>(null);
    const [failed, setFailed] = useState(false);
    useEffect(() => {
      let live = true;
      objectUrl(file).then(
        (url) => live && setSrc(url),
        () => live && setFailed(true),
      );
      return () => void (live = false);
    }, [file.id]);
    if (failed) return <FileChip file={file} />;
    return (
      <button type="button" class="thumb" aria-label={t('download', { name: file.name })} onClick={() => void download(file)}>
        {src ? <img src={src} alt={t('image', { name: file.name })} onError={() => setFailed(true)} /> : <span class="thumb-wait" aria-hidden="true" />}
      </button>
    );
  });

  const FileChip = reactive(function FileChip({ file }: { file: Attachment }) {
    return (
      <button type="button" class="chip file" aria-label={`${t('download', { name: file.name })}, ${size(file.size)}`} onClick={() => void download(file)}>
        <svg viewBox="0 0 24 24" aria-hidden="true">
          <path d="M12 4v11m0 0l-4-4m4 4l4-4M5 19h14" />
        </svg>
        <span class="name">{file.name}</span>
        <span class="size">{size(file.size)}</span>
      </button>
    );
  });

  const MessageFiles = reactive(function MessageFiles({ files: list }: { files: Attachment[] }) {
    return (
      <ul class="files" aria-label={t('files')}>
        {list.map((file) => (
          <li key={file.id}>{SHOWN_INLINE.has(file.type) ? <Thumbnail file={file} /> : <FileChip file={file} />}</li>
        ))}
      </ul>
    );
  });

  const module: AttachmentsModule = {
    files,
    busy: computed(() => files.value.some((f) => f.state === 'uploading')),
    ready: computed(() => files.value.flatMap((f) => (f.state === 'ready' && f.attachment ? [f.attachment] : []))),
    add(picked) {
      const list = [...picked];
      // The gateway's limits, when they are known; the defaults otherwise (it checks again anyway).
      void policyLoaded.then(() => {
        batch(() => {
          for (const file of list) {
            const key = `file-${++counter}`;
            const problem = check(file, files.value.filter((f) => f.state !== 'failed').length);
            files.value = [...files.value, { key, name: file.name, size: file.size, progress: 0, state: problem ? 'failed' : 'uploading', ...(problem && { problem }) }];
            if (!problem) void upload(key, file);
          }
        });
      });
    },
    remove(key) {
      uploads.get(key)?.abort();
      uploads.delete(key);
      files.value = files.value.filter((f) => f.key !== key);
    },
    clear() {
      for (const xhr of uploads.values()) xhr.abort();
      uploads.clear();
      files.value = [];
    },
    dragging,
    AttachButton,
    PendingFiles,
    MessageFiles,
    dispose() {
      for (const [type, listener] of listeners) root.removeEventListener(type, listener);
      module.clear();
      for (const url of urls.values()) url.then(env.revokeObjectURL, () => {});
      urls.clear();
    },
  };
  // Files dragged over the messenger show "drop files here"; dropped or pasted ones are attached.
  const transfer = (event: Event) => (event as DragEvent).dataTransfer ?? (event as ClipboardEvent).clipboardData;
  const take = (event: Event) => {
    const picked = [...(transfer(event)?.files ?? [])];
    if (!picked.length) return;
    event.preventDefault();
    module.add(picked);
  };
  const listeners: [string, EventListener][] = [
    [
      'dragover',
      (event) => {
        if (![...(transfer(event)?.types ?? [])].includes('Files')) return;
        // Without this the browser opens the dropped file in place of the page.
        event.preventDefault();
        dragging(true);
      },
    ],
    ['dragleave', (event) => void (root.contains((event as DragEvent).relatedTarget as Node | null) || dragging(false))],
    [
      'drop',
      (event) => {
        dragging(false);
        take(event);
      },
    ],
    ['paste', take],
  ];
  for (const [type, listener] of listeners) root.addEventListener(type, listener);
  return module;
}
