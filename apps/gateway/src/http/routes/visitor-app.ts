import { AppSettingsUpdateSchema, ErrorCode, IdSchema } from '@parley/protocol';
import type { FastifyInstance } from 'fastify';
import * as v from 'valibot';
import { AppError } from '../../domain/errors.ts';
import { requireAgent, requireVisitor } from '../auth.ts';
import { originOf, visitorCors } from '../origin.ts';
import { parseInput } from '../validate.ts';

const AppParamsSchema = v.object({ appId: IdSchema });

/**
 * The messenger's app over HTTP: `GET /api/visitor/app` (bearer) is what the widget reads at
 * start (name, pre-chat fields, bot, message limit, availability, the visitor's own name and
 * e-mail); `GET /api/agent/apps` lists the workspace's apps (the console's product filter);
 * `GET` and `PATCH /api/agent/apps/:appId/settings` (console) read and change the messenger settings.
 */
export async function visitorAppRoutes(app: FastifyInstance): Promise<void> {
  const { messenger } = app.parley;

  app.register(async (visitor) => {
    visitor.addHook('onRequest', async (request, reply) => visitorCors(request, reply, 'GET'));
    visitor.addHook('preHandler', requireVisitor);
    visitor.addHook('preHandler', async (request) => {
      const origin = originOf(request);
      if (origin && !request.visitor!.allowedOrigins.includes(origin)) {
        throw new AppError(ErrorCode.FORBIDDEN_ORIGIN, `The origin ${origin} is not allowed for this app; add it to the app's allowed origins.`, { status: 403 });
      }
    });
    visitor.get('/api/visitor/app', async (request) => messenger.visitorApp(request.visitor!));
  });

  app.register(async (agent) => {
    agent.addHook('preHandler', requireAgent);
    agent.get('/api/agent/apps', async (request) => ({ apps: await messenger.apps(request.agent!) }));
    agent.get('/api/agent/apps/:appId/settings', async (request) => ({
      settings: await messenger.settings(request.agent!, parseInput(AppParamsSchema, request.params).appId),
    }));
    agent.patch('/api/agent/apps/:appId/settings', async (request) => {
      const { appId } = parseInput(AppParamsSchema, request.params);
      return { settings: await messenger.updateSettings(request.agent!, appId, parseInput(AppSettingsUpdateSchema, request.body)) };
    });
  });
}
