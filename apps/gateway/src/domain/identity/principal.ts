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
