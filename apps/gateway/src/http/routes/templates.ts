import { IdSchema, LanguageTagSchema, TEMPLATE_LIMITS, TemplateInputSchema, TemplatePatchSchema, TemplateRenderSchema } from '@parley/protocol';
import type { FastifyInstance } from 'fastify';
import * as v from 'valibot';
import { requireAgent } from '../auth.ts';
import { parseInput } from '../validate.ts';

const ParamsSchema = v.object({ id: IdSchema });
const ListQuerySchema = v.object({
  q: v.optional(v.pipe(v.string(), v.trim(), v.maxLength(200))),
  language: v.optional(LanguageTagSchema),
  category: v.optional(v.pipe(v.string(), v.trim(), v.minLength(1), v.maxLength(TEMPLATE_LIMITS.category))),
  cursor: v.optional(v.pipe(v.string(), v.maxLength(1000))),
  limit: v.optional(v.pipe(v.string(), v.regex(/^\d{1,3}$/, 'limit must be a number'), v.transform(Number), v.minValue(1), v.maxValue(200))),
});

/**
 * Templates over HTTP (agent cookie; changes from the console's origin). Agents list, search and
 * render them; admins create, change and delete them.
 */
export async function templateRoutes(app: FastifyInstance): Promise<void> {
  const { templates } = app.parley;

  app.register(async (scoped) => {
    scoped.addHook('preHandler', requireAgent);

    scoped.get('/api/agent/templates', async (request) => {
      const { q, ...query } = parseInput(ListQuerySchema, request.query);
      return templates.list(request.agent!, { ...query, ...(q && { q }) });
    });

    scoped.get('/api/agent/templates/facets', async (request) => templates.facets(request.agent!));

    scoped.get('/api/agent/templates/:id', async (request) => {
      const { id } = parseInput(ParamsSchema, request.params);
      return { template: await templates.get(request.agent!, id) };
    });

    scoped.post('/api/agent/templates/:id/render', async (request) => {
      const { id } = parseInput(ParamsSchema, request.params);
      const { conversationId } = parseInput(TemplateRenderSchema, request.body);
      return templates.render(request.agent!, id, conversationId);
    });

    scoped.post('/api/admin/templates', async (request, reply) => {
      const input = parseInput(TemplateInputSchema, request.body);
      return reply.status(201).send({ template: await templates.create(request.agent!, input) });
    });

    scoped.patch('/api/admin/templates/:id', async (request) => {
      const { id } = parseInput(ParamsSchema, request.params);
      const patch = parseInput(TemplatePatchSchema, request.body);
      return { template: await templates.update(request.agent!, id, patch) };
    });

    scoped.delete('/api/admin/templates/:id', async (request) => {
      const { id } = parseInput(ParamsSchema, request.params);
      await templates.remove(request.agent!, id);
      return { ok: true };
    });
  });
}
