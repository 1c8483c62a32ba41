import { effect, signal, type ReadonlySignal } from '@preact/signals-core';
import type { AttachmentsEnvironment, AttachmentsModule } from './files.tsx';

/** What the attachments need from the messenger. */
export interface AttachmentsSlotOptions {
  /** The messenger's shadow root: files dropped on it or pasted into it are attached. */
  root: ShadowRoot;
  /** The gateway's base URL. */
  baseUrl: string;
  /** The visitor's bearer token, starting the session when there is none yet. */
  token(): Promise<string>;
  /** The messenger's language (undefined until its strings have loaded). */
  locale(): string | undefined;
  /** Whether the messenger is open: the attachment code loads in the background once it is. */
  open: ReadonlySignal<boolean>;
  /** The network and object URLs (tests); the browser's by default. */
  environment?: AttachmentsEnvironment;
}

/**
 * The messenger's place for files. The code for them (buttons, uploads, thumbnails, its strings
 * and styles) is a chunk of its own, loaded once the messenger has opened, or when a file is
 * dropped or pasted before that; until then the slot shows nothing. This module stays small: it
 * is part of the messenger's first open.
 */
export interface AttachmentsSlot {
  /** The loaded attachment code, or null until it has loaded. */
  readonly loaded: ReadonlySignal<AttachmentsModule | null>;
  /** Loads the attachment code (once). */
  load(): Promise<AttachmentsModule | null>;
  /** Removes the listeners. */
  dispose(): void;
}

/** Creates the slot and listens for dropped and pasted files on the messenger. */
export function createAttachmentsSlot(options: AttachmentsSlotOptions): AttachmentsSlot {
  const loaded = signal<AttachmentsModule | null>(null);
  let loading: Promise<AttachmentsModule | null> | undefined;
  const load = () =>
    (loading ??= import('./files.tsx').then(
      ({ createAttachments }) => (loaded.value = createAttachments(options)),
      () => ((loading = undefined), null),
    ));

  const { root } = options;
  const hasFiles = (event: DragEvent | ClipboardEvent) => {
    const data = 'dataTransfer' in event ? event.dataTransfer : event.clipboardData;
    return !!data && [...data.types].includes('Files');
  };
  const take = (event: DragEvent | ClipboardEvent) => {
    const data = 'dataTransfer' in event ? event.dataTransfer : event.clipboardData;
    const files = data ? [...data.files] : [];
    if (!files.length) return;
    event.preventDefault();
    void load().then((module) => module?.add(files));
  };
  const over = (event: DragEvent) => {
    if (!hasFiles(event)) return;
    // Without this the browser opens the dropped file in place of the page.
    event.preventDefault();
    loaded.value?.dragging(true);
  };
  const leave = (event: DragEvent) => {
    if (!event.relatedTarget || !root.contains(event.relatedTarget as Node)) loaded.value?.dragging(false);
  };
  const drop = (event: DragEvent) => {
    loaded.value?.dragging(false);
    take(event);
  };
  const paste = (event: ClipboardEvent) => take(event);
  root.addEventListener('dragover', over as EventListener);
  root.addEventListener('dragleave', leave as EventListener);
  root.addEventListener('drop', drop as EventListener);
  root.addEventListener('paste', paste as EventListener);
  const stop = effect(() => {
    if (options.open.value) void load();
  });

  return {
    loaded,
    load,
    dispose() {
      stop();
      root.removeEventListener('dragover', over as EventListener);
      root.removeEventListener('dragleave', leave as EventListener);
      root.removeEventListener('drop', drop as EventListener);
      root.removeEventListener('paste', paste as EventListener);
      loaded.value?.dispose();
    },
  };
}
