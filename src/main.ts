// Composition root: config -> database -> migrations -> http. The only file that wires everything together.
import { pathToFileURL } from 'node:url';
import { type Config, loadConfig, redactUrl } from './config.js';
import { createLogger, type Logger } from './core/logger.js';
import { type Database, openDatabase } from './db/database.js';
import { applyMigrations } from './db/migrations.js';
import type { HealthReport } from './http/health.js';
import { createHttpServer, listen } from './http/server.js';
import { createI18n, operatorLocale, type TFunction } from './i18n/index.js';
import { describeFailure } from './i18n/operator.js';

export type Service = { stop(): Promise<void>; address: { host: string; port: number } };

/**
 * Starts yishi. The port is taken first, so a port in use fails before anything is written; /healthz answers
 * "starting" (503) while the database opens and migrates, then "ok".
 */
export async function startService(config: Config, logger: Logger, t: TFunction): Promise<Service> {
  const startedAt = Date.now();
  const health: HealthReport = {
    status: 'starting',
    database: { kind: config.database.kind, connected: false },
    migrations: { state: 'pending', applied: 0, latest: null },
    uptimeSeconds: 0,
  };
  const http = createHttpServer({ logger, health: () => ({ ...health, uptimeSeconds: Math.floor((Date.now() - startedAt) / 1000) }) });
  const address = await listen(http, config.http.host, config.http.port);
  let database: Database | undefined;
  const stop = async () => {
    health.status = 'stopping';
    await http.close();
    await database?.close();
  };
  try {
    database = await openDatabase(config.database);
    health.database.connected = true;
    logger.info({ database: describeDatabase(config) }, 'database open');
    const migrations = await applyMigrations(database.adapterFactory);
    health.migrations = { state: migrations.state, applied: migrations.known.length, latest: migrations.known.at(-1) ?? null };
    if (migrations.appliedNow.length > 0) logger.info(t('operator:start.migrated', { names: migrations.appliedNow.join(', ') }));
  } catch (error) {
    health.status = 'error';
    await stop().catch((closeError: unknown) => logger.error({ err: closeError }, 'cleanup after a failed start failed'));
    throw error;
  }
  health.status = 'ok';
  logger.info(t('operator:start.no_platforms'));
  logger.info(t('operator:start.ready', { host: address.host, port: address.port, database: config.database.kind }));
  return { stop, address };
}

function describeDatabase(config: Config): string {
  return config.database.kind === 'postgresql' ? redactUrl(config.database.url) : config.database.dataDir;
}

/** `npm start`: start, stop cleanly on SIGTERM/SIGINT, and turn expected failures into one line on stderr. */
async function main(): Promise<void> {
  const t = createI18n().getFixedT(operatorLocale());
  let config: Config;
  try {
    config = loadConfig();
  } catch (error) {
    process.stderr.write(`yishi: ${describeFailure(error, t)}\n`);
    process.exit(2);
  }
  const logger = createLogger(config.log);
  const fail = (error: unknown, exitCode: number) => {
    logger.debug({ err: error }, 'start failed');
    logger.flush();
    process.stderr.write(`yishi: ${describeFailure(error, t)}\n`);
    process.exit(exitCode);
  };

  // A signal during start must not leave PGlite half-written: it waits for the start to settle, then stops.
  let signalled: NodeJS.Signals | undefined;
  let starting: Promise<Service | undefined> = Promise.resolve(undefined);
  const shutdown = async (signal: NodeJS.Signals) => {
    if (signalled) return;
    signalled = signal;
    logger.info(t('operator:start.stopping', { signal }));
    const timer = setTimeout(() => {
      logger.error(t('operator:start.stop_timeout', { ms: config.shutdownTimeoutMs }));
      process.exit(1);
    }, config.shutdownTimeoutMs);
    timer.unref();
    const service = await starting;
    await service?.stop();
    logger.info(t('operator:start.stopped'));
    logger.flush();
    process.exit(0);
  };
  process.once('SIGTERM', shutdown);
  process.once('SIGINT', shutdown);
  process.on('unhandledRejection', (reason) => {
    logger.fatal({ err: reason }, 'unhandled rejection');
    void shutdown('SIGTERM');
  });

  starting = startService(config, logger, t).catch((error: unknown) => {
    fail(error, 1);
    return undefined;
  });
  await starting;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  await main();
}
