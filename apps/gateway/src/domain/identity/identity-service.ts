import { ErrorCode, type VisitorLocale } from '@parley/protocol';
import type { Database } from '../../db/database.ts';
import { AppError } from '../errors.ts';
import { createIdentityRepository } from './identity-repository.ts';
import type { AgentPrincipal, VisitorPrincipal } from './principal.ts';
import { hashPassword, hashToken, newToken, verifyPassword } from './secrets.ts';

/** How long a console session lasts. */
export const AGENT_SESSION_DAYS = 14;

// Verified against when the e-mail is unknown, so a wrong e-mail costs as much as a wrong password.
const decoyHash = hashPassword('decoy password for unknown e-mails');

/** Visitor and agent sessions: creation, authentication, sign-out. */
export function createIdentityService({ db, clock = () => new Date() }: { db: Database; clock?: () => Date }) {
  const repo = createIdentityRepository(db);

  return {
    findApp: repo.findApp,

    /** Starts an anonymous visitor session for an app, in the language the widget shows (if told). The token is shown once, never stored. */
    async createVisitorSession(appId: string, locale?: VisitorLocale): Promise<{ token: string; visitorId: string }> {
      const token = newToken();
      const { visitorId } = await repo.createVisitorWithSession(appId, hashToken(token), locale);
      return { token, visitorId };
    },

    /** The visitor a token belongs to, or undefined for an unknown or revoked token. */
    async authenticateVisitor(token: string): Promise<VisitorPrincipal | undefined> {
      const sessionKey = hashToken(token);
      const row = await repo.findVisitorSession(sessionKey);
      if (!row) return undefined;
      return {
        kind: 'visitor',
        sessionKey,
        visitorId: row.visitor.id,
        appId: row.app.id,
        workspaceId: row.app.workspaceId,
        name: row.visitor.name,
        allowedOrigins: row.app.allowedOrigins,
        maxMessageLength: row.app.maxMessageLength,
        contactId: row.visitor.contactId,
        requireIdentity: row.app.requireIdentity,
      };
    },

    /** Ends a visitor session. */
    endVisitorSession: (token: string) => repo.revokeVisitorSession(hashToken(token)),

    /** Checks an agent's e-mail and password; returns a new session token. */
    async login(email: string, password: string): Promise<{ token: string; agent: AgentPrincipal; expiresAt: Date }> {
      const agent = await repo.findAgentByEmail(email);
      const ok = await verifyPassword(password, agent?.passwordHash ?? (await decoyHash));
      if (!agent || !ok) {
        throw new AppError(ErrorCode.INVALID_CREDENTIALS, 'Wrong e-mail or password.', { status: 401 });
      }
      const token = newToken();
      const expiresAt = new Date(clock().getTime() + AGENT_SESSION_DAYS * 86_400_000);
      const sessionKey = hashToken(token);
      await repo.createAgentSession(sessionKey, agent.id, expiresAt);
      return { token, agent: toAgentPrincipal(agent, sessionKey), expiresAt };
    },

    /** The agent a console session token belongs to, or undefined. */
    async authenticateAgent(token: string): Promise<AgentPrincipal | undefined> {
      const sessionKey = hashToken(token);
      const agent = await repo.findAgentSession(sessionKey, clock());
      return agent && toAgentPrincipal(agent, sessionKey);
    },

    /** Whether a console session (by its key, the token's hash) is still one an agent may use: not ended, expired or removed. */
    async sessionLive(sessionKey: string): Promise<boolean> {
      return (await repo.findAgentSession(sessionKey, clock())) !== undefined;
    },

    /** Ends a console session. */
    logout: (token: string) => repo.deleteAgentSession(hashToken(token)),

    /**
     * Changes the signed-in agent's own password, after checking their current one (403
     * `INVALID_CREDENTIALS` when it is wrong, and nothing changes). Their other sessions end:
     * whoever else knew the old password is signed out. The caller closes those sessions' sockets.
     */
    async changePassword(agent: AgentPrincipal, currentPassword: string, newPassword: string): Promise<void> {
      const row = await repo.findAgent(agent.agentId);
      if (!row || !(await verifyPassword(currentPassword, row.passwordHash))) {
        throw new AppError(ErrorCode.INVALID_CREDENTIALS, 'The current password is wrong.', { status: 403 });
      }
      await repo.setOwnPassword(agent.agentId, await hashPassword(newPassword), agent.sessionKey);
    },
  };
}

function toAgentPrincipal(
  agent: { id: string; workspaceId: string; name: string; email: string; role: 'agent' | 'admin'; mustChangePassword: boolean },
  sessionKey: string,
): AgentPrincipal {
  const { id: agentId, workspaceId, name, email, role, mustChangePassword } = agent;
  return { kind: 'agent', sessionKey, agentId, workspaceId, name, email, role, mustChangePassword };
}

/** The identity service's interface. */
export type IdentityService = ReturnType<typeof createIdentityService>;
