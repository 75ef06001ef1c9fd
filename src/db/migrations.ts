import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import type { SqlMigrationAwareDriverAdapterFactory } from '@prisma/driver-adapter-utils';
import { OperatorError } from '../core/errors.js';
import { migrationsDir } from './paths.js';
import { type MigrationList, noFilters, withSchemaEngine } from './schema-engine.js';

export type MigrationState = {
  state: 'pending' | 'applied' | 'failed';
  /** Names of migrations this run applied. */
  appliedNow: string[];
  /** All migrations in the folder, oldest first. */
  known: string[];
  error?: string;
};

/** Reads prisma/migrations exactly as `prisma migrate deploy` does: one folder per migration, migration.sql inside. */
export async function readMigrations(dir = migrationsDir): Promise<MigrationList> {
  const entries = await readdir(dir, { withFileTypes: true });
  const folders = entries
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    .sort();
  const lockfile = await readFile(path.join(dir, 'migration_lock.toml'), 'utf8').catch(() => null);
  return {
    baseDir: dir,
    lockfile: { path: 'migration_lock.toml', content: lockfile },
    shadowDbInitScript: '',
    migrationDirectories: await Promise.all(
      folders.map(async (folder) => ({
        path: folder,
        migrationFile: {
          path: 'migration.sql',
          content: await readFile(path.join(dir, folder, 'migration.sql'), 'utf8').then(
            (value) => ({ tag: 'ok' as const, value }),
            (error: Error) => ({ tag: 'error' as const, value: error.message }),
          ),
        },
      })),
    ),
  };
}

/**
 * Applies every migration not yet applied, recording them in `_prisma_migrations` as `prisma migrate deploy` does,
 * so either tool can take over from the other. The engine holds PostgreSQL's advisory lock while it works, so two
 * processes starting at once do not both migrate.
 */
export async function applyMigrations(adapterFactory: SqlMigrationAwareDriverAdapterFactory): Promise<MigrationState> {
  const migrationsList = await readMigrations();
  const known = migrationsList.migrationDirectories.map((folder) => folder.path);
  // The schema engine costs about half a second and 25 MB to load; a database that already has every migration,
  // unchanged, does not need it.
  if (await allRecorded(adapterFactory, migrationsList)) return { state: 'applied', appliedNow: [], known };
  try {
    const { appliedMigrationNames } = await withSchemaEngine(adapterFactory, (engine) =>
      engine.applyMigrations({ migrationsList, filters: noFilters }),
    );
    return { state: 'applied', appliedNow: appliedMigrationNames, known };
  } catch (error) {
    throw new OperatorError('migration_failed', { reason: firstLine(error) }, { cause: error });
  }
}

// The engine's messages carry a Rust backtrace; the database's own complaint is the line worth showing.
function firstLine(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  const lines = message.split('\n').map((line) => line.trim());
  return lines.find((line) => /ERROR:|error:/i.test(line) && !/^external connector error$/.test(line)) ?? lines[0] ?? message;
}

/** Whether `_prisma_migrations` records exactly these migrations as finished, each with its file's checksum. */
async function allRecorded(adapterFactory: SqlMigrationAwareDriverAdapterFactory, migrationsList: MigrationList): Promise<boolean> {
  const connection = await adapterFactory.connect();
  try {
    const result = await connection.queryRaw({
      sql: 'SELECT migration_name, checksum FROM _prisma_migrations WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL',
      args: [],
      argTypes: [],
    });
    const recorded = new Map(result.rows.map((row) => [String(row[0]), String(row[1])]));
    return (
      recorded.size === migrationsList.migrationDirectories.length &&
      migrationsList.migrationDirectories.every(({ path: name, migrationFile }) => {
        const content = migrationFile.content;
        return content.tag === 'ok' && recorded.get(name) === createHash('sha256').update(content.value).digest('hex');
      })
    );
  } catch {
    // No table yet (a new database), or one the engine should look at itself.
    return false;
  } finally {
    await connection.dispose();
  }
}
