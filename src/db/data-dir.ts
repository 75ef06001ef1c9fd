import { constants } from 'node:fs';
import { access, mkdir, open, readFile, rm, unlink } from 'node:fs/promises';
import path from 'node:path';
import { OperatorError } from '../core/errors.js';

export type DataDirLock = { release(): Promise<void> };

/**
 * Makes DATA_DIR usable and takes its lock. PGlite allows one process per data folder; a second one on the same
 * folder would corrupt it, so a pid file with exclusive create guards it. A stale lock (its process gone) is taken over.
 */
export async function lockDataDir(dataDir: string): Promise<DataDirLock> {
  try {
    await mkdir(dataDir, { recursive: true });
    await access(dataDir, constants.W_OK);
  } catch (error) {
    throw new OperatorError('data_dir_unwritable', { dir: dataDir, reason: reasonOf(error) }, { cause: error });
  }
  const lockPath = path.join(dataDir, 'yishi.lock');
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const handle = await open(lockPath, 'wx');
      await handle.writeFile(String(process.pid));
      await handle.close();
      return { release: () => unlink(lockPath).catch(() => {}) };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') {
        throw new OperatorError('data_dir_unwritable', { dir: dataDir, reason: reasonOf(error) }, { cause: error });
      }
      const holder = Number.parseInt(await readFile(lockPath, 'utf8').catch(() => ''), 10);
      if (Number.isInteger(holder) && holder !== process.pid && isAlive(holder)) {
        throw new OperatorError('data_dir_locked', { dir: dataDir, pid: holder });
      }
      await rm(lockPath, { force: true });
    }
  }
  throw new OperatorError('data_dir_locked', { dir: dataDir, pid: '?' });
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function reasonOf(error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  return code ?? (error instanceof Error ? error.message : String(error));
}
