import type { UploadProblem } from '@parley/protocol';
import { checkUpload } from '../shared/upload-policy.ts';
import { TicketsApiError, type TicketsApi } from './tickets-api.ts';
import type { ChosenFile } from './WebFormModel.ts';

/** The gateway's code for a file refused before its upload, so it reads as the gateway's own refusal would (an empty file: INVALID_REQUEST). */
const REFUSED: Partial<Record<UploadProblem, string>> = { size: 'FILE_TOO_LARGE', type: 'FILE_TYPE_NOT_ALLOWED' };

/** What became of a chosen file: uploaded, or refused with the gateway's code. */
export type UploadOutcome = Pick<ChosenFile, 'state' | 'attachment' | 'error'>;

/**
 * The web form's uploads, loaded with the first file chosen. Each file is checked first by the
 * gateway's rules (the messenger's files use the same), against its policy, read once: a file
 * too large or of a kind it does not take is refused at once and never sent. The gateway judges
 * every file these rules let through, by its bytes.
 */
export function createUploader(api: TicketsApi): (file: File) => Promise<UploadOutcome> {
  const policy = api.uploadPolicy();
  return async (file) => {
    const problem = checkUpload(file, 0, await policy);
    if (problem) return { state: 'failed', error: REFUSED[problem] ?? 'INVALID_REQUEST' };
    try {
      return { state: 'ready', attachment: await api.upload(file, file.name) };
    } catch (error) {
      return { state: 'failed', error: error instanceof TicketsApiError ? error.code : 'NETWORK' };
    }
  };
}
