import { ConfigError, loadConfig } from './config.ts';
import { openDatabase } from './db/database.ts';
import { AppError } from './domain/errors.ts';
import { seedDemo } from './domain/seed.ts';
import { buildGateway } from './http/server.ts';

function exitWith(message: string): never {
  process.stderr.write(`\n${message}\n\n`);
  process.exit(1);
}

async function main() {
  const config = loadConfig(process.env);
  const database = await openDatabase(
    config.databaseUrl ? { kind: 'postgres', url: config.databaseUrl } : { kind: 'pglite', dataDir: config.dataDir },
  );
  const app = await buildGateway({ config, database });
  await app.listen({ port: config.port, host: config.host });
  // Seeded after listening, so the demo app's origins carry the real port (PORT=0 picks one).
  const port = (app.server.address() as { port: number }).port;
  const seed = await seedDemo(database.db, { port, appSecret: config.demoAppSecret, password: config.demoPassword });
  const base = `http://localhost:${port}`;
  const where = database.kind === 'pglite' ? `embedded database in ${config.dataDir} (PGlite; for trying Parley and small single-node sites)` : 'PostgreSQL';
  const lines = [
    '',
    `Parley is running on ${where}.`,
    `  Demo site:  ${base}/`,
    `  Console:    ${base}/console/`,
    `  Agent:      ${seed.agentEmail}  password: ${seed.agentPassword ?? '(as printed at first start; set PARLEY_DEMO_PASSWORD to choose one)'}`,
    ...(seed.appSecret ? [`  Demo app identity secret (keep it on your server): ${seed.appSecret}`] : []),
    '',
  ];
  process.stdout.write(`${lines.join('\n')}\n`);

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    app.log.info({ signal }, 'shutting down');
    await app.close();
    await database.close();
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
}

main().catch((error: unknown) => {
  if (error instanceof ConfigError) exitWith(`${error.message}\nFix the variable and start again.`);
  if (error instanceof AppError) exitWith(error.message);
  if ((error as NodeJS.ErrnoException).code === 'EADDRINUSE') {
    exitWith(`The port is already in use (${(error as Error).message}). Stop the other program or set PORT to a free port.`);
  }
  if ((error as NodeJS.ErrnoException).code === 'ECONNREFUSED') {
    exitWith(`Cannot reach the PostgreSQL server in DATABASE_URL (${(error as Error).message}). Start it, or unset DATABASE_URL to use the embedded database.`);
  }
  console.error(error);
  process.exit(1);
});
