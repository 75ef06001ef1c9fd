import type { PrismaClient } from '../db/generated/client.js';
import type { Engine } from '../engine/index.js';

/** Wakes up what is due. Reminders are database rows first; a scheduler holds nothing that cannot be rebuilt. */
export interface Scheduler {
  readonly kind: 'bullmq' | 'in-process';
  start(): Promise<void>;
  stop(): Promise<void>;
}

export type SchedulerDeps = { db: PrismaClient; engine: Engine };

/** Keys of pending reminders due by `until`, soonest first. */
export async function pendingUntil(db: PrismaClient, until: Date, take: number) {
  return db.scheduledReminder.findMany({
    where: { state: 'pending', dueAt: { lte: until } },
    orderBy: { dueAt: 'asc' },
    take,
    select: { id: true, key: true, kind: true, dueAt: true },
  });
}

/** Fires the given reminders, a few at a time; each fires at most once whatever else fires it. */
export async function fireAll(engine: Engine, keys: string[], concurrency = 8): Promise<void> {
  const queue = [...keys];
  await Promise.all(
    Array.from({ length: Math.min(concurrency, queue.length) }, async () => {
      for (let key = queue.shift(); key !== undefined; key = queue.shift()) await engine.fireReminder(key);
    }),
  );
}

/** For /healthz: reminders waiting, late by more than a minute, and failed for good. */
export async function reminderCounts(db: PrismaClient): Promise<{ pending: number; overdue: number; failed: number }> {
  const [row] = await db.$queryRaw<Array<{ pending: number; overdue: number; failed: number }>>`
    SELECT count(*) FILTER (WHERE "state" = 'pending')::int AS "pending",
      count(*) FILTER (WHERE "state" = 'pending' AND "dueAt" < now() - interval '1 minute')::int AS "overdue",
      count(*) FILTER (WHERE "state" = 'failed')::int AS "failed"
    FROM "ScheduledReminder" WHERE "state" IN ('pending', 'failed')`;
  return row ?? { pending: 0, overdue: 0, failed: 0 };
}
