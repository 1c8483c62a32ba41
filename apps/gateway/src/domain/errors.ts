import { ErrorCode } from '@parley/protocol';

/** A known failure with a stable code. `status` is the HTTP status it maps to. */
export class AppError extends Error {
  readonly code: string;
  readonly status: number;
  /** Fields the HTTP answer carries beside `code` and `message`, for a client to word the error itself. */
  readonly extra: Record<string, string> | undefined;

  constructor(code: string, message: string, options: { status?: number; cause?: unknown; extra?: Record<string, string> } = {}) {
    super(message, { cause: options.cause });
    this.name = 'AppError';
    this.code = code;
    this.status = options.status ?? 400;
    this.extra = options.extra;
  }
}

/** Not found, or not yours: the two answer exactly the same. */
export function notFound(what = 'conversation'): AppError {
  return new AppError(ErrorCode.NOT_FOUND, `No such ${what}.`, { status: 404 });
}

/** Turns anything thrown into a known error; the unknown ones become INTERNAL with no detail. */
export function toAppError(error: unknown): AppError {
  if (error instanceof AppError) return error;
  return new AppError(ErrorCode.INTERNAL, 'Something went wrong on our side; try again.', { status: 500, cause: error });
}
