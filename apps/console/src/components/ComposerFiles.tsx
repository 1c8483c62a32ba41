import { useRef } from 'preact/hooks';
import type { ComposerFiles } from './composer-files.ts';
import { formatSize } from './composer-files.ts';

/** The composer's "Attach files" button: a visible button for a hidden file input. */
export function AttachButton({ files, accept }: { files: Pick<ComposerFiles, 'add'>; accept: string }) {
  const input = useRef<HTMLInputElement>(null);
  return (
    <>
      <input
        ref={input}
        type="file"
        multiple
        hidden
        accept={accept || undefined}
        tabIndex={-1}
        onChange={(event) => {
          const picked = event.currentTarget.files;
          if (picked?.length) files.add([...picked]);
          event.currentTarget.value = '';
        }}
      />
      <button class="button button--quiet composer__attach" type="button" onClick={() => input.current?.click()}>
        Attach files
      </button>
    </>
  );
}

/** The files picked for the next message: name, size, upload progress or why one was refused, and Remove. */
export function PendingFiles({ files }: { files: Pick<ComposerFiles, 'files' | 'remove'> }) {
  const list = files.files.value;
  if (!list.length) return null;
  return (
    <ul class="pending-files" aria-label="Files to send">
      {list.map((file) => (
        <li key={file.key} class={`pending-file pending-file--${file.state}`}>
          <span class="pending-file__name">{file.name}</span>
          <span class="pending-file__size">{formatSize(file.size)}</span>
          {file.state === 'uploading' && (
            <progress class="pending-file__progress" max={1} value={file.progress} aria-label={`Uploading ${file.name}`} />
          )}
          {file.error && (
            <span class="pending-file__error" role="alert">
              {file.error}
            </span>
          )}
          <button class="button button--quiet pending-file__remove" type="button" aria-label={`Remove ${file.name}`} onClick={() => files.remove(file.key)}>
            Remove
          </button>
        </li>
      ))}
    </ul>
  );
}
