import type { Attachment } from '@parley/protocol';
import { formatSize } from './composer-files.ts';

/** Image types every browser the console supports can show inline. */
const SHOWN_INLINE = new Set(['image/png', 'image/jpeg', 'image/gif', 'image/webp', 'image/bmp']);

/**
 * A message's files: images as thumbnails, everything as a download link with its name and size.
 * Names are text, never markup. The gateway serves each file as a download (`nosniff`), so even
 * an opened link runs nothing.
 */
export function AttachmentList({ files }: { files: Attachment[] }) {
  return (
    <ul class="attachments" aria-label="Files">
      {files.map((file) => {
        const href = `/api/attachments/${encodeURIComponent(file.id)}`;
        return (
          <li key={file.id} class="attachment">
            {SHOWN_INLINE.has(file.type) && (
              <img class="attachment__thumb" src={href} alt="" loading="lazy" decoding="async" width={160} height={120} />
            )}
            <a class="attachment__link" href={href} download={file.name}>
              <span class="attachment__name">{file.name}</span>
              <span class="attachment__size">{formatSize(file.size)}</span>
            </a>
          </li>
        );
      })}
    </ul>
  );
}
