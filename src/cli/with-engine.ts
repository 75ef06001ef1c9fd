import { loadConfig } from '../config.js';
import { openDatabase } from '../db/database.js';
import { applyMigrations } from '../db/migrations.js';
import { createEngine, type Engine } from '../engine/index.js';

/** Opens the configured database (migrating it if needed, as `npm start` does), runs `work`, closes. */
export async function withEngine<T>(work: (engine: Engine) => Promise<T>): Promise<T> {
  const config = loadConfig();
  const database = await openDatabase(config.database);
  try {
    await applyMigrations(database.adapterFactory);
    return await work(createEngine({ db: database.prisma, settings: { ballotSecret: config.ballotSecret } }));
  } finally {
    await database.close();
  }
}
