import { randomUUID } from 'node:crypto';
import type { Sql } from 'postgres';
import type { CommittedBatch } from '../domain/conversations/message-writer.ts';
import { createListeners, type Bus } from './bus.ts';

const CHANNEL = 'parley_messages';

/**
 * Fan-out between gateway nodes through PostgreSQL LISTEN/NOTIFY. A notification carries only
 * ids (node, conversation, seq range); the receiving nodes read the rows from the database.
 * Notifications are handled one at a time, so each conversation's messages stay in seq order.
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
    publish(batches) {
      for (const batch of batches) {
        listeners.emit(batch);
        const seqs = batch.messages.map((m) => m.seq);
        sql.notify(CHANNEL, [node, batch.conversation.id, Math.min(...seqs), Math.max(...seqs)].join('|')).catch(onError);
      }
    },
    subscribe: listeners.add,
    close: () => subscription.unlisten(),
  };
}
