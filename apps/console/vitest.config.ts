import { defineConfig } from 'vitest/config';

// Component and model tests run in happy-dom; the root project list uses the same settings.
export default defineConfig({
  oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
  test: {
    name: 'console',
    include: ['src/**/*.test.{ts,tsx}'],
    environment: 'happy-dom',
  },
});
