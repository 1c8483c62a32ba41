import type { FastifyInstance } from 'fastify';
import * as v from 'valibot';
import { requireAgent } from '../auth.ts';
import { parseInput } from '../validate.ts';

/** `PATCH /api/admin/workspace`: the settings to change, at least one. No other keys. */
const WorkspacePatchSchema = v.pipe(
  v.strictObject({ maskPersonalData: v.optional(v.boolean('maskPersonalData must be true or false')) }),
  v.check((patch) => Object.keys(patch).length > 0, 'send the setting to change, e.g. { "maskPersonalData": true }'),
);

/** The workspace's own settings, for its admins (agent cookie; changes from the console's origin). */
export async function workspaceAdminRoutes(app: FastifyInstance): Promise<void> {
  const { masking } = app.parley;

  app.register(async (scoped) => {
    scoped.addHook('preHandler', requireAgent);

    scoped.get('/api/admin/workspace', async (request) => ({ workspace: await masking.get(request.agent!) }));

    scoped.patch('/api/admin/workspace', async (request) => {
      const patch = parseInput(WorkspacePatchSchema, request.body);
      return { workspace: await masking.update(request.agent!, patch) };
    });
  });
}
