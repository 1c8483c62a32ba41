import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { TEST_DB, openTestDatabase } from './support/database.ts';
import { baseUrlOf, spawnGateway, type GatewayProcess } from './support/process.ts';

const started: GatewayProcess[] = [];
const spawnTracked = (env: Record<string, string>) => {
  const p = spawnGateway(env);
  started.push(p);
  return p;
};
afterAll(async () => {
  await Promise.all(started.map((p) => p.stop()));
});

describe('configuration', () => {
  it.each([
    [{ PORT: 'abc' }, 'PORT', 'whole number'],
    [{ PORT: '70000' }, 'PORT', 'whole number'],
    [{ DATABASE_URL: 'mysql://nope' }, 'DATABASE_URL', 'postgres://'],
    [{ LOG_LEVEL: 'loud' }, 'LOG_LEVEL', 'one of'],
  ])('refuses to start with %o, naming the variable and what it expects', async (env, name, expected) => {
    const p = spawnTracked(env as Record<string, string>);
    expect(await p.exited).not.toBe(0);
    expect(p.output()).toContain(name);
    expect(p.output()).toContain(expected);
    expect(p.output()).not.toMatch(/\n\s+at /); // a message, not a stack trace
  });
});

describe.runIf(TEST_DB === 'pglite')('the embedded database', () => {
  it('keeps data across restarts, prints the generated password once, and refuses a second process', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'parley-data-'));
    const first = spawnTracked({ PARLEY_DATA_DIR: dataDir });
    await first.ready;
    const password = /password: (\S+)/.exec(first.output())?.[1];
    expect(password).toMatch(/^[A-Za-z0-9_-]{16}$/);
    expect(first.output()).toMatch(/Demo site:\s+http:\/\/localhost:\d+\//);

    const second = spawnTracked({ PARLEY_DATA_DIR: dataDir });
    expect(await second.exited).toBe(1);
    expect(second.output()).toContain('in use by another Parley process');
    expect(second.output()).toContain('DATABASE_URL');

    const base = baseUrlOf(first.output());
    const login = await fetch(`${base}/api/agent/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: base },
      body: JSON.stringify({ email: 'agent@example.com', password }),
    });
    expect(login.status).toBe(200);
    const visitorRes = await fetch(`${base}/api/visitor/sessions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: base.replace('127.0.0.1', 'localhost') },
      body: JSON.stringify({ appId: 'demo' }),
    });
    expect(visitorRes.status).toBe(201);
    const visitor = await visitorRes.json();
    expect(await first.stop()).toBe(0);

    const again = spawnTracked({ PARLEY_DATA_DIR: dataDir });
    await again.ready;
    expect(again.output()).not.toContain(password);
    const base2 = baseUrlOf(again.output());
    const list = await fetch(`${base2}/api/visitor/conversations`, {
      headers: { authorization: `Bearer ${visitor.token}`, origin: base2.replace('127.0.0.1', 'localhost') },
    });
    expect(list.status).toBe(200);
    const relogin = await fetch(`${base2}/api/agent/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: base2 },
      body: JSON.stringify({ email: 'agent@example.com', password }),
    });
    expect(relogin.status).toBe(200);
    await again.stop();

    const chosen = spawnTracked({ PARLEY_DATA_DIR: dataDir, PARLEY_DEMO_PASSWORD: 'a-password-we-chose' });
    await chosen.ready;
    const base3 = baseUrlOf(chosen.output());
    const withChosen = await fetch(`${base3}/api/agent/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: base3 },
      body: JSON.stringify({ email: 'agent@example.com', password: 'a-password-we-chose' }),
    });
    expect(withChosen.status).toBe(200);
    await chosen.stop();
  }, 90_000);
});

describe.runIf(TEST_DB === 'postgres')('a PostgreSQL server', () => {
  it('lets two gateway processes start at once on one database, migrating it once', async () => {
    const database = await openTestDatabase();
    const url = database.url!;
    await database.close();
    // A fresh, empty database for the two processes to migrate together.
    const fresh = url.replace(/parley_test_\w+/, (name) => `${name}_b`);
    const { default: postgres } = await import('postgres');
    const admin = postgres(process.env.PARLEY_TEST_DATABASE_URL!, { max: 1, onnotice: () => {} });
    const dbName = new URL(fresh).pathname.slice(1);
    await admin.unsafe(`create database ${dbName}`);
    try {
      const a = spawnTracked({ DATABASE_URL: fresh, PARLEY_DEMO_PASSWORD: 'two-nodes-password' });
      const b = spawnTracked({ DATABASE_URL: fresh, PARLEY_DEMO_PASSWORD: 'two-nodes-password' });
      await Promise.all([a.ready, b.ready]);
      for (const p of [a, b]) expect((await fetch(`${baseUrlOf(p.output())}/healthz`)).status).toBe(200);
      await Promise.all([a.stop(), b.stop()]);
    } finally {
      await admin.unsafe(`drop database if exists ${dbName} with (force)`);
      await admin.end();
    }
  }, 90_000);
});
