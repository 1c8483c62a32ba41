// Orbit's front end: boots Parley from the ESM SDK and keeps it in step with the app's sign-in.
// With a bundler, import from '@parley/widget'; this page uses the built files in ./parley/.
import { Parley } from './parley/index.js';

const $ = (id) => document.getElementById(id);
const log = (text) => {
  const item = document.createElement('li');
  item.textContent = text;
  $('log').append(item);
};

// Parley is served through this app's origin (see server.mjs); a real site names its Parley host.
const boot = () => Parley.boot({ appId: 'demo', baseUrl: location.origin });

for (const event of ['ready', 'open', 'close', 'identified', 'conversationStarted', 'messageReceived', 'conversationEnded', 'error']) {
  Parley.on(event, (payload) => log(`${event}${payload ? ` ${JSON.stringify(payload)}` : ''}`));
}
Parley.on('unreadCountChange', ({ count }) => {
  $('unread').textContent = count ? `${count} unread` : '';
  document.title = `${count ? `(${count}) ` : ''}Orbit — project planning`;
});

/** Asks this app's server who is signed in; tells Parley, vouched for by the server's signature. */
async function identify() {
  const response = await fetch('/api/parley-identity');
  if (!response.ok) return void ($('who').textContent = 'Not signed in');
  const identity = await response.json();
  $('who').textContent = `Signed in as ${identity.name}`;
  await Parley.identify(identity);
}

async function signIn(user) {
  await fetch(`/login?user=${user}`, { method: 'POST' });
  // Another person in this browser: end the previous visitor's session first.
  await Parley.shutdown();
  boot();
  await identify();
}

async function signOut() {
  await fetch('/logout', { method: 'POST' });
  // The next person at this browser sees nothing of this user's conversations.
  await Parley.shutdown();
  boot();
  $('who').textContent = 'Not signed in';
}

$('sign-in-ada').addEventListener('click', () => void signIn('ada'));
$('sign-in-grace').addEventListener('click', () => void signIn('grace'));
$('sign-out').addEventListener('click', () => void signOut());
$('help').addEventListener('click', () => Parley.show());
$('order').addEventListener('click', () => Parley.newConversation('I have a question about invoice #1042: '));

boot();
await Parley.ready;
await identify();
