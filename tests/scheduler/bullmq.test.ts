import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { pino } from 'pino';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createEngine } from '../../src/engine/index.js';
import { createI18n } from '../../src/i18n/index.js';
import { schedulerMessages } from '../../src/i18n/operator.js';
import { createBullScheduler } from '../../src/scheduler/bullmq.js';
import { databaseKinds, openTestDatabase, type TestDatabase } from '../helpers/database.js';
import { buildCommunity, createHarness } from '../helpers/engine.js';

// The BullMQ scheduler against the real Redis (TEST_REDIS_URL) and real time: reminders are rows in the database
// first, so two schedulers, a flushed Redis or a killed worker never make one fire twice or not at all.

const redisUrl = process.env.TEST_REDIS_URL;
const logger = pino({ level: 'silent' });
const messages = schedulerMessages(createI18n().getFixedT('en'));

for (const { kind, skipReason } of databaseKinds) {
  const reason = !redisUrl ? 'TEST_REDIS_URL is not set' : skipReason;
  describe.skipIf(reason !== null)(`BullMQ scheduler [${kind}${reason ? `; skipped: ${reason}` : ''}]`, () => {
    let db: TestDatabase;
    let redis: Redis;
    const stops: Array<() => Promise<void>> = [];

    beforeAll(async () => {
      db = await openTestDatabase(kind);
      redis = new Redis(redisUrl!, { maxRetriesPerRequest: null });
    });
    // Schedulers share the database: each test stops its own before the next one starts.
    afterEach(async () => {
      for (const stop of stops.splice(0).reverse()) await stop();
    });
    afterAll(async () => {
      await redis?.quit();
      await db?.close();
    });

    /** Polls opened through the engine, their deadlines then moved to `inMs` from now in real time. */
    async function pollsClosingIn(count: number, inMs: number): Promise<number[]> {
      const h = createHarness(db);
      const c = await buildCommunity(h);
      const ids: number[] = [];
      for (let i = 0; i < count; i++) {
        await h.say(c.staff.head1, c.chats.b1, `/poll 第${i}个问题 | 同意 | 反对`);
        const poll = await db.prisma.poll.findFirstOrThrow({ where: { communityId: c.community.id }, orderBy: { id: 'desc' } });
        const closesAt = new Date(Date.now() + inMs);
        await db.prisma.poll.update({ where: { id: poll.id }, data: { closesAt } });
        await db.prisma.scheduledReminder.update({ where: { key: `poll.close:${poll.id}` }, data: { dueAt: closesAt } });
        ids.push(poll.id);
      }
      return ids;
    }

    function startScheduler(queueName: string, options: Partial<Parameters<typeof createBullScheduler>[0]> = {}) {
      const engine = createEngine({ db: db.prisma, logger });
      const scheduler = createBullScheduler({ db: db.prisma, engine, logger, redisUrl: redisUrl!, queueName, messages, ...options });
      stops.push(() => scheduler.stop());
      return scheduler;
    }

    async function waitUntil(predicate: () => Promise<boolean>, timeoutMs = 30_000): Promise<void> {
      const deadline = Date.now() + timeoutMs;
      while (!(await predicate())) {
        if (Date.now() > deadline) throw new Error('timed out');
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    }

    const closedOnce = async (ids: number[]) => {
      const polls = await db.prisma.poll.findMany({ where: { id: { in: ids } } });
      const audits = await db.prisma.auditEntry.groupBy({
        by: ['subjectId'],
        where: { action: 'poll.closed', subjectId: { in: ids } },
        _count: true,
      });
      const reminders = await db.prisma.scheduledReminder.findMany({ where: { key: { in: ids.map((id) => `poll.close:${id}`) } } });
      return {
        closed: polls.filter((poll) => poll.status === 'closed').length,
        audits: audits.map((row) => row._count),
        reminders: reminders.map((row) => [row.state, row.attempts]),
      };
    };

    it('closes each poll once at its deadline, with two schedulers feeding one queue', async () => {
      const queueName = `test-${randomUUID()}`;
      const ids = await pollsClosingIn(5, 1_500);
      await startScheduler(queueName).start();
      await startScheduler(queueName).start();
      await waitUntil(async () => (await closedOnce(ids)).closed === ids.length);
      await new Promise((resolve) => setTimeout(resolve, 1_500));
      expect(await closedOnce(ids)).toEqual({ closed: 5, audits: [1, 1, 1, 1, 1], reminders: ids.map(() => ['fired', 1]) });
    });

    it('loses nothing when Redis is flushed after the jobs were queued', async () => {
      const queueName = `test-${randomUUID()}`;
      const ids = await pollsClosingIn(4, 3_000);
      const scheduler = startScheduler(queueName, { refreshMs: 1_000, overdueGraceMs: 120_000 });
      await scheduler.start();
      // The polls' four reminders are queued (beside anything else due within the hour, such as a daily digest).
      const reminders = await db.prisma.scheduledReminder.findMany({ where: { key: { in: ids.map((id) => `poll.close:${id}`) } } });
      const queued = (await scheduler.queue.getDelayed()).map((job) => job.id);
      expect(reminders.map((reminder) => queued.includes(`reminder-${reminder.id}`))).toEqual([true, true, true, true]);
      const keys = await redis.keys(`bull:${queueName}:*`);
      await redis.del(...keys);
      expect(await scheduler.queue.getDelayedCount()).toBe(0);
      await waitUntil(async () => (await closedOnce(ids)).closed === ids.length);
      expect(await closedOnce(ids)).toEqual({ closed: 4, audits: [1, 1, 1, 1], reminders: ids.map(() => ['fired', 1]) });
    });

    it('fires what fell due while no scheduler ran, once, when one starts', async () => {
      const queueName = `test-${randomUUID()}`;
      const ids = await pollsClosingIn(3, -60_000);
      await startScheduler(queueName).start();
      await waitUntil(async () => (await closedOnce(ids)).closed === ids.length);
      expect(await closedOnce(ids)).toEqual({ closed: 3, audits: [1, 1, 1], reminders: ids.map(() => ['fired', 1]) });
    });

    it('takes over the job of a worker killed while holding it', async () => {
      const queueName = `test-${randomUUID()}`;
      const [id] = await pollsClosingIn(1, 0);
      const reminder = await db.prisma.scheduledReminder.findUniqueOrThrow({ where: { key: `poll.close:${id}` } });
      // A worker process that takes the job and never finishes it, killed with SIGKILL once it holds it.
      const rogue = spawn(
        process.execPath,
        [
          '--input-type=module',
          '-e',
          `import { Worker } from 'bullmq';
           new Worker(${JSON.stringify(queueName)}, () => { console.log('holding'); return new Promise(() => {}); },
             { connection: { url: ${JSON.stringify(redisUrl)} }, lockDuration: 1000, stalledInterval: 1000 });`,
        ],
        { stdio: ['ignore', 'pipe', 'inherit'] },
      );
      const holding = new Promise<void>((resolve) => rogue.stdout!.once('data', () => resolve()));
      const queue = new Queue(queueName, { connection: { url: redisUrl! } });
      await queue.add('poll.close', { key: reminder.key }, { jobId: `reminder-${reminder.id}` });
      await holding;
      rogue.kill('SIGKILL');
      expect(await queue.getActiveCount()).toBe(1);
      await queue.close();
      expect((await closedOnce([id!])).closed).toBe(0);

      await startScheduler(queueName, { lockDurationMs: 1_000, overdueGraceMs: 120_000 }).start();
      await waitUntil(async () => (await closedOnce([id!])).closed === 1);
      expect(await closedOnce([id!])).toEqual({ closed: 1, audits: [1], reminders: [['fired', 1]] });
    });
  });
}
