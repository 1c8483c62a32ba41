import { CloseCode, ErrorCode, IdSchema, VisitorLocaleSchema } from '@parley/protocol';
import type { FastifyInstance } from 'fastify';
import * as v from 'valibot';
import { AppError } from '../../domain/errors.ts';
import { bearerToken, limitByAddress, requireVisitor } from '../auth.ts';
import { checkVisitorOrigin, visitorCors } from '../origin.ts';
import { parseInput } from '../validate.ts';

const SessionSchema = v.strictObject({ appId: IdSchema, locale: v.optional(VisitorLocaleSchema) });
const ParamsSchema = v.object({ id: IdSchema });
const HistorySchema = v.object({
  beforeSeq: v.optional(v.pipe(v.string(), v.regex(/^\d{1,10}$/), v.transform(Number))),
  limit: v.optional(v.pipe(v.string(), v.regex(/^\d{1,3}$/), v.transform(Number), v.minValue(1), v.maxValue(200))),
});

/** The widget's HTTP API: visitor sessions and the visitor's own conversations. */
export async function visitorRoutes(app: FastifyInstance): Promise<void> {
  const { identity, conversations, hub } = app.parley;
  app.addHook('onRequest', async (request, reply) => visitorCors(request, reply, 'GET, POST, DELETE'));
  app.options('/api/visitor/*', async (_request, reply) => reply.status(204).send());

  app.post('/api/visitor/sessions', async (request, reply) => {
    limitByAddress(request, 'visitor-session');
    const { appId, locale } = parseInput(SessionSchema, request.body);
    await app.parley.blocking.admitSession(appId, request.ip);
    const found = await identity.findApp(appId);
    if (!found) throw new AppError(ErrorCode.NOT_FOUND, `No app ${appId}; check the appId in the snippet.`, { status: 404 });
    checkVisitorOrigin(request, found.allowedOrigins);
    const session = await identity.createVisitorSession(appId, locale);
    return reply.status(201).send({ token: session.token, visitorId: session.visitorId });
  });

  app.register(async (scoped) => {
    scoped.addHook('preHandler', requireVisitor);
    scoped.addHook('preHandler', async (request) => checkVisitorOrigin(request, request.visitor!.allowedOrigins));

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
