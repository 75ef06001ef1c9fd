import { type Clock, systemClock } from '../core/clock.js';
import type { Logger } from '../core/logger.js';
import { fireAll, pendingUntil, type Scheduler, type SchedulerDeps } from './scheduler.js';

const batch = 500;

/**
 * The embedded scheduler: one timer set to the next reminder due, and a look at the table at least every
 * `pollMs` for reminders added meanwhile (by this process or another). After a restart it simply finds what fell due
 * while it was down. `runDue` is what the timer runs, for tests with a manual clock.
 */
export function createInProcessScheduler(deps: SchedulerDeps & { logger: Logger; clock?: Clock; pollMs?: number }): Scheduler & {
  runDue(): Promise<number>;
} {
  const clock = deps.clock ?? systemClock;
  const pollMs = deps.pollMs ?? 1_000;
  let running = false;
  let loop: Promise<void> | null = null;
  let wake: (() => void) | null = null;

  let recurringAt = Number.NEGATIVE_INFINITY;

  async function runDue(): Promise<number> {
    if (clock.now().getTime() - recurringAt >= 60_000) {
      await deps.engine.scheduleRecurring();
      await deps.engine.pruneReminders();
      recurringAt = clock.now().getTime();
    }
    const due = await pendingUntil(deps.db, clock.now(), batch);
    await fireAll(
      deps.engine,
      due.map((row) => row.key),
    );
    return due.length;
  }

  async function untilNext(): Promise<number> {
    const next = await deps.db.scheduledReminder.findFirst({
      where: { state: 'pending' },
      orderBy: { dueAt: 'asc' },
      select: { dueAt: true },
    });
    return next ? Math.max(0, Math.min(pollMs, next.dueAt.getTime() - clock.now().getTime())) : pollMs;
  }

  return {
    kind: 'in-process',
    runDue,
    async start() {
      running = true;
      loop = (async () => {
        while (running) {
          let wait = pollMs;
          try {
            if ((await runDue()) < batch) wait = await untilNext();
            else wait = 0;
          } catch (error) {
            deps.logger.error({ err: error }, 'scheduler pass failed; retrying');
          }
          if (!running) break;
          await new Promise<void>((resolve) => {
            const timer = setTimeout(resolve, wait);
            wake = () => {
              clearTimeout(timer);
              resolve();
            };
          });
          wake = null;
        }
      })();
    },
    async stop() {
      running = false;
      wake?.();
      await loop;
    },
  };
}
