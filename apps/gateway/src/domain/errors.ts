import { ErrorCode } from '@parley/protocol';

/** A known failure with a stable code. `status` is the HTTP status it maps to. */
export class AppError extends Error {
  readonly code: string;
  readonly status: number;

  constructor(code: string, message: string, options: { status?: number; cause?: unknown } = {}) {
    super(message, { cause: options.cause });
    this.name = 'AppError';
    this.code = code;
    this.status = options.status ?? 400;
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
