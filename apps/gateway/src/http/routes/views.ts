import { DeleteConversationSchema, EmptyBodySchema, IdSchema, SavedViewInputSchema, SavedViewPatchSchema, VIEW_NAMES, ViewQuerySchema } from '@parley/protocol';
import type { FastifyInstance } from 'fastify';
import * as v from 'valibot';
import { requireAgent } from '../auth.ts';
import { parseInput } from '../validate.ts';

const ViewParamsSchema = v.object({ view: v.picklist(VIEW_NAMES, `view must be one of ${VIEW_NAMES.join(', ')}`) });
const ParamsSchema = v.object({ id: IdSchema });
const PageSchema = v.strictObject({
  cursor: ViewQuerySchema.entries.cursor,
  limit: ViewQuerySchema.entries.limit,
});

/**
 * The agent's views over HTTP (agent cookie; changes from the console's origin): the built-in
 * inbox views and the archive, saved views, archiving and unarchiving; deleting for admins.
 */
export async function viewRoutes(app: FastifyInstance): Promise<void> {
  const { views } = app.parley;

  app.register(async (scoped) => {
    scoped.addHook('preHandler', requireAgent);

    scoped.get('/api/agent/views/:view', async (request) => {
      const { view } = parseInput(ViewParamsSchema, request.params);
      return views.list(request.agent!, view, parseInput(ViewQuerySchema, request.query));
    });

    scoped.get('/api/agent/saved-views', async (request) => ({ views: await views.savedViews(request.agent!) }));

    scoped.post('/api/agent/saved-views', async (request, reply) => {
      const input = parseInput(SavedViewInputSchema, request.body);
      return reply.status(201).send({ view: await views.createSaved(request.agent!, input) });
    });

    scoped.patch('/api/agent/saved-views/:id', async (request) => {
      const { id } = parseInput(ParamsSchema, request.params);
      return { view: await views.updateSaved(request.agent!, id, parseInput(SavedViewPatchSchema, request.body)) };
    });

    scoped.delete('/api/agent/saved-views/:id', async (request) => {
      const { id } = parseInput(ParamsSchema, request.params);
      await views.removeSaved(request.agent!, id);
      return { ok: true };
    });

    scoped.get('/api/agent/saved-views/:id/conversations', async (request) => {
      const { id } = parseInput(ParamsSchema, request.params);
      return views.runSaved(request.agent!, id, parseInput(PageSchema, request.query));
    });

    scoped.post('/api/agent/conversations/:id/archive', async (request) => {
      const { id } = parseInput(ParamsSchema, request.params);
      parseInput(EmptyBodySchema, request.body);
      return { conversation: await views.archive(request.agent!, id) };
    });

    scoped.post('/api/agent/conversations/:id/unarchive', async (request) => {
      const { id } = parseInput(ParamsSchema, request.params);
      parseInput(EmptyBodySchema, request.body);
      return { conversation: await views.unarchive(request.agent!, id) };
    });

    scoped.delete('/api/admin/conversations/:id', async (request) => {
      const { id } = parseInput(ParamsSchema, request.params);
      const body = parseInput(v.optional(DeleteConversationSchema), request.body);
      await views.remove(request.agent!, id, body?.confirm);
      return { ok: true };
    });
  });
}
