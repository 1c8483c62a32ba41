// The list of test projects. The root vitest.config.ts imports it (Vitest 4 ignores this file
// on its own). Database suites run once on PGlite and, when a PostgreSQL server answers
// (PARLEY_TEST_DATABASE_URL, set by `npm test`), once more on it.
import type { TestProjectConfiguration } from 'vitest/config';

const database = (kind: 'pglite' | 'postgres'): TestProjectConfiguration => ({
  test: {
    name: `gateway:${kind}`,
    root: './apps/gateway',
    include: ['test/**/*.test.ts'],
    exclude: ['test/browser/**'],
    environment: 'node',
    env: { PARLEY_TEST_DB: kind },
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});

// Component tests of the Preact surfaces run in happy-dom.
const dom = (name: string, root: string): TestProjectConfiguration => ({
  oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
  test: { name, root, include: ['src/**/*.test.{ts,tsx}'], environment: 'happy-dom' },
});

export const projects: TestProjectConfiguration[] = [
  { test: { name: 'protocol', root: './packages/protocol', include: ['src/**/*.test.ts'], environment: 'node' } },
  { test: { name: 'client', root: './packages/client', include: ['src/**/*.test.ts'], environment: 'node' } },
  { test: { name: 'gateway', root: './apps/gateway', include: ['src/**/*.test.ts'], environment: 'node' } },
  dom('widget', './packages/widget'),
  dom('console', './apps/console'),
  database('pglite'),
  // User journeys in headless Chromium against a gateway on PGlite, one file at a time.
  {
    test: {
      name: 'browser',
      root: './apps/gateway',
      include: ['test/browser/**/*.test.ts'],
      environment: 'node',
      env: { PARLEY_TEST_DB: 'pglite' },
      testTimeout: 60_000,
      hookTimeout: 60_000,
      fileParallelism: false,
    },
  },
  ...(process.env.PARLEY_TEST_DATABASE_URL ? [database('postgres')] : []),
];
