import { checkForm, ErrorCode, TICKET_STATUSES, TicketCreateSchema, TicketReplySchema, TicketUpdateSchema } from '@parley/protocol';
import type { FastifyInstance } from 'fastify';
import * as v from 'valibot';
import { AppError } from '../../domain/errors.ts';
import { limitByAddress, requireAgent, requireVisitor } from '../auth.ts';
import { checkVisitorOrigin, visitorCors } from '../origin.ts';
import { parseInput, refuseArrayForObject } from '../validate.ts';

const NumberParams = v.object({ number: v.pipe(v.string(), v.regex(/^\d{1,9}$/, 'must be a ticket number'), v.transform(Number)) });
const PageQuery = v.object({
  beforeSeq: v.optional(v.pipe(v.string(), v.regex(/^\d{1,10}$/), v.transform(Number))),
  limit: v.optional(v.pipe(v.string(), v.regex(/^\d{1,3}$/), v.transform(Number), v.minValue(1), v.maxValue(200))),
});
const AgentListQuery = v.object({
  status: v.optional(v.picklist(TICKET_STATUSES)),
  limit: v.optional(v.pipe(v.string(), v.regex(/^\d{1,3}$/), v.transform(Number), v.minValue(1), v.maxValue(200))),
});

/**
 * Parses a form body, answering 400 `INVALID_REQUEST` with one entry per bad field in
 * `error.fields` (`{ field, code, message, max? }`), so a form can mark each field.
 */
function parseForm<S extends v.GenericSchema>(schema: S, input: unknown): v.InferOutput<S> {
  refuseArrayForObject(schema, input);
  const result = checkForm(schema, input);
  if (result.ok) return result.value;
  const { fields } = result;
  const message = fields.length ? `${fields.map((f) => f.message).join('; ')}.` : 'The body must be a JSON object.';
  throw Object.assign(new AppError(ErrorCode.INVALID_REQUEST, message, { status: 400 }), { fields });
}

/**
 * Tickets over HTTP. Visitors (bearer token): the web form creates one, the portal lists, reads
 * and replies to their own. Agents (console cookie): list, read, set the status; they answer in
 * the ticket's conversation like in any other.
 */
export async function ticketRoutes(app: FastifyInstance): Promise<void> {
  const { tickets } = app.parley;

  // Field errors travel with the error body; everything else goes to the one error handler.
  app.setErrorHandler((error, _request, reply) => {
    const fields = (error as { fields?: unknown }).fields;
    if (error instanceof AppError && Array.isArray(fields)) {
      return reply.status(error.status).send({ error: { code: error.code, message: error.message, fields } });
    }
    throw error;
  });

  app.register(async (visitor) => {
    visitor.addHook('onRequest', async (request, reply) => visitorCors(request, reply, 'GET, POST, DELETE'));
    visitor.addHook('preHandler', requireVisitor);
    visitor.addHook('preHandler', async (request) => checkVisitorOrigin(request, request.visitor!.allowedOrigins));

    visitor.post('/api/visitor/tickets', async (request, reply) => {
      limitByAddress(request, 'ticket');
      const input = parseForm(TicketCreateSchema, request.body);
      const { ticket, duplicate } = await tickets.create(request.visitor!, input);
      return reply.status(duplicate ? 200 : 201).send({ ticket, duplicate });
    });

    visitor.get('/api/visitor/tickets', async (request) => ({ tickets: await tickets.listForVisitor(request.visitor!) }));

    visitor.get('/api/visitor/tickets/:number', async (request) => {
      const { number } = parseInput(NumberParams, request.params);
      return tickets.getForVisitor(request.visitor!, number, parseInput(PageQuery, request.query));
    });

    visitor.post('/api/visitor/tickets/:number/replies', async (request, reply) => {
      const { number } = parseInput(NumberParams, request.params);
      const input = parseForm(TicketReplySchema, request.body);
      const result = await tickets.reply(request.visitor!, number, input);
      return reply.status(result.duplicate ? 200 : 201).send(result);
    });
  });

  app.register(async (agent) => {
    agent.addHook('preHandler', requireAgent);

    agent.get('/api/agent/tickets', async (request) => ({
      tickets: await tickets.listForAgent(request.agent!, parseInput(AgentListQuery, request.query)),
    }));

    agent.get('/api/agent/tickets/:number', async (request) => {
      const { number } = parseInput(NumberParams, request.params);
      return { ticket: await tickets.getForAgent(request.agent!, number) };
    });

    agent.patch('/api/agent/tickets/:number', async (request) => {
      const { number } = parseInput(NumberParams, request.params);
      const { status } = parseInput(TicketUpdateSchema, request.body);
      return { ticket: await tickets.setStatus(request.agent!, number, status) };
    });
  });
}
