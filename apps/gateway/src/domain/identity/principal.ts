import { ErrorCode } from '@parley/protocol';
import { AppError } from '../errors.ts';

/** A visitor of an app's widget, authenticated by their session token. */
export interface VisitorPrincipal {
  kind: 'visitor';
  /** Identifies the session (the token's hash), so sign-out can close its sockets. */
  sessionKey: string;
  visitorId: string;
  appId: string;
  workspaceId: string;
  name: string | null;
  allowedOrigins: string[];
  maxMessageLength: number;
  /** The verified contact the session's visitor is, or null while anonymous (read at every authentication). */
  contactId: string | null;
  /** Whether the app lets only identified visitors write (`apps.require_identity`). */
  requireIdentity: boolean;
}

/** An agent signed in to the console. */
export interface AgentPrincipal {
  kind: 'agent';
  /** Identifies the session (the token's hash), so sign-out can close its sockets. */
  sessionKey: string;
  agentId: string;
  workspaceId: string;
  name: string;
  email: string;
  role: 'agent' | 'admin';
  /** Whether the agent still signs in with the one-time password an admin was shown (absent: no). */
  mustChangePassword?: boolean;
}

/** Whoever is on the other end of a request or socket. */
export type Principal = VisitorPrincipal | AgentPrincipal;

/** The id a principal writes messages under. */
export function principalId(principal: Principal): string {
  return principal.kind === 'visitor' ? principal.visitorId : principal.agentId;
}

/** The key a principal's rate limit is kept under: one allowance for all of its sockets. */
export function rateKey(principal: Principal): string {
  return `${principal.kind}:${principalId(principal)}`;
}

/**
 * Refuses a visitor who may not send messages or start conversations because the app requires
 * a verified identity and the session has none (`IDENTITY_REQUIRED`, 403). Call it on every path
 * that writes for a visitor: messages over the socket, tickets, anything that creates a conversation.
 */
export function assertIdentityAllowsWrite(principal: Principal): void {
  if (principal.kind === 'visitor' && principal.requireIdentity && !principal.contactId) {
    throw new AppError(
      ErrorCode.IDENTITY_REQUIRED,
      "This website lets only signed-in users chat: identify the visitor with a signed user id first (Parley('identify', { userId, signature })).",
      { status: 403 },
    );
  }
}
