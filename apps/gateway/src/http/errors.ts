import { ErrorCode } from '@parley/protocol';
import type { FastifyError, FastifyInstance } from 'fastify';
import { AppError, toAppError } from '../domain/errors.ts';

/**
 * The one HTTP error handler: known errors answer `{ error: { code, message } }` with their
 * status; validation and body errors become INVALID_REQUEST; 5xx details stay in the log.
 */
export function registerErrorHandler(app: FastifyInstance): void {
  app.setErrorHandler((error: FastifyError | AppError, request, reply) => {
    let known: AppError;
    if (error instanceof AppError) known = error;
    else if ((error as FastifyError).statusCode && (error as FastifyError).statusCode! < 500) {
      const status = (error as FastifyError).statusCode!;
      const code = status === 413 ? ErrorCode.PAYLOAD_TOO_LARGE : status === 429 ? ErrorCode.RATE_LIMITED : ErrorCode.INVALID_REQUEST;
      known = new AppError(code, error.message, { status });
    } else known = toAppError(error);
    if (known.status >= 500) request.log.error({ err: error }, 'request failed');
    reply.status(known.status).send({ error: { code: known.code, message: known.message } });
  });
  app.setNotFoundHandler((request, reply) => {
    reply.status(404).send({ error: { code: ErrorCode.NOT_FOUND, message: `No route ${request.method} ${request.url.split('?')[0]}.` } });
  });
}
