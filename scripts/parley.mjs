#!/usr/bin/env node
// The two commands of the README: `npm start` and `npm test`.
// Plain Node with no dependencies, so it runs on a machine that has only Node 20 and npm:
// it installs pnpm into .parley/tools (corepack's signature check is not reliable), installs
// the workspace, builds what the gateway serves, then starts it or runs the whole test suite.
import { spawnSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { createConnection } from 'node:net';
import { dirname, join, resolve as resolvePath } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const PNPM_VERSION = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).packageManager.split('@')[1];
const toolsDir = join(root, '.parley', 'tools');

function say(line) {
  process.stdout.write(`[parley] ${line}\n`);
}

function fail(line) {
  process.stderr.write(`[parley] ${line}\n`);
  process.exit(1);
}

function run(cmd, args, options = {}) {
  const result = spawnSync(cmd, args, { cwd: root, stdio: 'inherit', ...options });
  if (result.error) fail(`could not run ${cmd}: ${result.error.message}`);
  return result.status ?? 1;
}

function must(cmd, args, what, options) {
  const status = run(cmd, args, options);
  if (status !== 0) fail(`${what} failed (exit ${status}).`);
}

/** The pnpm binary: the pinned version from .parley/tools, installed there with npm if missing. */
function ensurePnpm() {
  const bin = join(toolsDir, 'bin', process.platform === 'win32' ? 'pnpm.cmd' : 'pnpm');
  if (existsSync(bin)) return bin;
  say(`installing pnpm ${PNPM_VERSION} into .parley/tools (one time)…`);
  mkdirSync(toolsDir, { recursive: true });
  must('npm', ['install', '--global', '--no-audit', '--no-fund', '--prefix', toolsDir, `pnpm@${PNPM_VERSION}`], 'installing pnpm with npm');
  if (!existsSync(bin)) fail(`pnpm was installed but ${bin} is missing; remove .parley/ and try again.`);
  return bin;
}

function mtime(path) {
  try {
    return statSync(path).mtimeMs;
  } catch {
    return 0;
  }
}

/** Installs the workspace's dependencies when the lockfile is newer than the installed tree. */
function ensureDeps(pnpm) {
  const marker = join(root, 'node_modules', '.modules.yaml');
  const installed = mtime(marker);
  const wanted = Math.max(mtime(join(root, 'pnpm-lock.yaml')), ...workspacePackageJsons().map(mtime));
  if (installed && installed >= wanted) return;
  say('installing dependencies with pnpm…');
  const frozen = process.env.CI ? ['--frozen-lockfile'] : [];
  must(pnpm, ['install', ...frozen], 'pnpm install');
}

function workspacePackageJsons() {
  const files = [join(root, 'package.json')];
  for (const group of ['packages', 'apps', 'examples']) {
    const dir = join(root, group);
    if (!existsSync(dir)) continue;
    for (const name of readdirSync(dir)) {
      const file = join(dir, name, 'package.json');
      if (existsSync(file)) files.push(file);
    }
  }
  return files;
}

function build(pnpm) {
  say('building the packages the gateway serves…');
  must(pnpm, ['-r', '--if-present', 'run', 'build'], 'build');
}

function isRoot() {
  return typeof process.getuid === 'function' && process.getuid() === 0;
}

/** Debian's Chromium drives the browser journeys; installs it as root, else says how. */
function ensureChromium() {
  const candidates = [process.env.CHROMIUM_PATH, '/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome'];
  const found = candidates.find((p) => p && existsSync(p));
  if (found) {
    process.env.CHROMIUM_PATH = found;
    return;
  }
  if (isRoot() && existsSync('/usr/bin/apt-get')) {
    say('installing Chromium from Debian for the browser tests (apt-get install -y chromium)…');
    run('apt-get', ['update', '-qq']);
    must('apt-get', ['install', '-y', '-qq', 'chromium'], 'apt-get install chromium', {
      env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
    });
    process.env.CHROMIUM_PATH = '/usr/bin/chromium';
    return;
  }
  fail(
    'the browser tests need Chromium. Install it (Debian/Ubuntu: `sudo apt-get install -y chromium`) ' +
      'or set CHROMIUM_PATH to a Chromium or Chrome binary, then run `npm test` again.',
  );
}

