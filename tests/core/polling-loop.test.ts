import { pino } from 'pino';
import { expect, it } from 'vitest';
import { createPollingLoop } from '../../src/core/polling-loop.js';

// A wake that arrives while a step is running (new work recorded after the step looked) must not be lost: the next step
// runs at once rather than after the idle wait, here a minute, longer than the test's own timeout.
it('runs again at once when woken during a step that found nothing', async () => {
  let steps = 0;
  let secondStep: () => void = () => {};
  const ranTwice = new Promise<void>((resolve) => {
    secondStep = resolve;
  });
  const loop = createPollingLoop({
    name: 'test',
    idleMs: 60_000,
    logger: pino({ level: 'silent' }),
    step: async () => {
      steps += 1;
      if (steps === 1) loop.wake();
      if (steps === 2) secondStep();
      return 0;
    },
  });
  loop.start();
  await ranTwice;
  await loop.stop();
  expect(steps).toBeGreaterThanOrEqual(2);
}, 10_000);
