// Composition root: config -> database -> migrations -> engine -> scheduler -> adapters -> http. The only file that wires everything together.
import { pathToFileURL } from 'node:url';
import type { i18n } from 'i18next';
import { type ChatAdapter, type ConfiguredAdapter, configured } from './adapters/shared/port.js';
import { slack } from './adapters/slack/index.js';
import { telegram } from './adapters/telegram/index.js';
import { webChat } from './adapters/web/index.js';
import { type Config, loadConfig, redactUrl } from './config.js';
import { createLogger, type Logger } from './core/logger.js';
import { type Database, openDatabase } from './db/database.js';
import { keepStatistics } from './db/embedded-statistics.js';
import type { Platform } from './db/generated/client.js';
import { applyMigrations } from './db/migrations.js';
import { createDelivery } from './delivery/delivery.js';
import { createLocalTranscript } from './delivery/local-transcript.js';
import { createEngine } from './engine/index.js';
import type { HealthReport } from './http/health.js';
import { createHttpServer, listen } from './http/server.js';
import { createI18n, operatorLocale } from './i18n/index.js';
import { describeFailure, schedulerMessages } from './i18n/operator.js';
import { inboxCounts } from './inbox/dead-letters.js';
import { createInbox, type InboundEvent, type Inbox } from './inbox/inbox.js';
import { createScheduler, reminderCounts } from './scheduler/index.js';

export type Service = { stop(): Promise<void>; address: { host: string; port: number } };

/** Every configured chat platform. A new platform is a folder under src/adapters/ and one line here. */
export function platformsOf(config: Config): ConfiguredAdapter[] {
  return [...configured(telegram, config.telegram), ...configured(slack, config.slack), ...configured(webChat, config.webChat)];
}

/**
 * Starts yishi. The port is taken first, so a port in use fails before anything is written; /healthz answers
 * "starting" (503) while the database opens and migrates, then "ok".
 */
export async function startService(
  config: Config,
  logger: Logger,
  i18n: i18n,
  options: { platforms?: ConfiguredAdapter[] } = {},
): Promise<Service> {
  const t = i18n.getFixedT(operatorLocale());
  const startedAt = Date.now();
  const health: HealthReport = {
    status: 'starting',
    database: { kind: config.database.kind, connected: false },
    migrations: { state: 'pending', applied: 0, latest: null },
    uptimeSeconds: 0,
  };
  let schedulerHealth: (() => Promise<NonNullable<HealthReport['scheduler']>>) | null = null;
  let inboxHealth: (() => Promise<NonNullable<HealthReport['inbox']>>) | null = null;
  const platforms = (options.platforms ?? platformsOf(config)).filter(({ plugin, settings }) => {
    try {
      plugin.check?.(settings, { host: config.http.host });
      return true;
    } catch (error) {
      // A platform that cannot work here is left out with one line saying why; the others start.
      logger.warn(describeFailure(error, t));
      return false;
    }
  });
  const running = new Map<ConfiguredAdapter, ChatAdapter>();
  const http = createHttpServer({
    logger,
    health: async () => ({
      ...health,
      uptimeSeconds: Math.floor((Date.now() - startedAt) / 1000),
      ...(schedulerHealth ? { scheduler: await schedulerHealth().catch(() => null) } : {}),
      ...(inboxHealth ? { inbox: await inboxHealth().catch(() => null) } : {}),
    }),
    // Routes exist before the server listens; each answers once its adapter is up.
    routes: platforms.map((entry) => (app) => entry.plugin.routes?.(app, entry.settings, () => running.get(entry) ?? null)),
  });
  const address = await listen(http, config.http.host, config.http.port);
  let database: Database | undefined;
  const stoppers: Array<() => Promise<void>> = [];
  const stop = async () => {
    health.status = 'stopping';
    for (const stopOne of stoppers.splice(0).reverse())
      await stopOne().catch((error: unknown) => logger.error({ err: error }, 'stopping a part failed'));
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
  const db = database.prisma;
  if (database.kind === 'pglite') stoppers.push(await keepStatistics(db, logger));
  inboxHealth = () => inboxCounts(db);
  const engine = createEngine({ db, logger, settings: { ballotSecret: config.ballotSecret } });
  try {
    const scheduler = await createScheduler({ db, engine, logger, redisUrl: config.redisUrl, messages: schedulerMessages(t) });
    await scheduler.start();
    stoppers.push(() => scheduler.stop());
    schedulerHealth = async () => ({ kind: scheduler.kind, ...(await reminderCounts(db)) });
    logger.info(t('operator:start.scheduler_ready', { kind: scheduler.kind }));
  } catch (error) {
    health.status = 'error';
    await stop().catch(() => {});
    throw error;
  }
  if (platforms.length > 0) {
    try {
      let inbox: Inbox | undefined;
      const localTranscript = createLocalTranscript(db);
      const record = (platform: Platform) => (events: InboundEvent[]) => inbox!.record(platform, events);
      for (const entry of platforms)
        running.set(
          entry,
          await entry.plugin.create(entry.settings, { i18n, logger, engine, record: record(entry.plugin.platform), localTranscript }),
        );
      const adapters = [...running.values()];
      const delivery = createDelivery({ db, ports: adapters.map((adapter) => adapter.outbound), logger });
      inbox = createInbox({
        db,
        engine,
        translators: Object.fromEntries(adapters.map((a) => [a.platform, a.translate])),
        logger,
        afterHandled: delivery.wake,
      });
      inbox.start();
      stoppers.push(() => inbox!.stop());
      delivery.start();
      stoppers.push(() => delivery.stop());
      for (const adapter of adapters) {
        await adapter.start();
        stoppers.push(() => adapter.stop());
        logger.info(adapter.readyMessage(t));
      }
    } catch (error) {
      health.status = 'error';
      await stop().catch(() => {});
      throw error;
    }
  } else {
    logger.info(t('operator:start.no_platforms'));
  }
  health.status = 'ok';
  logger.info(t('operator:start.ready', { host: address.host, port: address.port, database: config.database.kind }));
  return { stop, address };
}

function describeDatabase(config: Config): string {
  return config.database.kind === 'postgresql' ? redactUrl(config.database.url) : config.database.dataDir;
}

/** `npm start`: start, stop cleanly on SIGTERM/SIGINT, and turn expected failures into one line on stderr. */
async function main(): Promise<void> {
  const i18n = createI18n();
  const t = i18n.getFixedT(operatorLocale());
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

  starting = startService(config, logger, i18n).catch((error: unknown) => {
    fail(error, 1);
    return undefined;
  });
  await starting;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  await main();
}
