import type { Readable } from 'node:stream';
import { ErrorCode, IdSchema } from '@parley/protocol';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import * as v from 'valibot';
import { fileTooLarge } from '../../domain/attachments/attachment-service.ts';
import { contentDisposition } from '../../domain/attachments/file-name.ts';
import { ALLOWED_EXTENSIONS } from '../../domain/attachments/sniff.ts';
import { AppError } from '../../domain/errors.ts';
import { assertIdentityAllowsWrite, rateKey, type Principal } from '../../domain/identity/principal.ts';
import { createRateLimiter } from '../../socket/rate-limiter.ts';
import { requireAgent, requireVisitor } from '../auth.ts';
import { originOf, visitorCors } from '../origin.ts';
import { parseInput } from '../validate.ts';

/** Uploads a principal may make: 20 in a burst, then one every 3 seconds (per gateway node). */
const UPLOADS = { perSecond: 1 / 3, burst: 20 };

const UploadQuerySchema = v.object({
  name: v.pipe(v.string('name must be given once'), v.minLength(1, 'the file needs a name'), v.maxLength(1024, 'must be at most 1024 characters')),
});
const ParamsSchema = v.object({ id: IdSchema });

/**
 * Reads an upload's body up to `max` bytes. A declared or streamed size past it stops the reading
 * with FILE_TOO_LARGE: what is left is never read, and the connection closes after the answer.
 */
function readLimited(stream: Readable, declared: string | undefined, max: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    if (declared !== undefined && Number(declared) > max) return reject(fileTooLarge(max));
    const chunks: Buffer[] = [];
    let total = 0;
    const stop = (error?: unknown) => {
      stream.off('data', onData).off('end', onEnd).off('error', stop);
      if (error) {
        stream.pause();
        reject(error);
      }
    };
    const onData = (chunk: Buffer) => {
      total += chunk.length;
      if (total > max) return stop(fileTooLarge(max));
      chunks.push(chunk);
    };
    const onEnd = () => {
      stop();
      resolve(Buffer.concat(chunks, total));
    };
    stream.on('data', onData).on('end', onEnd).on('error', stop);
  });
}

/** The visitor of a bearer token, from a page of one of the app's allowed origins (or from no page). */
async function visitorFromBearer(request: FastifyRequest, reply: FastifyReply): Promise<void> {
  await requireVisitor(request, reply);
  const origin = originOf(request);
  if (origin && !request.visitor!.allowedOrigins.includes(origin)) {
    throw new AppError(ErrorCode.FORBIDDEN_ORIGIN, `The origin ${origin} is not allowed for this app; add it to the app's allowed origins.`, { status: 403 });
  }
}

/**
 * Files: `POST /api/visitor/attachments` (bearer) and `POST /api/agent/attachments` (console
 * cookie and origin) take the raw file as the body (`content-type: application/octet-stream`)
 * and its name in `?name=`, and answer `{ id, name, size, type }`; `GET /api/attachments/:id`
 * (bearer or cookie) serves a file to those who may read it, as a download;
 * `GET /api/attachments/policy` says the size limit and the allowed extensions to anyone.
 * Sessions are checked before a byte of an upload is read.
 */
export async function attachmentRoutes(app: FastifyInstance): Promise<void> {
  const { attachments, masking } = app.parley;
  const limiter = createRateLimiter(UPLOADS);

  app.addContentTypeParser('application/octet-stream', (request, payload, done) => {
    readLimited(payload, request.headers['content-length'], attachments.maxBytes).then(
      (bytes) => done(null, bytes),
      (error: Error) => done(error, undefined),
    );
  });

  const mayUpload = (principal: Principal) => {
    assertIdentityAllowsWrite(principal);
    if (!limiter.take(rateKey(principal))) {
      throw new AppError(ErrorCode.RATE_LIMITED, 'Too many files in a short time; wait a moment and send again.', { status: 429 });
    }
  };

  const upload = async (request: FastifyRequest, reply: FastifyReply, principal: Principal) => {
    const { name } = parseInput(UploadQuerySchema, request.query);
    if (!(request.body instanceof Buffer)) {
      throw new AppError(ErrorCode.INVALID_REQUEST, 'Send the file as the request body with content-type: application/octet-stream.', { status: 400 });
    }
    return reply.status(201).send(await attachments.upload(principal, { name, bytes: request.body }));
  };

  app.post('/api/visitor/attachments', {
    onRequest: [async (request, reply) => visitorCors(request, reply, 'POST', 'content-disposition, content-length'), visitorFromBearer, async (request) => mayUpload(request.visitor!)],
    handler: (request, reply) => upload(request, reply, request.visitor!),
  });

  app.post('/api/agent/attachments', {
    onRequest: [requireAgent, async (request) => mayUpload(request.agent!)],
    handler: (request, reply) => upload(request, reply, request.agent!),
  });

  // What the widget and the console check before they upload: the same limits, said once.
  const policy = { maxBytes: attachments.maxBytes, extensions: [...ALLOWED_EXTENSIONS].sort() };
  app.get('/api/attachments/policy', async (_request, reply) => {
    reply.header('Access-Control-Allow-Origin', '*');
    reply.header('Cache-Control', 'public, max-age=300');
    return policy;
  });

  app.options('/api/attachments/:id', async (request, reply) => {
    visitorCors(request, reply, 'GET', 'content-disposition, content-length');
    return reply.status(204).send();
  });

  app.get('/api/attachments/:id', {
    // A bearer token is a visitor (the widget); without one, the console's cookie is an agent.
    onRequest: async (request, reply) => {
      if (request.headers.authorization === undefined) return requireAgent(request, reply);
      visitorCors(request, reply, 'GET', 'content-disposition, content-length');
      return visitorFromBearer(request, reply);
    },
    handler: async (request, reply) => {
      const { id } = parseInput(ParamsSchema, request.params);
      const { attachment, bytes } = await attachments.download(request.visitor ?? request.agent!, id);
      // An agent's download is named as their console shows the file: masked where the workspace masks.
      const name = request.agent ? (await masking.maskerOf(request.agent.workspaceId)).text(attachment.name) : attachment.name;
      return reply
        .header('content-type', attachment.type === 'text/plain' ? 'text/plain; charset=utf-8' : attachment.type)
        .header('content-disposition', contentDisposition(name))
        .header('x-content-type-options', 'nosniff')
        // Opened directly, the file still runs nothing and loads nothing.
        .header('content-security-policy', "default-src 'none'; sandbox")
        .send(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
    },
  });
}
