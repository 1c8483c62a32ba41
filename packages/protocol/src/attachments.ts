import { MAX_ATTACHMENTS_PER_MESSAGE } from './frames.ts';

/** What an upload policy says before any byte is sent (`GET /api/attachments/policy`). */
export interface UploadPolicy {
  /** The largest file, in bytes. */
  maxBytes: number;
  /** Lower-case extensions without the dot; empty: any. */
  extensions: readonly string[];
}

/** Why a picked file is refused before its upload; each surface words it in its own language. */
export type UploadProblem = 'count' | 'size' | 'empty' | 'type';

/**
 * Checks a picked file before its upload, as the widget and the console both do: at most
 * `MAX_ATTACHMENTS_PER_MESSAGE` files a message (`accepted` are already on it), none over the
 * policy's size, none empty, none with an extension the gateway does not take. A name without
 * an extension passes: the gateway judges every file by its bytes.
 *
 * @example
 * checkUpload({ name: 'photo.exe', size: 10 }, 0, policy) // 'type'
 */
export function checkUpload(file: { name: string; size: number }, accepted: number, { maxBytes, extensions }: UploadPolicy): UploadProblem | undefined {
  const extension = /\.([^.]+)$/.exec(file.name)?.[1]?.toLowerCase();
  if (accepted >= MAX_ATTACHMENTS_PER_MESSAGE) return 'count';
  if (file.size > maxBytes) return 'size';
  if (file.size === 0) return 'empty';
  if (extensions.length && extension && !extensions.includes(extension)) return 'type';
  return undefined;
}
