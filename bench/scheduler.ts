// Benchmark of the scheduler on PostgreSQL (BENCH_DATABASE_URL or TEST_DATABASE_URL; BENCH_REDIS_URL or
// TEST_REDIS_URL for BullMQ):
// 1. the morning digest of 1,500 communities (Guangzhou's scale), each with a committee chat, some issues and a
//    follow-up: generated and queued in the outbox by the in-process scheduler; the time from due to all queued;
// 2. reminder lateness: 1,000 reminders due over 5 s, fired by the in-process scheduler and by BullMQ; lateness is
//    the firing time (recorded in the reminder row) minus the time it was due, p50 and p99.
// Median of BENCH_RUNS (default 3) runs each.
//   BENCH_DATABASE_URL=postgresql://root@127.0.0.1:5432/test BENCH_REDIS_URL=redis://127.0.0.1:6379 npm run bench:scheduler
import { randomUUID } from 'node:crypto';
import { pino } from 'pino';
import type { Database } from '../src/db/database.js';
import { createEngine, type Engine } from '../src/engine/index.js';
import { createI18n } from '../src/i18n/index.js';
import { schedulerMessages } from '../src/i18n/operator.js';
import { createBullScheduler } from '../src/scheduler/bullmq.js';
import { createInProcessScheduler } from '../src/scheduler/in-process.js';
import { benchDatabaseUrl, withBenchDatabase } from './bench-database.js';

const adminUrl = benchDatabaseUrl;
const redisUrl = process.env.BENCH_REDIS_URL ?? process.env.TEST_REDIS_URL;
const runs = Number(process.env.BENCH_RUNS ?? 3);
const communities = Number(process.env.BENCH_COMMUNITIES ?? 1_500);
const reminders = Number(process.env.BENCH_REMINDERS ?? 1_000);
if (!adminUrl) {
  console.log('Set BENCH_DATABASE_URL to a PostgreSQL server where the user may create databases.');
  process.exit(0);
}
const logger = pino({ level: 'warn' });

/** 1,500 communities with a committee chat, a building, five issues (one escalated) and an overdue follow-up each. */
async function seedCommunities(database: Database): Promise<void> {
  await database.prisma.$executeRawUnsafe(`
    INSERT INTO "Community" ("slug", "name") SELECT 'c' || i, '社区' || i FROM generate_series(1, ${communities}) i;
    INSERT INTO "Building" ("communityId", "name") SELECT "id", '1栋' FROM "Community";
    INSERT INTO "Chat" ("platform", "platformChatId", "kind", "binding", "communityId", "boundAt", "updatedAt")
      SELECT 'telegram', '-' || "id", 'group', 'committee', "id", now(), now() FROM "Community";
    INSERT INTO "Party" ("communityId", "kind", "name") SELECT "id", 'property_manager', '物业' FROM "Community";
    INSERT INTO "Issue" ("communityId", "number", "text", "buildingId", "createdAt", "updatedAt", "level")
      SELECT b."communityId", n, '楼道灯不亮 ' || n, b."id", now() - interval '2 hours', now(), 'building'
      FROM "Building" b, generate_series(1, 5) n;
    UPDATE "Issue" SET "level" = 'resident_group', "status" = 'in_progress' WHERE "number" = 1;
    INSERT INTO "Escalation" ("issueId", "fromLevel", "toLevel", "cause", "createdAt")
      SELECT "id", 'building', 'resident_group', 'support', now() - interval '1 hour' FROM "Issue" WHERE "number" = 1;
    INSERT INTO "FollowUp" ("issueId", "partyId", "deadline", "createdAt")
      SELECT i."id", p."id", now() - interval '1 day', now() - interval '4 days'
      FROM "Issue" i JOIN "Party" p ON p."communityId" = i."communityId" WHERE i."number" = 1;`);
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
const quantile = (values: number[], q: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
};

async function digestRun(): Promise<{ seconds: number; notices: number }> {
  return withBenchDatabase(adminUrl, 16, async (database) => {
    await seedCommunities(database);
    const engine = createEngine({ db: database.prisma, logger });
    const scheduler = createInProcessScheduler({ db: database.prisma, engine, logger });
    await engine.scheduleRecurring();
    await database.prisma.scheduledReminder.updateMany({ where: { kind: 'digest.daily' }, data: { dueAt: new Date() } });
    const started = performance.now();
    while ((await scheduler.runDue()) > 0);
    const seconds = (performance.now() - started) / 1000;
    const notices = await database.prisma.outboxNotice.count({ where: { type: { startsWith: 'digest.' } } });
    return { seconds, notices };
  });
}

async function latencyRun(kind: 'in-process' | 'bullmq'): Promise<{ p50: number; p99: number }> {
  return withBenchDatabase(adminUrl, 16, async (database) => {
    const engine: Engine = createEngine({ db: database.prisma, logger });
    await engine.scheduleRecurring();
    const start = Date.now() + 2_000;
    await database.prisma.scheduledReminder.createMany({
      data: Array.from({ length: reminders }, (_, i) => ({
        key: `followup.remind:bench-${i}`,
        kind: 'followup.remind',
        dueAt: new Date(start + Math.floor((i * 5_000) / reminders)),
        params: { followUpId: 0 },
      })),
    });
    const scheduler =
      kind === 'in-process'
        ? createInProcessScheduler({ db: database.prisma, engine, logger })
        : createBullScheduler({
            db: database.prisma,
            engine,
            logger,
            redisUrl: redisUrl!,
            queueName: `bench-${randomUUID()}`,
            messages: schedulerMessages(createI18n().getFixedT('en')),
          });
    await scheduler.start();
    for (;;) {
      const left = await database.prisma.scheduledReminder.count({
        where: { key: { startsWith: 'followup.remind:bench-' }, state: 'pending' },
      });
      if (left === 0) break;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    await scheduler.stop();
    const rows = await database.prisma.scheduledReminder.findMany({ where: { key: { startsWith: 'followup.remind:bench-' } } });
    const lateness = rows.map((row) => row.firedAt!.getTime() - row.dueAt.getTime());
    return { p50: quantile(lateness, 0.5), p99: quantile(lateness, 0.99) };
  });
}

const digests = [];
for (let run = 0; run < runs; run++) digests.push(await digestRun());
console.log(
  JSON.stringify({
    digests: { communities, notices: digests[0]!.notices, seconds: Number(median(digests.map((d) => d.seconds)).toFixed(2)) },
  }),
);
for (const kind of ['in-process', ...(redisUrl ? ['bullmq' as const] : [])] as const) {
  const results = [];
  for (let run = 0; run < runs; run++) results.push(await latencyRun(kind));
  console.log(
    JSON.stringify({ lateness: kind, reminders, p50Ms: median(results.map((r) => r.p50)), p99Ms: median(results.map((r) => r.p99)) }),
  );
}
