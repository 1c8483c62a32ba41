// One gateway node's share of the routing bench: enqueues its chats, 20 at a time.
import { openDatabase } from '../src/db/database.ts';
import { createRoutingService } from '../src/domain/routing/routing-service.ts';

const [url, workspace, queueId, list] = process.argv.slice(2);
const chats: string[] = JSON.parse(list!);
const database = await openDatabase({ kind: 'postgres', url: url!, maxConnections: 20 });
const routing = createRoutingService({ db: database.db });
let next = 0;
await Promise.all(
  Array.from({ length: 20 }, async () => {
    while (next < chats.length) await routing.enqueue(chats[next++]!, workspace!, queueId!);
  }),
);
await database.close();
