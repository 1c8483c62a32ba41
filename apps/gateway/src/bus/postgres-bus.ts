import { randomUUID } from 'node:crypto';
import { sql as query } from 'drizzle-orm';
import type { Sql } from 'postgres';
import type { CommittedBatch } from '../domain/conversations/message-writer.ts';
import { createListeners, type Bus } from './bus.ts';

const CHANNEL = 'parley_messages';

/**
 * Fan-out between gateway nodes through PostgreSQL LISTEN/NOTIFY. A notification carries only
 * ids (node, conversation, seq range); the receiving nodes read the rows from the database.
 * NOTIFY runs inside the statement that writes the messages: PostgreSQL delivers notifications only for
 * committed transactions and in commit order, and they are handled one at a time, so each
 * conversation's messages reach the other nodes in seq order.
 */
export async function createPostgresBus({
  sql,
  load,
  onError,
}: {
  sql: Sql;
  load: (conversationId: string, fromSeq: number, toSeq: number) => Promise<CommittedBatch | undefined>;
  onError: (error: unknown) => void;
}): Promise<Bus> {
  const node = randomUUID();
  const listeners = createListeners<CommittedBatch>();
  let chain = Promise.resolve();
  const subscription = await sql.listen(CHANNEL, (payload) => {
    const [from, conversationId, first, last] = payload.split('|');
    if (from === node || !conversationId) return;
    chain = chain
      .then(async () => {
        const batch = await load(conversationId, Number(first), Number(last));
        if (batch?.messages.length) listeners.emit(batch);
      })
      .catch(onError);
  });
  return {
    channel: { name: CHANNEL, node },
    async announce(tx, notices) {
      const payloads = notices.map((n) => [node, n.conversationId, n.fromSeq, n.toSeq].join('|'));
      await tx.execute(query`select pg_notify(${CHANNEL}, value) from json_array_elements_text(${JSON.stringify(payloads)}::json)`);
    },
    publish: (batches) => batches.forEach(listeners.emit),
    subscribe: listeners.add,
    close: () => subscription.unlisten(),
  };
}
