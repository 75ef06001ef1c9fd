// Test databases: a fresh, migrated database per call, on PGlite (always) and PostgreSQL (when TEST_DATABASE_URL
// is set). Suites declared with describeEachDatabase run once per kind; a kind that cannot run shows up as a
// skipped suite whose name says why.
import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { PGlite } from '@electric-sql/pglite';
import { describe, inject } from 'vitest';
import { type Database, type DatabaseKind, fromPglite, openPostgres } from '../../src/db/database.js';
import { adminQuery, withDatabase } from './postgres-admin.js';

export type TestDatabase = Database & { url?: string };

export const databaseKinds: Array<{ kind: DatabaseKind; skipReason: string | null }> = [
  { kind: 'pglite', skipReason: null },
  { kind: 'postgresql', skipReason: process.env.TEST_DATABASE_URL ? null : 'TEST_DATABASE_URL is not set' },
];

export async function openTestDatabase(kind: DatabaseKind): Promise<TestDatabase> {
  if (kind === 'pglite') {
    const snapshot = await readFile(inject('pgliteSnapshot'));
    return fromPglite(await PGlite.create({ loadDataDir: new Blob([snapshot]) }));
  }
  const adminUrl = process.env.TEST_DATABASE_URL;
  const template = inject('postgresTemplate');
  if (!adminUrl || !template) throw new Error('PostgreSQL test database requested without TEST_DATABASE_URL');
  const name = `yishi_test_${randomUUID().replaceAll('-', '')}`;
  await adminQuery(adminUrl, `CREATE DATABASE "${name}" TEMPLATE "${template}"`);
  const url = withDatabase(adminUrl, name);
  const database = await openPostgres({ url, poolSize: 5, acquireTimeoutMs: 10_000 });
  return {
    ...database,
    url,
    close: async () => {
      await database.close();
      await adminQuery(adminUrl, `DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    },
  };
}

/** An empty, unmigrated PostgreSQL database for tests of migration itself; dropped by the returned function. */
export async function createEmptyPostgresDatabase(): Promise<{ url: string; drop(): Promise<void> }> {
  const adminUrl = process.env.TEST_DATABASE_URL;
  if (!adminUrl) throw new Error('TEST_DATABASE_URL is not set');
  const name = `yishi_test_${randomUUID().replaceAll('-', '')}`;
  await adminQuery(adminUrl, `CREATE DATABASE "${name}"`);
  return { url: withDatabase(adminUrl, name), drop: () => adminQuery(adminUrl, `DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`) };
}

/**
 * Declares `body` once per database kind. The suite name carries the kind, and for a kind that cannot run, the
 * reason: vitest lists it as skipped rather than letting it pass silently.
 */
export function describeEachDatabase(name: string, body: (kind: DatabaseKind) => void): void {
  for (const { kind, skipReason } of databaseKinds) {
    const title = skipReason ? `${name} [${kind}: SKIPPED, ${skipReason}]` : `${name} [${kind}]`;
    describe.skipIf(skipReason !== null)(title, () => body(kind));
  }
}
