import { CloseCode, ErrorCode, fieldErrors, VisitorIdentifySchema, VisitorUpdateSchema, type VisitorIdentified } from '@parley/protocol';
import type { FastifyInstance } from 'fastify';
import * as v from 'valibot';
import { AppError } from '../../domain/errors.ts';
import { requireVisitor } from '../auth.ts';
import { checkVisitorOrigin, visitorCors } from '../origin.ts';
import { refuseArrayForObject } from '../validate.ts';

/** The paths of this file, for their CORS preflights. */
const PATHS = ['/api/visitor/identify', '/api/visitor/me'];

/**
 * Parses a body, answering 400 `INVALID_REQUEST` with one entry per bad field in
 * `error.fields` (`{ field, code, message, max? }`), so a form can mark each field.
 */
function parseBody<S extends v.GenericSchema>(schema: S, input: unknown): v.InferOutput<S> {
  refuseArrayForObject(schema, input);
  const result = v.safeParse(schema, input, { abortEarly: false });
  if (result.success) return result.output;
  const fields = fieldErrors(result.issues);
  const message = fields.length ? `${fields.map((f) => f.message).join('; ')}.` : 'The body must be a JSON object.';
  throw Object.assign(new AppError(ErrorCode.INVALID_REQUEST, message, { status: 400 }), { fields });
}

/**
 * The visitor's identity over HTTP (bearer token): `POST /api/visitor/identify` links the session
 * to a verified contact when the website's signature is right; `GET` and `PATCH /api/visitor/me`
 * read and change the session's own visitor.
 */
export async function visitorIdentityRoutes(app: FastifyInstance): Promise<void> {
  const { contacts, hub } = app.parley;

  // Field errors travel with the error body; everything else goes to the one error handler.
  app.setErrorHandler((error, _request, reply) => {
    const fields = (error as { fields?: unknown }).fields;
    if (error instanceof AppError && Array.isArray(fields)) {
      return reply.status(error.status).send({ error: { code: error.code, message: error.message, fields } });
    }
    throw error;
  });
  app.addHook('onRequest', async (request, reply) => visitorCors(request, reply, 'GET, POST, PATCH'));
  for (const path of PATHS) app.options(path, async (_request, reply) => reply.status(204).send());

  app.register(async (scoped) => {
    scoped.addHook('preHandler', requireVisitor);
    scoped.addHook('preHandler', async (request) => checkVisitorOrigin(request, request.visitor!.allowedOrigins));

    scoped.post('/api/visitor/identify', async (request): Promise<VisitorIdentified> => {
      const visitor = request.visitor!;
      const result = await contacts.identify(visitor, parseBody(VisitorIdentifySchema, request.body));
      // Open sockets still act as the anonymous visitor: they reconnect and authenticate again.
      if (result.changed) {
        hub.closeWhere((p) => p.kind === 'visitor' && p.visitorId === visitor.visitorId, CloseCode.IDENTITY_CHANGED, 'identity changed');
      }
      hub.forgetVisitor(result.visitorId);
      return { visitorId: result.visitorId, userId: result.userId, merged: result.mergedFrom !== null };
    });

    scoped.get('/api/visitor/me', async (request) => contacts.me(request.visitor!));

    scoped.patch('/api/visitor/me', async (request) => {
      const me = await contacts.updateMe(request.visitor!, parseBody(VisitorUpdateSchema, request.body));
      hub.forgetVisitor(me.visitorId);
      return me;
    });
  });
}
