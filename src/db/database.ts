import { createHash } from 'node:crypto';
import { mkdir, readdir, rm } from 'node:fs/promises';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import type { PrismaPg } from '@prisma/adapter-pg';
import type { SqlMigrationAwareDriverAdapterFactory, SqlQuery } from '@prisma/driver-adapter-utils';
import type pg from 'pg';
import { PrismaPGlite } from 'pglite-prisma-adapter';
import { OperatorError } from '../core/errors.js';
import { lockDataDir } from './data-dir.js';
import { directRaw } from './direct-raw.js';
import { useBaselineWasmCompiler } from './embedded-memory.js';
import { PrismaClient } from './generated/client.js';
import { copyTemplate } from './pglite-template.js';

export type DatabaseKind = 'pglite' | 'postgresql';

/** An open database: the Prisma client everything above uses, and the adapter the migrator needs. */
export interface Database {
  readonly kind: DatabaseKind;
  readonly prisma: PrismaClient;
  readonly adapterFactory: SqlMigrationAwareDriverAdapterFactory;
  close(): Promise<void>;
}

export type PostgresOptions = {
  url: string;
  poolSize: number;
  acquireTimeoutMs: number;
  /** Each connection keeps the statements it runs prepared (parsed and planned once); on unless turned off. */
  preparedStatements?: boolean;
};

export async function openPostgres(options: PostgresOptions): Promise<Database> {
  await checkReachable(options);
  // The PostgreSQL driver is loaded only when PostgreSQL is configured (the embedded default never needs it).
  const { PrismaPg } = await import('@prisma/adapter-pg');
  const adapterFactory = new PrismaPg(
    {
      connectionString: options.url,
      max: options.poolSize,
      // pg's default is to wait forever for a free connection; a stuck pool must fail loudly instead.
      connectionTimeoutMillis: options.acquireTimeoutMs,
    },
    options.preparedStatements === false ? {} : { statementNameGenerator: preparedName as (query: SqlQuery) => string },
  );
  const raw = directRaw(adapterFactory);
  const prisma = new PrismaClient({ adapter: raw.factory });
  raw.install(prisma);
  return { kind: 'postgresql', prisma, adapterFactory: wholeScripts(adapterFactory), close: () => prisma.$disconnect() };
}

/**
 * The name a connection keeps a statement prepared under: the same text, the same name. A statement with a long list
 * of values (a Prisma `in` of many ids, whose text grows with the list) is not kept, so each connection keeps a
 * bounded number of them.
 */
function preparedName(query: SqlQuery): string | undefined {
  if (query.args.length > maxPreparedArgs) return undefined;
  let name = preparedNames.get(query.sql);
  if (name === undefined) {
    // Kept for the texts seen lately: hashing every statement again was 1.6% of the CPU in a burst of /issue.
    if (preparedNames.size >= 2_000) preparedNames.clear();
    name = `y${createHash('sha1').update(query.sql).digest('base64url')}`;
    preparedNames.set(query.sql, name);
  }
  return name;
}
const maxPreparedArgs = 64;
const preparedNames = new Map<string, string>();

type ScriptRunner = { executeScript(script: string): Promise<void> };
type PgInternals = { client: pg.Pool; onError(error: unknown): never };

/**
 * @prisma/adapter-pg runs a migration script by splitting it at every ";", which breaks any function body or
 * comment holding one. PostgreSQL's simple query protocol takes the whole script at once, as Prisma's native
 * engine sends it, so the migrator's connections get that instead.
 */
function wholeScripts(factory: PrismaPg): SqlMigrationAwareDriverAdapterFactory {
  const patch = <T extends ScriptRunner>(adapter: T): T => {
    const internals = adapter as unknown as PgInternals;
    adapter.executeScript = async (script) => {
      try {
        await internals.client.query(script);
      } catch (error) {
        internals.onError(error);
      }
    };
    return adapter;
  };
  return {
    provider: factory.provider,
    adapterName: factory.adapterName,
    connect: async () => patch(await factory.connect()),
    connectToShadowDb: async () => patch(await factory.connectToShadowDb()),
  };
}

