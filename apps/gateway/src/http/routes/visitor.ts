import { CloseCode, ErrorCode, IdSchema } from '@parley/protocol';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import * as v from 'valibot';
import { AppError } from '../../domain/errors.ts';
import { bearerToken, limitByAddress, requireVisitor } from '../auth.ts';
import { originOf } from '../origin.ts';
import { parseInput } from '../validate.ts';

const SessionSchema = v.strictObject({ appId: IdSchema });
const ParamsSchema = v.object({ id: IdSchema });
const HistorySchema = v.object({
  beforeSeq: v.optional(v.pipe(v.string(), v.regex(/^\d{1,10}$/), v.transform(Number))),
  limit: v.optional(v.pipe(v.string(), v.regex(/^\d{1,3}$/), v.transform(Number), v.minValue(1), v.maxValue(200))),
});

/**
 * CORS for the widget's API. Visitor requests carry a bearer token, never a cookie, so the
 * browser's preflight may be answered for any origin; each request is then checked against
 * the allowed origins of the app the session belongs to.
 */
function cors(request: FastifyRequest, reply: FastifyReply) {
  const origin = originOf(request);
  if (!origin) return;
  reply.header('Access-Control-Allow-Origin', origin);
  reply.header('Vary', 'Origin');
  reply.header('Access-Control-Allow-Headers', 'authorization, content-type');
  reply.header('Access-Control-Allow-Methods', 'GET, POST, DELETE');
  reply.header('Access-Control-Max-Age', '600');
}

/**
 * A browser page of another origin is refused. A request without an Origin is not a cross-site
 * one (a same-origin GET, or a server or app client), and it carries a bearer token, not a cookie.
 */
function checkOrigin(request: FastifyRequest, allowed: string[]) {
  const origin = originOf(request);
  if (origin && !allowed.includes(origin)) {
    throw new AppError(
      ErrorCode.FORBIDDEN_ORIGIN,
      `The origin ${origin ?? '(none)'} is not allowed for this app; add it to the app's allowed origins.`,
      { status: 403 },
    );
  }
}

/** The widget's HTTP API: visitor sessions and the visitor's own conversations. */
export async function visitorRoutes(app: FastifyInstance): Promise<void> {
  const { identity, conversations, hub } = app.parley;
  app.addHook('onRequest', async (request, reply) => cors(request, reply));
  app.options('/api/visitor/*', async (_request, reply) => reply.status(204).send());

  app.post('/api/visitor/sessions', async (request, reply) => {
    limitByAddress(request, 'visitor-session');
    const { appId } = parseInput(SessionSchema, request.body);
    const found = await identity.findApp(appId);
    if (!found) throw new AppError(ErrorCode.NOT_FOUND, `No app ${appId}; check the appId in the snippet.`, { status: 404 });
    checkOrigin(request, found.allowedOrigins);
    const session = await identity.createVisitorSession(appId);
    return reply.status(201).send({ token: session.token, visitorId: session.visitorId });
  });

  app.register(async (scoped) => {
    scoped.addHook('preHandler', requireVisitor);
    scoped.addHook('preHandler', async (request) => checkOrigin(request, request.visitor!.allowedOrigins));

    scoped.delete('/api/visitor/sessions/current', async (request) => {
      await identity.endVisitorSession(bearerToken(request)!);
      const { sessionKey } = request.visitor!;
      hub.closeWhere((p) => p.sessionKey === sessionKey, CloseCode.SESSION_ENDED, 'session ended');
      return { ok: true };
    });

    scoped.get('/api/visitor/conversations', async (request) => ({
      conversations: await conversations.list(request.visitor!),
    }));

    scoped.get('/api/visitor/conversations/:id/messages', async (request) => {
      const { id } = parseInput(ParamsSchema, request.params);
      return conversations.history(request.visitor!, id, parseInput(HistorySchema, request.query));
    });
  });
}
