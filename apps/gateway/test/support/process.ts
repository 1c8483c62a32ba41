import { spawn, type ChildProcess } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const gatewayDir = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const tsx = join(gatewayDir, 'node_modules', '.bin', 'tsx');

/** A gateway started as its own process, the way `pnpm start` runs it. */
export interface GatewayProcess {
  child: ChildProcess;
  output(): string;
  /** Resolves with the exit code. */
  exited: Promise<number | null>;
  /** Resolves once the process printed its start banner; rejects if it exits first. */
  ready: Promise<void>;
  stop(): Promise<number | null>;
}

/** Spawns `src/main.ts` with the given environment (PORT defaults to 0). */
export function spawnGateway(env: Record<string, string>): GatewayProcess {
  const clean = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('PARLEY_') && k !== 'DATABASE_URL' && k !== 'PORT'));
  const child = spawn(tsx, ['src/main.ts'], { cwd: gatewayDir, env: { ...clean, LOG_LEVEL: 'warn', PORT: '0', HOST: '127.0.0.1', ...env } });
  let text = '';
  child.stdout!.on('data', (d) => (text += d));
  child.stderr!.on('data', (d) => (text += d));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const ready = new Promise<void>((resolve, reject) => {
    const timer = setInterval(() => {
      if (text.includes('Parley is running')) {
        clearInterval(timer);
        resolve();
      }
    }, 50);
    void exited.then((code) => {
      clearInterval(timer);
      reject(new Error(`gateway exited with ${code} before it was ready:\n${text}`));
    });
  });
  ready.catch(() => {});
  return {
    child,
    output: () => text,
    exited,
    ready,
    stop: async () => {
      if (child.exitCode === null) child.kill('SIGTERM');
      return exited;
    },
  };
}

/** The URL the banner printed for the console, e.g. http://localhost:PORT. */
export function baseUrlOf(output: string): string {
  const match = /Console:\s+(http:\/\/[^/\s]+)/.exec(output);
  if (!match) throw new Error(`no console URL in:\n${output}`);
  return match[1]!.replace('localhost', '127.0.0.1');
}
