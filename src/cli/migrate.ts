import { type DatabaseConfig, openDatabase } from '../db/database.js';
import { applyMigrations } from '../db/migrations.js';
import type { TFunction } from '../i18n/index.js';

/** `yishi migrate`: applies pending migrations and says what it did. */
export async function migrate(config: DatabaseConfig, t: TFunction): Promise<string> {
  const database = await openDatabase(config);
  try {
    const result = await applyMigrations(database.adapterFactory);
    return result.appliedNow.length > 0
      ? t('operator:migrate.applied', { count: result.appliedNow.length, names: result.appliedNow.join(', ') })
      : t('operator:migrate.up_to_date', { count: result.known.length });
  } finally {
    await database.close();
  }
}
