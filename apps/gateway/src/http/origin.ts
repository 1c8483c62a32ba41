import type { FastifyRequest } from 'fastify';

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
