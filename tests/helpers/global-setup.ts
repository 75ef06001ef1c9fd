// Runs once per test run: migrates one PGlite and (when TEST_DATABASE_URL is set) one PostgreSQL template database,
// so each test file can start from a migrated copy in well under a second instead of migrating again.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import type { TestProject } from 'vitest/node';
import { fromPglite, openPostgres } from '../../src/db/database.js';
import { applyMigrations } from '../../src/db/migrations.js';
import { adminQuery, withDatabase } from './postgres-admin.js';

declare module 'vitest' {
  export interface ProvidedContext {
    pgliteSnapshot: string;
    postgresTemplate: string | null;
  }
}

export default async function setup(project: TestProject) {
  const workDir = await mkdtemp(path.join(os.tmpdir(), 'yishi-test-'));
  const snapshotPath = path.join(workDir, 'migrated.tar');
  const pglite = await PGlite.create();
  const database = fromPglite(pglite);
  await applyMigrations(database.adapterFactory);
  await writeFile(snapshotPath, Buffer.from(await (await pglite.dumpDataDir('none')).arrayBuffer()));
  await database.close();
  project.provide('pgliteSnapshot', snapshotPath);

  const adminUrl = process.env.TEST_DATABASE_URL;
  let template: string | null = null;
  if (adminUrl) {
    template = `yishi_template_${process.pid}_${Date.now()}`;
    await adminQuery(adminUrl, `CREATE DATABASE "${template}"`);
    const templateDb = await openPostgres({ url: withDatabase(adminUrl, template), poolSize: 2, acquireTimeoutMs: 10_000 });
    await applyMigrations(templateDb.adapterFactory);
    await templateDb.close();
  } else {
    console.warn('\n[yishi] PostgreSQL suites will be SKIPPED: TEST_DATABASE_URL is not set (PGlite suites run).\n');
  }
  project.provide('postgresTemplate', template);

  return async () => {
    if (adminUrl && template) await adminQuery(adminUrl, `DROP DATABASE IF EXISTS "${template}" WITH (FORCE)`);
    await rm(workDir, { recursive: true, force: true });
  };
}
