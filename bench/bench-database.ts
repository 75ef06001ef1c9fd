// A fresh PostgreSQL database for one benchmark run, migrated, dropped afterwards.
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { type Database, openPglite, openPostgres } from '../src/db/database.js';
import { applyMigrations } from '../src/db/migrations.js';

/** The server to benchmark on (BENCH_DATABASE_URL, else TEST_DATABASE_URL), or '' when none is set. */
export const benchDatabaseUrl = process.env.BENCH_DATABASE_URL ?? process.env.TEST_DATABASE_URL ?? '';

/**
 * BENCH_DATABASE=pglite: the embedded default instead, as `npm start` runs it (a data folder on disk, shared_buffers
 * and compilation as src/db/embedded-memory.ts sets them), for the throughput benches.
 */
export const benchOnPglite = process.env.BENCH_DATABASE === 'pglite';

/** Creates a database on the server at `adminUrl`, migrates it, runs `work` on it, and drops it whatever happens. */
export async function withBenchDatabase<T>(adminUrl: string, poolSize: number, work: (database: Database) => Promise<T>): Promise<T> {
  if (benchOnPglite) return withBenchPglite(work);
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

async function withBenchPglite<T>(work: (database: Database) => Promise<T>): Promise<T> {
  const dir = await mkdtemp(path.join(tmpdir(), 'yishi-bench-pglite-'));
  const database = await openPglite({ dataDir: dir });
  try {
    await applyMigrations(database.adapterFactory);
    return await work(database);
  } finally {
    await database.close();
    await rm(dir, { recursive: true, force: true });
  }
}

/**
 * The ceiling beside a figure: pgbench on the same server, same run, committing one-row INSERT transactions for
 * `seconds` with 1 and with 8 clients (a "one durable commit per inbound update" design approaches it). Null when
 * pgbench is not installed.
 */
export async function pgbenchCeiling(adminUrl: string, seconds = 10): Promise<{ oneClient: number; eightClients: number } | null> {
  const name = `yishi_pgbench_${process.pid}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  const dir = await mkdtemp(path.join(tmpdir(), 'yishi-pgbench-'));
  try {
    await admin.query(`CREATE DATABASE "${name}"`);
    const url = new URL(adminUrl);
    url.pathname = `/${name}`;
    const target = new pg.Client({ connectionString: url.toString() });
    await target.connect();
    await target.query('CREATE TABLE t (id bigserial PRIMARY KEY, v int)');
    await target.end();
    const script = path.join(dir, 'insert.sql');
    await writeFile(script, 'INSERT INTO t (v) VALUES (1);\n');
    const tps = (clients: number) =>
      new Promise<number>((resolve, reject) =>
        execFile(
          'pgbench',
          ['-n', '-c', String(clients), '-j', String(Math.min(clients, 2)), '-T', String(seconds), '-f', script, url.toString()],
          (error, stdout) => {
            if (error) return reject(error);
            resolve(Math.round(Number(/tps = ([\d.]+)/.exec(stdout)?.[1] ?? 0)));
          },
        ),
      );
    return { oneClient: await tps(1), eightClients: await tps(8) };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  } finally {
    await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    await admin.end();
    await rm(dir, { recursive: true, force: true });
  }
}
