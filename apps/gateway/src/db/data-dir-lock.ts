import { closeSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { AppError } from '../domain/errors.ts';

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Takes the data folder for this process (PGlite serves one process). A second process on the
 * same folder is refused with a message that says what to do; a lock left by a process that
 * died is taken over. Returns the function that releases it.
 */
export function acquireDataDirLock(dataDir: string): () => void {
  const file = join(dataDir, 'parley.lock');
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(file, 'wx');
      writeSync(fd, String(process.pid));
      closeSync(fd);
      let released = false;
      const release = () => {
        if (released) return;
        released = true;
        process.off('exit', release);
        rmSync(file, { force: true });
      };
      process.on('exit', release);
      return release;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const pid = Number(readFileSync(file, 'utf8').trim());
      if (Number.isInteger(pid) && pid > 0 && pid !== process.pid && alive(pid)) {
        throw new AppError(
          'DATA_DIR_LOCKED',
          `The data folder ${dataDir} is in use by another Parley process (pid ${pid}). ` +
            'The embedded database serves one process: stop that process, start this one with another PARLEY_DATA_DIR, ' +
            'or set DATABASE_URL to a PostgreSQL server to run several gateways.',
        );
      }
      rmSync(file, { force: true });
    }
  }
  throw new AppError('DATA_DIR_LOCKED', `Could not lock the data folder ${dataDir}; remove ${file} if no Parley process runs.`);
}
