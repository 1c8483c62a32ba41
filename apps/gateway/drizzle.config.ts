import { defineConfig } from 'drizzle-kit';

// Migrations are generated from the schema and committed as drizzle-kit writes them.
export default defineConfig({
  dialect: 'postgresql',
  schema: './src/db/schema/index.ts',
  out: './drizzle',
});
