import { type Logger, pino } from 'pino';

export type { Logger };
export type LogFormat = 'json' | 'pretty';

/** Structured logs for developers and operators' log collectors; English, never shown to residents. */
export function createLogger(options: { level: string; format: LogFormat }): Logger {
  if (options.format === 'pretty') {
    return pino({
      level: options.level,
      transport: { target: 'pino-pretty', options: { colorize: true, translateTime: 'SYS:HH:MM:ss', ignore: 'pid,hostname' } },
    });
  }
  return pino({ level: options.level });
}
