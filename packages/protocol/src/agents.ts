import * as v from 'valibot';
import type { RoutingAgent } from './routing.ts';

// The workspace's agents over HTTP, between the gateway and the console: an admin adds and
// removes agents, and every agent changes their own password. A module of its own, so the
// messenger's bundle never carries it.

/** What an agent may do: `admin`s also manage the workspace (queues, templates, agents, …). */
export const AGENT_ROLES = ['agent', 'admin'] as const;
/** An agent's role. */
export type AgentRole = (typeof AGENT_ROLES)[number];

/** The limits of the agent forms (UTF-16 code units; the name after trimming). */
export const AGENT_LIMITS = { name: 120, email: 254, minPassword: 8, password: 1024 } as const;

/**
 * `POST /api/admin/agents`: who to add. The e-mail is what they sign in with (kept in lower
 * case); the role is `agent` unless said. The gateway makes their first password.
 */
export const AgentCreateSchema = /* @__PURE__ */ (() =>
  v.strictObject({
    name: v.pipe(v.string(), v.trim(), v.minLength(1), v.maxLength(AGENT_LIMITS.name)),
    email: v.pipe(v.string(), v.trim(), v.minLength(1), v.email(), v.maxLength(AGENT_LIMITS.email), v.toLowerCase()),
    role: v.optional(v.picklist(AGENT_ROLES, 'must be agent or admin'), 'agent'),
  }))();
/** An agent to add, after trimming. */
export type AgentCreate = v.InferOutput<typeof AgentCreateSchema>;

/**
 * `POST /api/agent/password`: the signed-in agent's own password. The current one is required;
 * the new one has at least 8 characters and is used as typed (not trimmed).
 */
export const PasswordChangeSchema = /* @__PURE__ */ (() =>
  v.strictObject({
    currentPassword: v.pipe(v.string(), v.minLength(1), v.maxLength(AGENT_LIMITS.password)),
    newPassword: v.pipe(
      v.string(),
      v.minLength(1),
      v.maxLength(AGENT_LIMITS.password),
      // A check, not a length: a short password is a wrong value (INVALID_VALUE), not a missing one.
      v.check((password) => password.length >= AGENT_LIMITS.minPassword, `must be at least ${AGENT_LIMITS.minPassword} characters`),
    ),
  }))();
/** A password change. */
export type PasswordChange = v.InferOutput<typeof PasswordChangeSchema>;

/** The answer to `POST /api/admin/agents`: the agent as the console lists them, and their one-time password, shown this once. */
export interface AgentCreated {
  agent: RoutingAgent;
  password: string;
}
