#!/usr/bin/env node
// A tiny web app that uses Parley's ESM SDK. No framework: node:http only.
//
//   PARLEY_IDENTITY_SECRET=<the demo app's identity secret> node server.mjs
//
// Parley must run too (`npm start` at the repository root, on http://localhost:3000). The app
// serves its page on http://localhost:3100 and answers three things itself:
//   POST /login, POST /logout    a pretend sign-in (a cookie naming one of two demo users)
//   GET  /api/parley-identity    { userId, signature, name, email } for the signed-in user
// and passes /widget/*, /api/visitor/* and /ws/visitor through to Parley, so the widget talks to
// this origin (see "Same origin" below).
import { createHmac } from 'node:crypto';
import { createReadStream, existsSync, statSync } from 'node:fs';
import { createServer, request } from 'node:http';
import { connect } from 'node:net';
import { dirname, extname, join, normalize } from 'node:path';
import { fileURLToPath } from 'node:url';

const PORT = Number(process.env.PORT ?? 3100);
const PARLEY = new URL(process.env.PARLEY_URL ?? 'http://localhost:3000');
const SECRET = process.env.PARLEY_IDENTITY_SECRET;
const dist = join(dirname(fileURLToPath(import.meta.url)), 'dist');

if (!SECRET) {
  process.stderr.write(
    'Set PARLEY_IDENTITY_SECRET to the demo app\'s identity secret: Parley prints it at its first start,\n' +
      'or start Parley with PARLEY_DEMO_APP_SECRET=<at least 16 characters> and use the same value here.\n',
  );
  process.exit(1);
}
if (!existsSync(join(dist, 'index.html'))) {
  process.stderr.write('dist/ is missing: run `npm run build` at the repository root first.\n');
  process.exit(1);
}

/** The demo's users; a real app has its own accounts and sessions. */
const USERS = {
  ada: { id: 'user-ada', name: 'Ada Lovelace', email: 'ada@example.com' },
  grace: { id: 'user-grace', name: 'Grace Hopper', email: 'grace@example.com' },
};

// Signing, the part every site needs on its server: HMAC-SHA256 of the user id with the app's
// identity secret, as hex. The secret stays here; the page only ever sees the signature.
function parleyIdentity(user) {
  const signature = createHmac('sha256', SECRET).update(user.id).digest('hex');
  return { userId: user.id, signature, name: user.name, email: user.email };
}

const signedIn = (req) => USERS[/(?:^|;\s*)demo_user=(\w+)/.exec(req.headers.cookie ?? '')?.[1]];

const TYPES = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.css': 'text/css; charset=utf-8' };

function json(res, status, body, headers = {}) {
  res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store', ...headers });
  res.end(JSON.stringify(body));
}

// Same origin: the demo app in Parley allows only Parley's own origin, so this server passes the
// widget's traffic through and presents it as coming from there. A real site instead adds its
// own origin to the app's allowed origins and boots with baseUrl: 'https://YOUR-PARLEY-HOST'.
const isParley = (url) => url.startsWith('/widget/') || url.startsWith('/api/visitor/');
const upstreamHeaders = (headers) => ({ ...headers, host: PARLEY.host, ...(headers.origin && { origin: PARLEY.origin }) });

function proxy(req, res) {
  const upstream = request({ host: PARLEY.hostname, port: PARLEY.port, path: req.url, method: req.method, headers: upstreamHeaders(req.headers) }, (answer) => {
    res.writeHead(answer.statusCode ?? 502, answer.headers);
    answer.pipe(res);
  });
  upstream.on('error', () => json(res, 502, { error: { code: 'UNAVAILABLE', message: `Parley does not answer at ${PARLEY.origin}; start it with npm start.` } }));
  req.pipe(upstream);
}

const server = createServer((req, res) => {
  const path = req.url.split('?')[0];
  if (req.method === 'GET' && path === '/api/parley-identity') {
    const user = signedIn(req);
    return user ? json(res, 200, parleyIdentity(user)) : json(res, 401, { error: { code: 'UNAUTHORIZED', message: 'Nobody is signed in.' } });
  }
  if (req.method === 'POST' && path === '/login') {
    const name = new URL(req.url, 'http://app').searchParams.get('user');
    if (!USERS[name]) return json(res, 400, { error: { code: 'INVALID_REQUEST', message: 'user must be ada or grace' } });
    return json(res, 200, { user: USERS[name] }, { 'set-cookie': `demo_user=${name}; Path=/; HttpOnly; SameSite=Strict` });
  }
  if (req.method === 'POST' && path === '/logout') return json(res, 200, { ok: true }, { 'set-cookie': 'demo_user=; Path=/; Max-Age=0; HttpOnly; SameSite=Strict' });
  if (req.method === 'GET' && path === '/api/me') return json(res, 200, { user: signedIn(req) ?? null });
  if (isParley(path)) return proxy(req, res);

  const file = normalize(join(dist, path === '/' ? 'index.html' : path));
  if (!file.startsWith(dist) || !existsSync(file) || !statSync(file).isFile()) return json(res, 404, { error: { code: 'NOT_FOUND', message: `No ${path}.` } });
  res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream', 'x-content-type-options': 'nosniff' });
  createReadStream(file).pipe(res);
});

// The visitor socket: the upgrade request goes through as it is (with Parley's origin), then the bytes.
server.on('upgrade', (req, socket, head) => {
  if (!req.url.startsWith('/ws/visitor')) return socket.destroy();
  const upstream = connect(Number(PARLEY.port || 80), PARLEY.hostname, () => {
    const headers = upstreamHeaders(req.headers);
    const lines = [`${req.method} ${req.url} HTTP/1.1`, ...Object.entries(headers).map(([name, value]) => `${name}: ${value}`), '', ''];
    upstream.write(lines.join('\r\n'));
    upstream.write(head);
    socket.pipe(upstream).pipe(socket);
  });
  const close = () => {
    socket.destroy();
    upstream.destroy();
  };
  upstream.on('error', close);
  socket.on('error', close);
});

server.listen(PORT, process.env.HOST ?? 'localhost', () => {
  const { address, port } = server.address();
  process.stdout.write(`Example app on http://${address.includes(':') ? 'localhost' : address}:${port}/ (Parley at ${PARLEY.origin})\n`);
});
