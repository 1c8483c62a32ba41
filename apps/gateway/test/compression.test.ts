import { request } from 'node:http';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGateway, type TestGateway } from './support/gateway.ts';
import { seedConversation } from './support/workspace.ts';

let gw: TestGateway;
let cookie: string;
let historyPath: string;

/** A GET as a browser sends it, answered with the raw bytes (Node's fetch would undo the compression). */
function get(path: string, acceptEncoding?: string): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const headers = { cookie, origin: gw.origin, ...(acceptEncoding && { 'accept-encoding': acceptEncoding }) };
    request(`${gw.url}${path}`, { headers }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => resolve({ status: response.statusCode!, headers: response.headers, body: Buffer.concat(chunks) }));
      response.on('error', reject);
    })
      .on('error', reject)
      .end();
  });
}

beforeAll(async () => {
  gw = await startGateway();
  cookie = await gw.login();
  const conversation = await seedConversation(gw.database, {
    messages: Array.from({ length: 50 }, (_, i) => ({ kind: i % 2 ? 'agent' : 'visitor', body: `Message ${i}: my order has not arrived yet, could you look at it please?` })),
  });
  historyPath = `/api/agent/conversations/${conversation.id}/messages?limit=50`;
});

afterAll(async () => {
  await gw?.close();
});

describe('answers of the API', () => {
  it('go out with brotli or gzip when the browser accepts it, the same JSON as uncompressed', async () => {
    const plain = await get(historyPath);
    expect(plain.status).toBe(200);
    expect(plain.headers['content-encoding']).toBeUndefined();
    const json = JSON.parse(plain.body.toString('utf8')) as { messages: unknown[] };
    expect(json.messages).toHaveLength(50);

    const br = await get(historyPath, 'gzip, deflate, br');
    expect(br.headers['content-encoding']).toBe('br');
    expect(br.headers.vary).toMatch(/accept-encoding/i);
    expect(br.headers['cache-control']).toBe('no-store');
    expect(JSON.parse(brotliDecompressSync(br.body).toString('utf8'))).toEqual(json);
    expect(br.body.length).toBeLessThan(plain.body.length / 4);

    const gz = await get(historyPath, 'gzip');
    expect(gz.headers['content-encoding']).toBe('gzip');
    expect(JSON.parse(gunzipSync(gz.body).toString('utf8'))).toEqual(json);
  });

  it('stay as they are when small, or when the browser asks for an encoding the gateway does not make', async () => {
    const me = await get('/api/agent/me', 'gzip, br');
    expect(me.status).toBe(200);
    expect(me.headers['content-encoding']).toBeUndefined();
    expect(JSON.parse(me.body.toString('utf8'))).toHaveProperty('agent');

    const odd = await get(historyPath, 'compress');
    expect(odd.status).toBe(200);
    expect(odd.headers['content-encoding']).toBeUndefined();
    expect(JSON.parse(odd.body.toString('utf8')).messages).toHaveLength(50);
  });

  it('errors too keep their shape', async () => {
    const missing = await get('/api/agent/conversations/not-a-conversation/messages', 'br');
    expect(missing.status).toBe(404);
    const body = missing.headers['content-encoding'] === 'br' ? brotliDecompressSync(missing.body) : missing.body;
    expect(JSON.parse(body.toString('utf8'))).toMatchObject({ error: { code: expect.any(String) } });
  });
});
