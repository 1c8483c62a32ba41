import { CloseCode, ErrorCode, type AgentCreate, type AgentCreated } from '@parley/protocol';
import type { AgentSessionsEndedEvent } from '../../bus/event-relay.ts';
import type { Database } from '../../db/database.ts';
import { AppError, notFound } from '../errors.ts';
import type { AgentPrincipal, Principal } from '../identity/principal.ts';
import { hashPassword, newPassword } from '../identity/secrets.ts';
import { isId } from '../routing/routing-context.ts';
import type { RoutingEvent, RoutingService } from '../routing/routing-service.ts';
import { createAgentRepository } from './agent-repository.ts';

/** What a node's sockets must offer to end an agent's sessions (the hub has it). */
export interface AgentSockets {
  closeWhere(match: (principal: Principal) => boolean, code: number, reason: string): void;
}

/**
 * Ends an agent's sessions on this node: each of their console sockets (but those of the session
 * `keep` names) is closed with 4010 SESSION_ENDED, after which the console does not reconnect and
 * asks them to sign in.
 */
export function endAgentSessions(event: AgentSessionsEndedEvent, sockets: AgentSockets): void {
  const reason = event.reason === 'removed' ? 'agent removed' : 'password changed';
  sockets.closeWhere((p) => p.kind === 'agent' && p.agentId === event.agentId && p.sessionKey !== event.keep, CloseCode.SESSION_ENDED, reason);
}

const forbidden = (message: string) => new AppError(ErrorCode.FORBIDDEN, message, { status: 403 });
const conflict = (message: string) => new AppError(ErrorCode.CONFLICT, message, { status: 409 });

/**
 * The workspace's team, for its admins: adding an agent (Parley makes their first password, shown
 * to the admin once) and removing one. A removed agent's sessions end at once on every node, the
 * chats and offers they held go back to routing, and they can no longer sign in; their row stays,
 * so their past messages and chats keep their name. An admin cannot remove themselves, and a
 * workspace always keeps an admin.
 */
export function createAgentService({
  db,
  routing,
  announce,
  clock = () => new Date(),
}: {
  db: Database;
  /** Routing gives up what a removed agent held, in the removal's transaction. */
  routing: Pick<RoutingService, 'transaction' | 'release' | 'dispatch' | 'agentViews'>;
  /** Sends the event to every node, this one included (the event relay). */
  announce: (event: AgentSessionsEndedEvent) => void;
  clock?: () => Date;
}) {
  const repo = createAgentRepository(db);

  function assertAdmin(actor: AgentPrincipal) {
    if (actor.role !== 'admin') throw forbidden('Only admins add and remove agents; ask an admin of your workspace.');
  }

  return {
    /** Adds an agent to the admin's workspace with a new one-time password, which the answer carries this once. */
    async add(actor: AgentPrincipal, input: AgentCreate): Promise<AgentCreated> {
      assertAdmin(actor);
      const password = newPassword();
      const row = await repo.add({ workspaceId: actor.workspaceId, name: input.name, email: input.email, role: input.role, passwordHash: await hashPassword(password) });
      if (!row) throw conflict(`${input.email} already signs in to Parley; use another e-mail address.`);
      const [agent] = await routing.agentViews(actor.workspaceId, [row.id]);
      return { agent: agent!, password };
    },

    /**
     * Removes an agent of the admin's workspace, in one transaction: the agent is marked removed,
     * their sessions end and routing takes back what they held. Then their sockets close on every
     * node and their queues hand out the chats. Returns routing's events, for the consoles.
     */
    async remove(actor: AgentPrincipal, agentId: string): Promise<RoutingEvent[]> {
      assertAdmin(actor);
      if (!isId(agentId)) throw notFound('agent');
      if (agentId === actor.agentId) throw forbidden('You cannot remove yourself; ask another admin of your workspace.');
      const { events, queueIds } = await routing.transaction(async (tx, say) => {
        // Every removal in the workspace waits here for the one before it, so two admins who
        // remove each other at once cannot leave the workspace without one.
        const admins = await repo.lockAdmins(tx, actor.workspaceId);
        const target = await repo.findActive(tx, actor.workspaceId, agentId);
        if (!target) throw notFound('agent');
        if (target.role === 'admin' && admins.length <= 1) throw conflict(`${target.name} is the workspace's last admin; add another admin first.`);
        if (!admins.includes(actor.agentId)) throw forbidden('Only admins add and remove agents; ask an admin of your workspace.');
        const removed = await repo.deactivate(tx, actor.workspaceId, agentId, clock());
        if (!removed) throw notFound('agent');
        return routing.release(tx, say, { id: removed.id, workspaceId: removed.workspaceId, name: removed.name });
      });
      announce({ kind: 'agent.sessions.ended', agentId, reason: 'removed' });
      const dispatched: RoutingEvent[] = [];
      for (const queueId of queueIds) dispatched.push(...(await routing.dispatch(queueId)));
      return [...events, ...dispatched];
    },
  };
}

/** The agent service's interface. */
export type AgentService = ReturnType<typeof createAgentService>;
