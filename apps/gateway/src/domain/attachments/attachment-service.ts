import { DEFAULT_MAX_UPLOAD_BYTES, ErrorCode, type Attachment } from '@parley/protocol';
import type { Database } from '../../db/database.ts';
import { AppError, notFound, toAppError } from '../errors.ts';
import { principalId, type AgentPrincipal, type Principal } from '../identity/principal.ts';
import { createAttachmentRepository, type AttachmentAccess, type ClaimTarget, type Uploader } from './attachment-repository.ts';
import { cleanFileName, extensionOf, MAX_FILE_NAME_CHARS } from './file-name.ts';
import { sniff, type FileKind } from './sniff.ts';

/** Uploads no message carried are deleted after this long. */
export const UNSENT_TTL_MS = 24 * 60 * 60 * 1000;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const ALLOWED_TEXT =
  'Send a PDF, Word (DOC, DOCX), Excel (XLS, XLSX) or PowerPoint (PPT, PPTX) document, a TXT or RTF file, or a JPG, PNG, GIF, BMP, WEBP, TIFF or HEIF image.';

/** A file over the upload limit: nothing is stored. */
export function fileTooLarge(maxBytes: number): AppError {
  const mib = maxBytes / (1024 * 1024);
  const limit = mib >= 1 ? `${Number.isInteger(mib) ? mib : mib.toFixed(1)} MB` : `${maxBytes} bytes`;
  return new AppError(ErrorCode.FILE_TOO_LARGE, `The file is larger than ${limit}, the most Parley accepts. Send a smaller file.`, { status: 413 });
}

/** A file that is none of the allowed kinds, or whose name's extension contradicts its bytes (`actual`: the extension its bytes have). */
function typeNotAllowed(message: string, actual?: FileKind): AppError {
  return new AppError(ErrorCode.FILE_TYPE_NOT_ALLOWED, message, { status: 415, ...(actual && { extra: { actual: actual.extensions[0]! } }) });
}

const invalid = (message: string) => new AppError(ErrorCode.INVALID_REQUEST, message, { status: 400 });

/** The file a name and bytes make: its kind from the bytes, and the name to keep. Throws when refused. */
export function judgeFile(rawName: string, bytes: Uint8Array, maxBytes: number): { kind: FileKind; name: string } {
  if (bytes.length > maxBytes) throw fileTooLarge(maxBytes);
  if (bytes.length === 0) throw invalid('The file is empty. Send a file with something in it.');
  let name = cleanFileName(rawName);
  if (!name) throw invalid('name: the file needs a name, e.g. ?name=report.pdf.');
  const kind = sniff(bytes);
  if (!kind) throw typeNotAllowed(`${name} is not a kind of file Parley accepts. ${ALLOWED_TEXT}`);
  const extension = extensionOf(name);
  // A name that says one thing while the bytes say another is refused, whatever the bytes are:
  // people trust the name they see, and programs on their computer open the file by it.
  if (extension && !kind.extensions.includes(extension)) {
    throw typeNotAllowed(`${name} is named as a .${extension} file, but it is ${kind.label}. Send the file under its real name. ${ALLOWED_TEXT}`, kind);
  }
  if (!extension) {
    const suffix = `.${kind.extensions[0]}`;
    name = [...name].slice(0, MAX_FILE_NAME_CHARS - suffix.length).join('') + suffix;
  }
  return { kind, name };
}

const uploaderOf = (principal: Principal): Uploader => ({ kind: principal.kind, id: principalId(principal) });

/** Whether a principal may read a file: its uploader; a sent file's conversation's visitor (public messages only) and workspace agents. */
export function mayRead(principal: Principal, access: AttachmentAccess): boolean {
  if (access.uploader.kind === principal.kind && access.uploader.id === principalId(principal)) return true;
  const { message } = access;
  if (!message) return false;
  if (principal.kind === 'visitor') return message.visitorId === principal.visitorId && !message.internal;
  return message.workspaceId === principal.workspaceId;
}

/** What a message send needs to know of its files: who sends, which ids, and for which message. */
export interface AttachmentSendRequest {
  principal: Principal;
  conversationId?: string | undefined;
  clientMessageId: string;
  internal: boolean;
  /** Ids of the sender's own uploads, in the order to show them. */
  attachments?: readonly string[] | undefined;
}