/** Connects once, so that a wrong URL fails at start with the reason rather than at the first query. */
async function checkReachable(options: PostgresOptions): Promise<void> {
  const { default: pg } = await import('pg');
  const client = new pg.Client({ connectionString: options.url, connectionTimeoutMillis: options.acquireTimeoutMs });
  client.on('error', () => {});
  const { host, port, database } = describeUrl(options.url);
  try {
    await client.connect();
    await client.query('SELECT 1');
  } catch (error) {
    const code = (error as { code?: string }).code;
    const params = { host, port, database, reason: (error as Error).message };
    if (code === 'ECONNREFUSED') throw new OperatorError('database_unreachable', params, { cause: error });
    if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') throw new OperatorError('database_host_unknown', params, { cause: error });
    if (code === '28P01' || code === '28000') throw new OperatorError('database_auth_failed', params, { cause: error });
    if (code === '3D000') throw new OperatorError('database_missing', params, { cause: error });
    if (/timeout/i.test((error as Error).message)) throw new OperatorError('database_timeout', params, { cause: error });
    throw new OperatorError('database_failed', params, { cause: error });
  } finally {
    await client.end().catch(() => {});
  }
}

function describeUrl(url: string): { host: string; port: string; database: string } {
  const parsed = new URL(url);
  return { host: parsed.hostname || 'localhost', port: parsed.port || '5432', database: parsed.pathname.slice(1) || '(default)' };
}

/** The embedded default: PostgreSQL in WebAssembly, persisted under DATA_DIR/pglite, one process at a time. */
export async function openPglite(options: { dataDir: string; optimizeWasm?: boolean }): Promise<Database> {
  const lock = await lockDataDir(options.dataDir);
  const pgDir = path.join(options.dataDir, 'pglite');
  const isNew = await isEmptyOrMissing(pgDir);
  let pglite: PGlite;
  try {
    await mkdir(pgDir, { recursive: true });
    if (isNew) await copyTemplate(pgDir);
    if (!options.optimizeWasm) useBaselineWasmCompiler();
    pglite = await PGlite.create(pgDir);
  } catch (error) {
    // A half-initialised folder would look corrupt on the next start; leave nothing behind.
    if (isNew) await rm(pgDir, { recursive: true, force: true });
    await lock.release();
    throw new OperatorError(
      isNew ? 'data_dir_unwritable' : 'data_dir_corrupt',
      { dir: pgDir, reason: (error as Error).message },
      { cause: error },
    );
  }
  const database = fromPglite(pglite);
  return {
    ...database,
    close: async () => {
      await database.close();
      await lock.release();
    },
  };
}

/** Wraps an already open PGlite (tests clone a migrated one in memory). Closing closes the PGlite too. */
export function fromPglite(pglite: PGlite): Database {
  const adapterFactory = new PrismaPGlite(pglite);
  const raw = directRaw(adapterFactory);
  const prisma = new PrismaClient({ adapter: raw.factory });
  raw.install(prisma);
  return {
    kind: 'pglite',
    prisma,
    adapterFactory,
    close: async () => {
      await prisma.$disconnect();
      if (!pglite.closed) await pglite.close();
    },
  };
}

async function isEmptyOrMissing(dir: string): Promise<boolean> {
  try {
    return (await readdir(dir)).length === 0;
  } catch {
    return true;
  }
}

export type { PrismaClient };

export type DatabaseConfig = ({ kind: 'postgresql' } & PostgresOptions) | { kind: 'pglite'; dataDir: string; optimizeWasm?: boolean };

export function openDatabase(config: DatabaseConfig): Promise<Database> {
  return config.kind === 'postgresql' ? openPostgres(config) : openPglite(config);
}
