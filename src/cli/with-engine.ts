import { loadConfig } from '../config.js';
import { openDatabase } from '../db/database.js';
import type { PrismaClient } from '../db/generated/client.js';
import { applyMigrations } from '../db/migrations.js';
import { createEngine, type Engine } from '../engine/index.js';

/** Opens the configured database (migrating it if needed, as `npm start` does), runs `work`, closes. */
export async function withDatabase<T>(work: (db: PrismaClient) => Promise<T>): Promise<T> {
  const config = loadConfig();
  const database = await openDatabase(config.database);
  try {
    await applyMigrations(database.adapterFactory);
    return await work(database.prisma);
  } finally {
    await database.close();
  }
}

/** As `withDatabase`, with the engine over it. */
export function withEngine<T>(work: (engine: Engine) => Promise<T>): Promise<T> {
  const { ballotSecret } = loadConfig();
  return withDatabase((db) => work(createEngine({ db, settings: { ballotSecret } })));
}
