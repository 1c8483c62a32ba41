import { ErrorCode } from '@parley/protocol';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { AppError } from '../domain/errors.ts';
import type { AgentPrincipal, VisitorPrincipal } from '../domain/identity/principal.ts';
import { isConsoleOrigin } from './origin.ts';

/** The console's session cookie. httpOnly, SameSite=Strict. */
export const SESSION_COOKIE = 'parley_session';

declare module 'fastify' {
  interface FastifyRequest {
    agent?: AgentPrincipal;
    visitor?: VisitorPrincipal;
  }
}

const unauthorized = (message: string) => new AppError(ErrorCode.UNAUTHORIZED, message, { status: 401 });

/** preHandler: the console's signed-in agent, from the session cookie. Mutations must come from the console's origin. */
export async function requireAgent(request: FastifyRequest, _reply: FastifyReply): Promise<void> {
  const { parley } = request.server;
  if (request.method !== 'GET' && request.method !== 'HEAD' && !isConsoleOrigin(request, parley.config.consoleOrigins)) {
    throw new AppError(ErrorCode.FORBIDDEN_ORIGIN, 'This request must come from the Parley console.', { status: 403 });
  }
  const token = request.cookies[SESSION_COOKIE];
  const agent = token ? await parley.identity.authenticateAgent(token) : undefined;
  if (!agent) throw unauthorized('Sign in to the console first.');
  request.agent = agent;
}

/** preHandler, after `requireAgent`: the workspace's admins only (403 `FORBIDDEN`, before the body is read). */
export async function requireAdmin(request: FastifyRequest, _reply: FastifyReply): Promise<void> {
  if (request.agent?.role !== 'admin') throw new AppError(ErrorCode.FORBIDDEN, 'Only admins can do this; ask an admin of your workspace.', { status: 403 });
}

/** The bearer token of a request, from `Authorization: Bearer …`. */
export function bearerToken(request: FastifyRequest): string | undefined {
  const header = request.headers.authorization;
  const match = typeof header === 'string' ? /^Bearer ([A-Za-z0-9_-]{20,100})$/.exec(header) : null;
  return match?.[1];
}

/**
 * preHandler: the visitor of a session token (`Authorization: Bearer`). A blocked visitor, or a
 * visitor coming from a blocked address, is refused with 403 `BLOCKED`, as their socket is.
 */
export async function requireVisitor(request: FastifyRequest, _reply: FastifyReply): Promise<void> {
  const { parley } = request.server;
  const token = bearerToken(request);
  const visitor = token ? await parley.identity.authenticateVisitor(token) : undefined;
  if (!visitor) throw unauthorized('The visitor session is missing or has ended; create a new one with POST /api/visitor/sessions.');
  const refusal = await parley.blocking.admitVisitor(visitor, request.ip);
  if (refusal) throw refusal;
  request.visitor = visitor;
}

/** Refuses the request with 429 when its IP address has used up its allowance for `what`. */
export function limitByAddress(request: FastifyRequest, what: string): void {
  if (!request.server.parley.authLimiter.take(`${what}:${request.ip}`)) {
    throw new AppError(ErrorCode.RATE_LIMITED, 'Too many attempts from this address; wait a minute and try again.', { status: 429 });
  }
}
