// A fresh PostgreSQL database for one benchmark run, migrated, dropped afterwards.
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { type Database, openPostgres } from '../src/db/database.js';
import { applyMigrations } from '../src/db/migrations.js';

/** The server to benchmark on (BENCH_DATABASE_URL, else TEST_DATABASE_URL), or '' when none is set. */
export const benchDatabaseUrl = process.env.BENCH_DATABASE_URL ?? process.env.TEST_DATABASE_URL ?? '';

/** Creates a database on the server at `adminUrl`, migrates it, runs `work` on it, and drops it whatever happens. */
export async function withBenchDatabase<T>(adminUrl: string, poolSize: number, work: (database: Database) => Promise<T>): Promise<T> {
  const name = `yishi_bench_${process.pid}_${randomUUID().slice(0, 8)}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE "${name}"`);
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  const database = await openPostgres({ url: url.toString(), poolSize, acquireTimeoutMs: 30_000 });
  try {
    await applyMigrations(database.adapterFactory);
    return await work(database);
  } finally {
    await database.close();
    await admin.query(`DROP DATABASE "${name}" WITH (FORCE)`);
    await admin.end();
  }
}
