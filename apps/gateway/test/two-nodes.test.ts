import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type OpenDatabase } from '../src/db/database.ts';
import { TEST_DB } from './support/database.ts';
import { deliveryUnderDrops } from './support/delivery.ts';
import { cid, startGateway, type TestGateway } from './support/gateway.ts';

// Several gateway nodes share one PostgreSQL server; LISTEN/NOTIFY carries fan-out between them.
describe.runIf(TEST_DB === 'postgres')('two gateway nodes on one PostgreSQL database', () => {
  let a: TestGateway;
  let b: TestGateway;
  let secondHandle: OpenDatabase;

  beforeAll(async () => {
    a = await startGateway();
    secondHandle = await openDatabase({ kind: 'postgres', url: (a.database as OpenDatabase & { url: string }).url });
    b = await startGateway({}, secondHandle);
  });
  afterAll(async () => {
    await b?.close();
    await secondHandle?.close();
    await a?.close();
  });

  it('delivers a message written on one node to the sockets of the other, in seq order', async () => {
    const { token } = await a.visitor();
    const visitorOnA = await a.connectVisitor(token);
    await visitorOnA.next('hello');
    const agentOnB = await b.connectAgent(await b.login());
    await agentOnB.next('hello');
    const visitorOnB = await b.connectVisitor(token, { origin: b.origin });
    await visitorOnB.next('hello').catch(() => undefined);

    const clientConversationId = cid();
    for (let i = 0; i < 20; i++) visitorOnA.send({ type: 'message.send', ref: `m${i}`, clientConversationId, clientMessageId: cid(), body: `from node a ${i}` });
    await visitorOnA.next('message.ack', (f) => f.ref === 'm19');
    await agentOnB.next('message.created', (f) => f.message.body === 'from node a 19');
    const seen = agentOnB.frames.flatMap((f) => (f.type === 'message.created' ? [f.message.seq] : []));
    expect(seen).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));

    // And back: the agent on node b answers, the visitor on node a sees it.
    const conversationId = (await visitorOnA.next('message.ack')).conversationId;
    agentOnB.send({ type: 'message.send', ref: 'r', conversationId, clientMessageId: cid(), body: 'from node b' });
    await visitorOnA.next('message.created', (f) => f.message.body === 'from node b');
    for (const s of [visitorOnA, agentOnB, visitorOnB]) s.close();
  });

  it('keeps every message through drops when each reconnect lands on either node', async () => {
    // The resume is served by whichever node the new socket reached; live frames cross by NOTIFY.
    await deliveryUnderDrops([a, b], await a.login(), 15);
  }, 120_000);

  it('announces nothing to the other node when a write stores nothing', async () => {
    const { token } = await a.visitor();
    const visitor = await a.connectVisitor(token);
    await visitor.next('hello');
    const agentOnB = await b.connectAgent(await b.login());
    await agentOnB.next('hello');
    visitor.send({ type: 'message.send', ref: 'x', clientConversationId: cid(), clientMessageId: cid(), body: 'y'.repeat(1001) });
    await visitor.next('error', (f) => f.ref === 'x');
    visitor.send({ type: 'ping', ref: 'p' });
    await visitor.next('pong');
    await new Promise((r) => setTimeout(r, 300));
    expect(agentOnB.frames.filter((f) => f.type === 'message.created')).toEqual([]);
    visitor.close();
    agentOnB.close();
  });
});
