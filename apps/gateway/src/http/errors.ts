import { ErrorCode } from '@parley/protocol';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
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
      // The framework says only "Unsupported Media Type": say what the API takes instead.
      const message =
        (error as FastifyError).code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE'
          ? `The API does not take content-type ${String(request.headers['content-type']).slice(0, 60)}: send JSON as application/json, or a file's bytes as application/octet-stream.`
          : error.message;
      known = new AppError(code, message, { status });
    } else known = toAppError(error);
    if (known.status >= 500) request.log.error({ err: error }, 'request failed');
    reply.status(known.status).send({ error: { ...known.extra, code: known.code, message: known.message } });
  });
  app.setNotFoundHandler((request, reply) => {
    reply.status(404).send({ error: { code: ErrorCode.NOT_FOUND, message: `No route ${request.method} ${request.url.split('?')[0]}.` } });
  });
}

/**
 * Errors the router finds before any route runs (Fastify's `frameworkErrors`), in the same shape
 * as every other: an address that is not valid percent-encoding (400), or a path segment over the
 * router's 100 characters (414). Without this they answer in the framework's own format.
 */
export function frameworkErrors(error: FastifyError, request: FastifyRequest, reply: FastifyReply): void {
  const status = error.code === 'FST_ERR_MAX_PARAM_LENGTH' ? 414 : 400;
  const message =
    status === 414 ? 'A part of the address is longer than 100 characters: ids are at most 64.' : 'The address is not valid: check its percent-encoding (%XX).';
  // Route hooks do not run for these: the API's no-store is set here.
  reply.status(status).header('cache-control', 'no-store').send({ error: { code: ErrorCode.INVALID_REQUEST, message } });
}
