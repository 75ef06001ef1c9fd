import { DelayedError, Queue, Worker } from 'bullmq';
import { Redis } from 'ioredis';
import { OperatorError } from '../core/errors.js';
import type { Logger } from '../core/logger.js';
import { redactUrl } from '../core/redact-url.js';
import { fireAll, pendingUntil, type Scheduler, type SchedulerDeps } from './scheduler.js';

/** The operator's log lines, in the operator's language (from i18n, wired by the caller). */
export type SchedulerMessages = {
  redisEvicts(policy: string): string;
  redisNotPersistent(): string;
  redisUnchecked(reason: string): string;
  overdueFired(count: number): string;
};

export type BullOptions = {
  redisUrl: string;
  messages: SchedulerMessages;
  /** Queue name; tests use their own. */
  queueName?: string;
  /** How long a worker holds a job before another may take it over (a killed worker's jobs are picked up after it). */
  lockDurationMs?: number;
  /** Reminders due within this horizon are queued as delayed jobs; later ones when they come into it. */
  horizonMs?: number;
  /** How often the horizon is queued again from the database, for whatever Redis lost. */
  refreshMs?: number;
  /** How late a reminder may be before the feeder fires it itself. */
  overdueGraceMs?: number;
  concurrency?: number;
};

/**
 * BullMQ on Redis: each pending reminder due within the horizon becomes a delayed job (job id from the reminder's
 * row, so it is queued once however many processes feed the queue); workers in any number of processes fire them.
 * The database stays the source of truth: every 30 s the feeder queues the horizon again (a flushed or restarted
 * Redis gets back what it lost), and it fires directly whatever is more than 5 s overdue (a lost job, no worker
 * running). Firing is exactly once whichever path gets there first.
 */
export function createBullScheduler(deps: SchedulerDeps & { logger: Logger } & BullOptions): Scheduler & { queue: Queue } {
  const name = deps.queueName ?? 'yishi-reminders';
  const horizonMs = deps.horizonMs ?? 3_600_000;
  const lockDuration = deps.lockDurationMs ?? 30_000;
  const refreshMs = deps.refreshMs ?? 30_000;
  const overdueGraceMs = deps.overdueGraceMs ?? 5_000;
  const log = deps.logger.child({ scheduler: 'bullmq', queue: name });
  const connection = new Redis(deps.redisUrl, { maxRetriesPerRequest: null });
  connection.on('error', (error) => log.warn({ err: error }, 'redis connection error'));
  const queue = new Queue(name, { connection });
  const worker = new Worker(
    name,
    async (job, token) => {
      const result = await deps.engine.fireReminder(String(job.data.key));
      // Not due yet, or failed and due again later: the same job waits for that time.
      const later = result.status === 'early' ? result.dueAt : result.status === 'failed' ? result.retryAt : null;
      if (later) {
        await job.moveToDelayed(later.getTime(), token);
        throw new DelayedError();
      }
      return result.status;
    },
    { connection, concurrency: deps.concurrency ?? 8, lockDuration, stalledInterval: Math.max(1_000, lockDuration / 2), autorun: false },
  );
  worker.on('error', (error) => log.warn({ err: error }, 'worker error'));

  let queued = new Set<number>();
  let refreshedAt = 0;
  let recurringAt = 0;
  let timer: NodeJS.Timeout | null = null;
  let feeding: Promise<void> = Promise.resolve();
  let running = false;

  async function feed(): Promise<void> {
    const now = Date.now();
    if (now - recurringAt >= 60_000) {
      await deps.engine.scheduleRecurring();
      await deps.engine.pruneReminders();
      recurringAt = now;
    }
    if (now - refreshedAt >= refreshMs) {
      queued = new Set();
      refreshedAt = now;
    }
    const rows = (await pendingUntil(deps.db, new Date(now + horizonMs), 5_000)).filter((row) => !queued.has(row.id));
    if (rows.length > 0) {
      await queue.addBulk(
        rows.map((row) => ({
          name: row.kind,
          data: { key: row.key },
          opts: {
            jobId: `reminder-${row.id}`,
            // Due at exactly dueAt: BullMQ counts the delay from the job's timestamp, not from when Redis gets it.
            timestamp: now,
            delay: Math.max(0, row.dueAt.getTime() - now),
            removeOnComplete: { age: 3_600 },
            removeOnFail: { age: 86_400 },
          },
        })),
      );
      for (const row of rows) queued.add(row.id);
    }
    const overdue = await pendingUntil(deps.db, new Date(now - overdueGraceMs), 500);
    if (overdue.length > 0) {
      log.warn({ reminders: overdue.length }, deps.messages.overdueFired(overdue.length));
      await fireAll(
        deps.engine,
        overdue.map((row) => row.key),
      );
    }
  }

  /** A feeding pass a second after the last one ends (the first runs in start()). */
  function schedule(): void {
    if (!running) return;
    timer = setTimeout(() => {
      feeding = feed()
        .catch((error: unknown) => log.error({ err: error }, 'feeding the queue failed; retrying'))
        .finally(schedule);
    }, 1_000);
  }

  return {
    kind: 'bullmq',
    queue,
    async start() {
      try {
        await reachable(connection, deps.redisUrl);
        await checkRedis(connection, log, deps.messages);
        await feed();
      } catch (error) {
        await worker.close().catch(() => {});
        await queue.close().catch(() => {});
        connection.disconnect();
        throw error;
      }
      running = true;
      void worker.run();
      schedule();
      log.info({ horizonMs, lockDuration }, 'scheduler started');
    },
    async stop() {
      running = false;
      if (timer) clearTimeout(timer);
      await feeding;
      await worker.close();
      await queue.close();
      await connection.quit().catch(() => connection.disconnect());
    },
  };
}

/** Fails start with one line when Redis does not answer, rather than waiting for it forever. */
async function reachable(connection: Redis, url: string): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      connection.ping(),
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error('no answer within 5 s')), 5_000);
      }),
    ]);
  } catch (error) {
    connection.disconnect();
    throw new OperatorError('redis_unreachable', { url: redactUrl(url), reason: (error as Error).message }, { cause: error });
  } finally {
    clearTimeout(timer);
  }
}

/**
 * BullMQ keeps its jobs in Redis: a Redis that evicts keys under memory pressure, or keeps nothing on disk, can lose
 * them. yishi rebuilds lost jobs from the database, so nothing is missed, but reminders may then come late; say so.
 */
async function checkRedis(connection: Redis, log: Logger, messages: SchedulerMessages): Promise<void> {
  try {
    const setting = async (key: string) => ((await connection.config('GET', key)) as string[])[1] ?? '';
    const policy = await setting('maxmemory-policy');
    if (policy !== 'noeviction') log.warn({ maxmemoryPolicy: policy }, messages.redisEvicts(policy));
    const appendonly = await setting('appendonly');
    const save = await setting('save');
    if (appendonly !== 'yes' && save.trim() === '') log.warn({ appendonly, save }, messages.redisNotPersistent());
  } catch (error) {
    log.warn({ err: error }, messages.redisUnchecked((error as Error).message));
  }
}