function portAnswers(host, port) {
  return new Promise((resolve) => {
    const socket = createConnection({ host, port });
    const done = (ok) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(1500, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

/** The database suites run on PGlite always, and on PostgreSQL when a server answers. */
async function findPostgres() {
  if (process.env.PARLEY_TEST_DATABASE_URL) return process.env.PARLEY_TEST_DATABASE_URL;
  if (process.env.DATABASE_URL) return process.env.DATABASE_URL;
  if (await portAnswers('127.0.0.1', 5432)) return 'postgres://postgres@127.0.0.1:5432/test';
  return undefined;
}

async function test(pnpm) {
  ensureChromium();
  const pg = await findPostgres();
  if (pg) {
    process.env.PARLEY_TEST_DATABASE_URL = pg;
    say(`database suites run on PGlite and on PostgreSQL at ${pg.replace(/\/\/[^@]*@/, '//')}`);
  } else {
    say(
      'no PostgreSQL server answers at 127.0.0.1:5432 and DATABASE_URL is unset: the database suites run on PGlite only. ' +
        'To run them on PostgreSQL too, start a server (Debian: `apt-get install -y postgresql`) or set DATABASE_URL.',
    );
  }
  delete process.env.DATABASE_URL;
  build(pnpm);
  say('type-checking…');
  must(pnpm, ['exec', 'tsc', '-p', 'tsconfig.json'], 'type-check');
  say('checking bundle size budgets…');
  must(pnpm, ['run', '--if-present', '--filter', '@parley/widget', 'size'], 'size budgets');
  say('running the test suite…');
  const summaryFile = join(root, 'test-output', 'summary.json');
  rmSync(summaryFile, { force: true });
  const status = run(pnpm, ['exec', 'vitest', 'run', '--reporter=default', '--reporter=./scripts/summary-reporter.ts']);
  if (!existsSync(summaryFile)) fail(`the test runner wrote no summary (exit ${status}).`);
  const summary = JSON.parse(readFileSync(summaryFile, 'utf8'));
  const expected = summary.configured;
  const ran = new Map(summary.projects.map((p) => [p.name, p]));
  const empty = expected.filter((name) => !(ran.get(name)?.passed + ran.get(name)?.failed > 0));
  let passed = 0;
  let failed = summary.unhandledErrors;
  for (const name of expected) {
    const p = ran.get(name) ?? { passed: 0, failed: 0, skipped: 0 };
    passed += p.passed;
    failed += p.failed;
    say(`  ${name}: ${p.passed} passed, ${p.failed} failed${p.skipped ? `, ${p.skipped} skipped` : ''}`);
  }
  if (empty.length) say(`these test projects ran no test, which counts as a failure: ${empty.join(', ')}`);
  if (summary.unhandledErrors) say(`${summary.unhandledErrors} unhandled error(s) during the run count as failures.`);
  process.stdout.write(`${passed} passed, ${failed} failed\n`);
  process.exit(status === 0 && failed === 0 && !empty.length ? 0 : 1);
}

async function start(pnpm) {
  build(pnpm);
  // The gateway runs in its own folder; the data folder is named relative to where `npm start` ran.
  const dataDir = resolvePath(process.cwd(), process.env.PARLEY_DATA_DIR || '.data');
  const env = { ...process.env, PARLEY_DATA_DIR: dataDir };
  const child = spawn(pnpm, ['--filter', '@parley/gateway', 'run', 'start'], { cwd: root, stdio: 'inherit', env });
  for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
  child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
}

const [command, ...rest] = process.argv.slice(2);
const commands = {
  start: (pnpm) => start(pnpm),
  test: (pnpm) => test(pnpm),
  build: (pnpm) => build(pnpm),
  // Arguments pass through, e.g. `npm run bench -- --pairs 20 --db postgres`.
  bench: (pnpm) => process.exit(run(pnpm, ['--filter', '@parley/gateway', 'run', 'bench', ...rest])),
  'db:generate': (pnpm) => process.exit(run(pnpm, ['--filter', '@parley/gateway', 'run', 'db:generate', ...rest])),
};
if (!(command in commands)) fail(`usage: node scripts/parley.mjs ${Object.keys(commands).join('|')}`);
const pnpm = ensurePnpm();
ensureDeps(pnpm);
await commands[command](pnpm);
