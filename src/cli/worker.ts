import { loadConfig } from '../config.js';
import { OperatorError } from '../core/errors.js';
import { createLogger } from '../core/logger.js';
import { openDatabase } from '../db/database.js';
import { applyMigrations } from '../db/migrations.js';
import { createEngine } from '../engine/index.js';
import type { TFunction } from '../i18n/index.js';
import { schedulerMessages } from '../i18n/operator.js';
import { createBullScheduler } from '../scheduler/bullmq.js';

/**
 * `yishi worker`: fires reminders from the BullMQ queue beside the bot, in as many processes as wanted (each also
 * feeds the queue from the database, which is harmless: job ids are the reminders' own). Stops on SIGTERM/SIGINT.
 */
export async function runWorker(t: TFunction): Promise<void> {
  const config = loadConfig();
  if (!config.redisUrl) throw new OperatorError('worker_needs_redis');
  const logger = createLogger(config.log);
  const database = await openDatabase(config.database);
  try {
    await applyMigrations(database.adapterFactory);
    const engine = createEngine({ db: database.prisma, logger, settings: { ballotSecret: config.ballotSecret } });
    const scheduler = createBullScheduler({
      db: database.prisma,
      engine,
      logger,
      redisUrl: config.redisUrl,
      messages: schedulerMessages(t),
    });
    await scheduler.start();
    logger.info(t('operator:worker.started'));
    const signal = await new Promise<NodeJS.Signals>((resolve) => {
      process.once('SIGTERM', resolve);
      process.once('SIGINT', resolve);
    });
    logger.info(t('operator:start.stopping', { signal }));
    await scheduler.stop();
    logger.info(t('operator:start.stopped'));
    logger.flush();
  } finally {
    await database.close();
  }
}
