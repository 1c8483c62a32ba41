import type { FastifyInstance } from 'fastify';
import * as v from 'valibot';
import { IdSchema } from '@parley/protocol';
import { limitByAddress, requireAgent, SESSION_COOKIE } from '../auth.ts';
import { isConsoleOrigin } from '../origin.ts';
import { fieldErrorHandler, parseForm, parseInput } from '../validate.ts';
import { AppError } from '../../domain/errors.ts';
import { CloseCode, ErrorCode, PasswordChangeSchema } from '@parley/protocol';

const LoginSchema = v.strictObject({
  email: v.pipe(v.string(), v.trim(), v.email('email must be an e-mail address'), v.maxLength(254)),
  password: v.pipe(v.string(), v.minLength(1, 'password must not be empty'), v.maxLength(1024)),
});
const ListSchema = v.object({
  status: v.optional(v.picklist(['open', 'closed'])),
  limit: v.optional(v.pipe(v.string(), v.regex(/^\d{1,3}$/), v.transform(Number), v.minValue(1), v.maxValue(200))),
});
const HistorySchema = v.object({
  beforeSeq: v.optional(v.pipe(v.string(), v.regex(/^\d{1,10}$/), v.transform(Number))),
  limit: v.optional(v.pipe(v.string(), v.regex(/^\d{1,3}$/), v.transform(Number), v.minValue(1), v.maxValue(200))),
});
const ParamsSchema = v.object({ id: IdSchema });
const PostSchema = v.strictObject({
  clientMessageId: IdSchema,
  body: v.pipe(v.string(), v.minLength(1, 'body must not be empty'), v.maxLength(10_000)),
  internal: v.optional(v.boolean()),
});

/** The console's HTTP API: sign in and out, the agent's own password, conversations, messages. */
export async function agentRoutes(app: FastifyInstance): Promise<void> {
  const { identity, conversations, hub, relay, config } = app.parley;

  // The password form's field errors travel with the error body; everything else goes to the one error handler.
  app.setErrorHandler(fieldErrorHandler);

  app.post('/api/agent/login', async (request, reply) => {
    if (!isConsoleOrigin(request, config.consoleOrigins)) {
      throw new AppError(ErrorCode.FORBIDDEN_ORIGIN, 'Sign in from the Parley console.', { status: 403 });
    }
    limitByAddress(request, 'login');
    const { email, password } = parseInput(LoginSchema, request.body);
    const session = await identity.login(email, password);
    reply.setCookie(SESSION_COOKIE, session.token, {
      httpOnly: true,
      sameSite: 'strict',
      secure: config.secureCookies,
      path: '/',
      expires: session.expiresAt,
    });
    return { agent: publicAgent(session.agent) };
  });

  app.register(async (scoped) => {
    scoped.addHook('preHandler', requireAgent);

    scoped.get('/api/agent/me', async (request) => ({ agent: publicAgent(request.agent!) }));

    scoped.post('/api/agent/logout', async (request, reply) => {
      await identity.logout(request.cookies[SESSION_COOKIE]!);
      const { sessionKey } = request.agent!;
      hub.closeWhere((p) => p.sessionKey === sessionKey, CloseCode.SESSION_ENDED, 'signed out');
      reply.clearCookie(SESSION_COOKIE, { path: '/' });
      return { ok: true };
    });

    scoped.post('/api/agent/password', async (request) => {
      // The current password is checked: as many tries per address as sign-ins, counted apart.
      limitByAddress(request, 'password');
      const { currentPassword, newPassword } = parseForm(PasswordChangeSchema, request.body);
      const me = request.agent!;
      await identity.changePassword(me, currentPassword, newPassword);
      relay.publish({ kind: 'agent.sessions.ended', agentId: me.agentId, reason: 'password', keep: me.sessionKey });
      return { ok: true };
    });

    scoped.get('/api/agent/conversations', async (request) => {
      const query = parseInput(ListSchema, request.query);
      return { conversations: await conversations.list(request.agent!, query) };
    });

    scoped.get('/api/agent/conversations/:id', async (request) => {
      const { id } = parseInput(ParamsSchema, request.params);
      return { conversation: await conversations.get(request.agent!, id) };
    });

    scoped.get('/api/agent/conversations/:id/messages', async (request) => {
      const { id } = parseInput(ParamsSchema, request.params);
      return conversations.history(request.agent!, id, parseInput(HistorySchema, request.query));
    });

    scoped.post('/api/agent/conversations/:id/messages', async (request, reply) => {
      const { id } = parseInput(ParamsSchema, request.params);
      const input = parseInput(PostSchema, request.body);
      const result = await conversations.send({
        principal: request.agent!,
        conversationId: id,
        clientMessageId: input.clientMessageId,
        body: input.body,
        internal: input.internal ?? false,
      });
      return reply.status(result.duplicate ? 200 : 201).send({
        messageId: result.message.id,
        seq: result.seq,
        duplicate: result.duplicate,
        createdAt: result.message.createdAt.toISOString(),
      });
    });
  });
}

function publicAgent(agent: { agentId: string; name: string; email: string; role: string; workspaceId: string; mustChangePassword?: boolean | undefined }) {
  return { id: agent.agentId, name: agent.name, email: agent.email, role: agent.role, workspaceId: agent.workspaceId, mustChangePassword: agent.mustChangePassword ?? false };
}
