import { ChatToTicketSchema, CustomerContactSchema, EmptyBodySchema, CustomerPanelSettingsSchema, IdSchema } from '@parley/protocol';
import type { FastifyInstance } from 'fastify';
import * as v from 'valibot';
import { requireAgent } from '../auth.ts';
import { parseInput } from '../validate.ts';

const ParamsSchema = v.object({ id: IdSchema });

/**
 * The customer panel over HTTP (agent cookie; changes from the console's origin): who the
 * customer is and their history, adding an unknown customer as a contact or ignoring them,
 * turning the chat into a ticket, and the admin's setting of who sees contact details.
 */
export async function customerRoutes(app: FastifyInstance): Promise<void> {
  const { customers, tickets } = app.parley;

  app.register(async (scoped) => {
    scoped.addHook('preHandler', requireAgent);

    scoped.get('/api/agent/conversations/:id/customer', async (request) => {
      const { id } = parseInput(ParamsSchema, request.params);
      return { customer: await customers.get(request.agent!, id) };
    });

    scoped.post('/api/agent/conversations/:id/customer/contact', async (request) => {
      const { id } = parseInput(ParamsSchema, request.params);
      return { customer: await customers.addContact(request.agent!, id, parseInput(CustomerContactSchema, request.body)) };
    });

    scoped.post('/api/agent/conversations/:id/customer/ignore', async (request) => {
      const { id } = parseInput(ParamsSchema, request.params);
      parseInput(EmptyBodySchema, request.body);
      return { customer: await customers.ignore(request.agent!, id) };
    });

    scoped.post('/api/agent/conversations/:id/ticket', async (request, reply) => {
      const { id } = parseInput(ParamsSchema, request.params);
      const { ticket, duplicate } = await tickets.fromChat(request.agent!, id, parseInput(ChatToTicketSchema, request.body));
      return reply.status(duplicate ? 200 : 201).send({ ticket, duplicate });
    });

    scoped.get('/api/admin/workspace/customer-panel', async (request) => ({ settings: await customers.settings(request.agent!) }));

    scoped.patch('/api/admin/workspace/customer-panel', async (request) => {
      const settings = parseInput(CustomerPanelSettingsSchema, request.body);
      return { settings: await customers.updateSettings(request.agent!, settings) };
    });
  });
}
