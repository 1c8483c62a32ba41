import type { UploadPolicy, UploadProblem } from '@parley/protocol';

// The gateway's rules for files before an upload, shared by the messenger's files and the web
// form: @parley/protocol's DEFAULT_MAX_UPLOAD_BYTES, ATTACHMENT_EXTENSIONS and checkUpload written
// out. Importing them would reach the protocol's module, which the build keeps in the messenger's
// entry: the rules would count in the messenger's first open, and the web form would load the
// messenger to read them. The messenger's files import this module and the web form loads it with
// the first file chosen, so it is in neither first open. upload-policy.test.ts holds it to the
// protocol's answers.

/** What the gateway accepts until it says otherwise: 10 MiB, and the kinds of files it takes. */
export const DEFAULT_UPLOAD_POLICY: UploadPolicy = {
  maxBytes: 10 * 1024 * 1024,
  extensions: 'bmp dib doc docx gif heic heics heif heifs hif jfif jpe jpeg jpg pdf png ppt pptx rtf text tif tiff txt webp xls xlsx'.split(' '),
};

/** Most files one message may carry (MAX_ATTACHMENTS_PER_MESSAGE). */
const MAX_FILES = 10;

/**
 * Reads what the gateway accepts (`GET /api/attachments/policy`: public, no session needed); the
 * defaults when it cannot be read. Never rejects.
 */
export async function readUploadPolicy(baseUrl: string, fetch: typeof globalThis.fetch): Promise<UploadPolicy> {
  try {
    const response = await fetch(`${baseUrl}/api/attachments/policy`, { credentials: 'omit' });
    if (response.ok) return (await response.json()) as UploadPolicy;
  } catch {
    // No answer: the defaults. The gateway judges every upload anyway.
  }
  return DEFAULT_UPLOAD_POLICY;
}

/**
 * Why a picked file is refused before its upload, or undefined (`checkUpload` of
 * @parley/protocol): past the tenth file (`accepted` are already taken), over the policy's size,
 * empty, or with an extension the gateway does not take. A name without an extension passes:
 * the gateway judges every file by its bytes.
 */
export function checkUpload(file: { name: string; size: number }, accepted: number, { maxBytes, extensions }: UploadPolicy): UploadProblem | undefined {
  const extension = /\.([^.]+)$/.exec(file.name)?.[1]?.toLowerCase();
  if (accepted >= MAX_FILES) return 'count';
  if (file.size > maxBytes) return 'size';
  if (file.size === 0) return 'empty';
  if (extensions.length && extension && !extensions.includes(extension)) return 'type';
  return undefined;
}
