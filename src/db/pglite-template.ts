import { spawn } from 'node:child_process';
import { constants, copyFile, mkdir, readdir, readFile, rename, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { PGlite } from '@electric-sql/pglite';
import { applyMigrations } from './migrations.js';

// A new embedded database is a copy of a template: PostgreSQL's initdb in WebAssembly takes 3 to 4 s and inflates
// the process's WebAssembly memory, which never shrinks again (an embedded yishi idled at about 540 MB after it).
// The template is made once, at `npm install` or by the first start, in a process of its own, with the
// migrations of that moment applied; starts copy it (about 60 ms) and migrate the rest.

const packageRoot = fileURLToPath(new URL('../../', import.meta.url));

/** Where the template of this PGlite version lives (node_modules/.cache, as other tools keep their caches). */
export async function templateDir(): Promise<string> {
  const pglite = JSON.parse(await readFile(path.join(packageRoot, 'node_modules/@electric-sql/pglite/package.json'), 'utf8'));
  return path.join(packageRoot, 'node_modules/.cache/yishi', `pglite-${pglite.version}`);
}

/**
 * Makes the template at `dir`: initialised, configured, migrated, closed cleanly; written beside it and renamed into
 * place.
 */
export async function createTemplate(dir: string): Promise<void> {
  const building = `${dir}.${process.pid}.tmp`;
  await rm(building, { recursive: true, force: true });
  await mkdir(building, { recursive: true });
  const pglite = await PGlite.create(building);
  try {
    // A small buffer cache suits one process serving a community (postgresql.auto.conf; from the next start on).
    await pglite.exec(`ALTER SYSTEM SET shared_buffers = '8MB'`);
    const { PrismaPGlite } = await import('pglite-prisma-adapter');
    await applyMigrations(new PrismaPGlite(pglite));
  } finally {
    await pglite.close();
  }
  try {
    await rename(building, dir);
  } catch (error) {
    // Made meanwhile by another process: theirs is as good.
    await rm(building, { recursive: true, force: true });
    if ((error as NodeJS.ErrnoException).code !== 'ENOTEMPTY' && (error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
}

/**
 * Fills the empty folder `pgDir` from the template, making the template first if there is none (in a child process
 * when running from the built code). False when that cannot be done (a read-only install): the caller initialises
 * the folder itself.
 */
export async function copyTemplate(pgDir: string): Promise<boolean> {
  try {
    const dir = await templateDir();
    if (!(await exists(dir))) {
      const self = fileURLToPath(import.meta.url);
      if (self.endsWith('.js')) await runChild(self, dir);
      else await createTemplate(dir);
    }
    await copyTree(dir, pgDir);
    return true;
  } catch {
    await rm(pgDir, { recursive: true, force: true });
    await mkdir(pgDir, { recursive: true });
    return false;
  }
}

/**
 * Copies a folder's files side by side (a cloned copy where the file system can): the template is about 1,200 files,
 * which `fs.cp` copies one after another in about 450 ms, a sixth of a cold start; this takes about 60 ms. Settles
 * every copy before it fails, so that nothing is still being written when the caller clears the folder.
 */
async function copyTree(from: string, to: string): Promise<void> {
  await mkdir(to, { recursive: true, mode: (await stat(from)).mode });
  const entries = await readdir(from, { withFileTypes: true });
  const copies = await Promise.allSettled(
    entries.map((entry) =>
      entry.isDirectory()
        ? copyTree(path.join(from, entry.name), path.join(to, entry.name))
        : copyFile(path.join(from, entry.name), path.join(to, entry.name), constants.COPYFILE_FICLONE),
    ),
  );
  const failed = copies.find((copy) => copy.status === 'rejected');
  if (failed) throw failed.reason;
}

async function exists(dir: string): Promise<boolean> {
  return readFile(path.join(dir, 'PG_VERSION')).then(
    () => true,
    () => false,
  );
}

function runChild(script: string, dir: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [script, dir], { stdio: 'ignore' });
    child.once('error', reject);
    child.once('exit', (code) => (code === 0 ? resolve() : reject(new Error(`template exited with ${code}`))));
  });
}

// `node dist/db/pglite-template.js [dir]`: makes the template (npm install's prepare step runs it; a failure there is
// only a slower first start, so it never fails the install).
if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const dir = process.argv[2] ?? (await templateDir());
  try {
    if (!(await exists(dir))) await createTemplate(dir);
  } catch {
    if (process.argv[2]) process.exitCode = 1;
  }
}
