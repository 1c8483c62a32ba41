import { ErrorCode } from '@parley/protocol';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { AppError } from '../domain/errors.ts';

/** The request's Origin header, if any. */
export function originOf(request: FastifyRequest): string | undefined {
  const origin = request.headers.origin;
  return typeof origin === 'string' && origin !== 'null' ? origin : undefined;
}

/**
 * Whether the request comes from the console: its Origin is the gateway's own origin (the
 * console is served by the gateway) or one of PARLEY_CONSOLE_ORIGINS. This is what keeps a
 * foreign page from riding an agent's cookie (cross-site WebSocket hijacking, CSRF).
 */
export function isConsoleOrigin(request: FastifyRequest, extra: string[]): boolean {
  const origin = originOf(request);
  if (!origin) return false;
  const host = request.headers.host;
  if (host && (origin === `http://${host}` || origin === `https://${host}`)) return true;
  return extra.includes(origin);
}

/**
 * CORS for the widget's API. Visitor requests carry a bearer token, never a cookie, so the
 * browser may be told yes for any origin; each request is then held to its app's allowed
 * origins by `checkVisitorOrigin`.
 */
export function visitorCors(request: FastifyRequest, reply: FastifyReply, methods: string, expose?: string): void {
  const origin = originOf(request);
  if (!origin) return;
  reply.header('Access-Control-Allow-Origin', origin);
  reply.header('Vary', 'Origin');
  reply.header('Access-Control-Allow-Headers', 'authorization, content-type');
  reply.header('Access-Control-Allow-Methods', methods);
  if (expose) reply.header('Access-Control-Expose-Headers', expose);
  reply.header('Access-Control-Max-Age', '600');
}

/**
 * A browser page of an origin the app does not allow is refused. A request without an Origin
 * is not a cross-site one (a same-origin GET, or a server or app client), and it carries a
 * bearer token, not a cookie.
 */
export function checkVisitorOrigin(request: FastifyRequest, allowed: string[]): void {
  const origin = originOf(request);
  if (origin && !allowed.includes(origin)) {
    throw new AppError(ErrorCode.FORBIDDEN_ORIGIN, `The origin ${origin} is not allowed for this app; add it to the app's allowed origins.`, { status: 403 });
  }
}
