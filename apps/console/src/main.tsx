import { createClient, localStorageOutboxStore } from '@parley/client';
import { render } from 'preact';
import { browserAlerts } from './alerts.ts';
import { createApi } from './api.ts';
import { App } from './components/App.tsx';
import { createConsoleModel } from './ConsoleModel.ts';
import { syncHash } from './routing.ts';
import { browserViewLocation } from './ViewsModel.ts';

const model = createConsoleModel({
  api: createApi(),
  alerts: browserAlerts(),
  // The chosen view and its filters live in the address bar's query, so a reload keeps them.
  viewLocation: browserViewLocation(window),
  createClient: (agent) =>
    createClient({
      // Same origin: the session cookie authenticates the socket, so no token subprotocol.
      url: () => `${location.protocol === 'https:' ? 'wss:' : 'ws:'}//${location.host}/ws/agent`,
      // Per agent, so a reply typed before a reload or a lost connection is still sent.
      outbox: localStorageOutboxStore(localStorage, `parley.console.outbox.${agent.id}`),
    }),
});

syncHash(window, model.selectedId, (id) => model.open(id));
void model.start();
render(<App model={model} />, document.getElementById('app')!);