/**
 * The message side of attachments, for every path that writes a message with files (the
 * conversation service, tickets): claims the sender's files for one message before it is
 * written, hands them to `write`, and gives them back if the write fails or a resend carries
 * other files.
 *
 * The contract for `write`: insert the message with the files it is given in its `attachments`
 * column (`{ id, name, size, type }[]`, in that order; null when there are none), in the same
 * statement that inserts it, with the `client_message_id` the files were claimed for. The
 * statement trigger of the `attachments_link` migration then links the files to the message.
 * A message stored without its files is an INTERNAL error.
 */
export function createAttachmentClaims(db: Database) {
  const repo = createAttachmentRepository(db);
  return {
    /**
     * Runs `write` with the message's files. Ids that are not the sender's uploads, or that
     * another message carries, answer NOT_FOUND ("No such file."), exactly like ids that do not
     * exist; nothing is written then.
     */
    async withFiles<T extends { message: { id: string; attachments: Attachment[] | null }; duplicate: boolean }>(
      request: AttachmentSendRequest,
      write: (files: Attachment[] | undefined) => Promise<T>,
    ): Promise<T> {
      const ids = request.attachments ?? [];
      if (ids.length === 0) return write(undefined);
      if (!ids.every((id) => UUID.test(id))) throw notFound('file');
      const target: ClaimTarget = {
        uploader: uploaderOf(request.principal),
        clientMessageId: request.clientMessageId,
        internal: request.internal,
        conversationId: request.conversationId !== undefined && UUID.test(request.conversationId) ? request.conversationId : undefined,
      };
      const files = await repo.claim(ids, target);
      const release = () => repo.release(ids, target).catch(() => {});
      if (files.length !== ids.length) {
        await release();
        throw notFound('file');
      }
      let result: T;
      try {
        result = await write(files);
      } catch (error) {
        await release();
        throw error;
      }
      const carried = (result.message.attachments ?? []).map((f) => f.id);
      const same = carried.length === ids.length && carried.every((id, i) => id === ids[i]);
      if (result.duplicate && !same) {
        await release();
        throw new AppError(
          ErrorCode.CONFLICT,
          `Message id ${request.clientMessageId} was already used for a message with other files; use a new id for a new message.`,
          { status: 409 },
        );
      }
      if (!same) {
        // A write that does not store the files it was given: a bug to fix there, not the sender's.
        throw toAppError(new Error(`message ${result.message.id} was stored without its files: the write must put \`files\` in messages.attachments`));
      }
      return result;
    },
  };
}

/** The attachment claims' interface. */
export type AttachmentClaims = ReturnType<typeof createAttachmentClaims>;

/**
 * Uploads and downloads. An upload is judged by its bytes (sniff.ts) and stored only when
 * allowed; a download answers only the file's readers (`mayRead`), and anyone else exactly as
 * for a file that does not exist.
 */
export function createAttachmentService({
  db,
  maxBytes = DEFAULT_MAX_UPLOAD_BYTES,
  now = () => Date.now(),
  maySee = async () => true,
}: {
  db: Database;
  maxBytes?: number;
  now?: () => number;
  /** Whether an agent may see a conversation (routing); a file sent in one they may not see answers like a missing one. */
  maySee?: (agent: AgentPrincipal, conversationId: string) => Promise<boolean>;
}) {
  const repo = createAttachmentRepository(db);
  return {
    /** The largest upload accepted, in bytes. */
    maxBytes,

    /** Stores a file for the principal to send; refused files store nothing. */
    async upload(principal: Principal, file: { name: string; bytes: Uint8Array }): Promise<Attachment> {
      const { kind, name } = judgeFile(file.name, file.bytes, maxBytes);
      // Uploads nobody sent are cleared as new ones come: no timer, and safe on every node.
      await repo.deleteUnsent(new Date(now() - UNSENT_TTL_MS), 100);
      return repo.insert({ workspaceId: principal.workspaceId, uploader: uploaderOf(principal), name, contentType: kind.type, bytes: file.bytes });
    },

    /** A file and its bytes, for a principal who may read it; NOT_FOUND otherwise, as for a missing id. */
    async download(principal: Principal, id: string): Promise<{ attachment: Attachment; bytes: Uint8Array }> {
      const access = UUID.test(id) ? await repo.findAccess(id) : undefined;
      if (!access || !mayRead(principal, access)) throw notFound('file');
      const mine = access.uploader.kind === principal.kind && access.uploader.id === principalId(principal);
      if (principal.kind === 'agent' && !mine && access.message?.conversationId && !(await maySee(principal, access.message.conversationId))) throw notFound('file');
      const bytes = await repo.bytes(id);
      if (!bytes) throw notFound('file');
      return { attachment: access.attachment, bytes };
    },
  };
}

/** The attachment service's interface. */
export type AttachmentService = ReturnType<typeof createAttachmentService>;
