// One gateway node's share of the routing bench: enqueues its chats, 20 at a time.
import { openDatabase } from '../src/db/database.ts';
import { createMaskingSettings } from '../src/domain/masking/masking-settings.ts';
import { createRoutingService } from '../src/domain/routing/routing-service.ts';

const [url, workspace, queueId, list] = process.argv.slice(2);
const chats: string[] = JSON.parse(list!);
const database = await openDatabase({ kind: 'postgres', url: url!, maxConnections: 20 });
// Each workspace's masking setting, read once (no periodic re-read in a short-lived process).
const masking = createMaskingSettings({ db: database.db, announce: () => {}, onError: (error) => console.error(error) });
masking.stop();
const routing = createRoutingService({ db: database.db, masking: masking.maskerOf });
let next = 0;
await Promise.all(
  Array.from({ length: 20 }, async () => {
    while (next < chats.length) await routing.enqueue(chats[next++]!, workspace!, queueId!);
  }),
);
await database.close();
