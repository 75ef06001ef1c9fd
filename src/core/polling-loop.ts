import type { Logger } from './logger.js';

/**
 * Runs `step` over and over: straight again while it finds work, otherwise after `idleMs` or as soon as `wake()` is
 * called (a wake during a step runs the next one at once). A failing step is logged and retried; it never ends the
 * loop. `stop()` lets the current step finish.
 */
export function createPollingLoop(options: { name: string; idleMs: number; logger: Logger; step: () => Promise<number> }) {
  let running = false;
  let loop: Promise<void> | null = null;
  let wakeUp: (() => void) | null = null;
  // A wake that comes while a step runs is kept: the step may have looked before the new work arrived.
  let wokenDuringStep = false;

  function wake(): void {
    if (wakeUp) wakeUp();
    else wokenDuringStep = true;
  }

  function start(): void {
    running = true;
    loop = (async () => {
      while (running) {
        let found = 0;
        wokenDuringStep = false;
        try {
          found = await options.step();
        } catch (error) {
          options.logger.error({ err: error, loop: options.name }, 'loop step failed; retrying');
        }
        if (found === 0 && running && !wokenDuringStep) {
          await new Promise<void>((resolve) => {
            const timer = setTimeout(resolve, options.idleMs);
            wakeUp = () => {
              clearTimeout(timer);
              resolve();
            };
          });
          wakeUp = null;
        }
      }
    })();
  }

  async function stop(): Promise<void> {
    running = false;
    wake();
    await loop;
  }

  return { start, stop, wake };
}
