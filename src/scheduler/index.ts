import type { Logger } from '../core/logger.js';
import type { SchedulerMessages } from './bullmq.js';
import { createInProcessScheduler } from './in-process.js';
import type { Scheduler, SchedulerDeps } from './scheduler.js';

export { reminderCounts, type Scheduler } from './scheduler.js';

/** BullMQ when Redis is configured, otherwise the in-process scheduler: the same reminders, fired the same way. */
export async function createScheduler(
  deps: SchedulerDeps & { logger: Logger; redisUrl?: string; messages: SchedulerMessages },
): Promise<Scheduler> {
  if (!deps.redisUrl) return createInProcessScheduler(deps);
  const { createBullScheduler } = await import('./bullmq.js');
  return createBullScheduler({ ...deps, redisUrl: deps.redisUrl });
}
