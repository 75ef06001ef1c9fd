import { createRequire } from 'node:module';
import path from 'node:path';
import { z } from 'zod';
import { OperatorError } from './core/errors.js';
import { redactUrl } from './core/redact-url.js';
import type { DatabaseConfig } from './db/database.js';

/** Validated once at start. Every variable here is documented in the README's configuration table. */
export type Config = {
  database: DatabaseConfig;
  http: { host: string; port: number };
  log: { level: string; format: 'json' | 'pretty' };
  shutdownTimeoutMs: number;
  /** Key for secret ballots' voter keys; unset, the installation's own key in the database. */
  ballotSecret?: string;
  telegram?: { token: string; apiRoot: string; webhookUrl?: string; webhookSecret?: string };
  /** Redis for BullMQ (REDIS_URL); unset, the in-process scheduler. */
  redisUrl?: string;
};

const numberFrom = (fallback: number, min: number, max: number) =>
  z
    .string()
    .trim()
    .regex(/^\d+$/, 'must be a whole number')
    .transform(Number)
    .pipe(z.number().int().min(min).max(max))
    .optional()
    .transform((value) => value ?? fallback);

const envSchema = z
  .object({
    DATABASE_URL: z.string().trim().optional(),
    DATA_DIR: z.string().trim().min(1).optional(),
    PORT: numberFrom(3000, 0, 65535),
    HOST: z.string().trim().min(1).optional(),
    DATABASE_POOL_SIZE: numberFrom(10, 1, 1000),
    DATABASE_ACQUIRE_TIMEOUT_MS: numberFrom(10_000, 100, 600_000),
    LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).optional(),
    LOG_FORMAT: z.enum(['json', 'pretty']).optional(),
    SHUTDOWN_TIMEOUT_MS: numberFrom(10_000, 100, 600_000),
    BALLOT_SECRET: z.string().min(32, 'must be at least 32 characters').optional(),
    TELEGRAM_BOT_TOKEN: z
      .string()
      .trim()
      .regex(/^\d+:[\w-]+$/, 'must look like 123456:ABC-def (from @BotFather)')
      .optional(),
    TELEGRAM_API_ROOT: z.url('must be a URL').optional(),
    TELEGRAM_WEBHOOK_URL: z.url('must be an https URL').optional(),
    TELEGRAM_WEBHOOK_SECRET: z
      .string()
      .regex(/^[\w-]{1,256}$/, 'must be 1-256 letters, digits, _ or -')
      .optional(),
    REDIS_URL: z
      .string()
      .trim()
      .regex(/^rediss?:\/\/\S+$/, 'must be a redis:// or rediss:// URL')
      .optional(),
  })
  .refine((vars) => !vars.TELEGRAM_WEBHOOK_URL || vars.TELEGRAM_WEBHOOK_SECRET, {
    path: ['TELEGRAM_WEBHOOK_SECRET'],
    message: 'is required with TELEGRAM_WEBHOOK_URL (Telegram sends it back so only Telegram can post updates)',
  });

export function loadConfig(env: NodeJS.ProcessEnv = process.env, canPrettyPrint = defaultCanPrettyPrint()): Config {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new OperatorError('config_invalid', { variable: String(issue?.path[0] ?? '?'), problem: issue?.message ?? '' });
  }
  const vars = parsed.data;
  return {
    database: vars.DATABASE_URL
      ? {
          kind: 'postgresql',
          url: checkDatabaseUrl(vars.DATABASE_URL),
          poolSize: vars.DATABASE_POOL_SIZE,
          acquireTimeoutMs: vars.DATABASE_ACQUIRE_TIMEOUT_MS,
        }
      : { kind: 'pglite', dataDir: path.resolve(vars.DATA_DIR ?? 'data') },
    http: { host: vars.HOST ?? '127.0.0.1', port: vars.PORT },
    log: { level: vars.LOG_LEVEL ?? 'info', format: vars.LOG_FORMAT ?? (canPrettyPrint ? 'pretty' : 'json') },
    shutdownTimeoutMs: vars.SHUTDOWN_TIMEOUT_MS,
    ...(vars.BALLOT_SECRET ? { ballotSecret: vars.BALLOT_SECRET } : {}),
    ...(vars.REDIS_URL ? { redisUrl: vars.REDIS_URL } : {}),
    ...(vars.TELEGRAM_BOT_TOKEN
      ? {
          telegram: {
            token: vars.TELEGRAM_BOT_TOKEN,
            apiRoot: vars.TELEGRAM_API_ROOT ?? 'https://api.telegram.org',
            ...(vars.TELEGRAM_WEBHOOK_URL ? { webhookUrl: vars.TELEGRAM_WEBHOOK_URL, webhookSecret: vars.TELEGRAM_WEBHOOK_SECRET } : {}),
          },
        }
      : {}),
  };
}

function checkDatabaseUrl(raw: string): string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new OperatorError('database_url_invalid', { url: redactUrl(raw) });
  }
  if (url.protocol !== 'postgres:' && url.protocol !== 'postgresql:') {
    throw new OperatorError('database_url_invalid', { url: redactUrl(raw) });
  }
  return raw;
}

function defaultCanPrettyPrint(): boolean {
  if (!process.stdout.isTTY) return false;
  try {
    createRequire(import.meta.url).resolve('pino-pretty');
    return true;
  } catch {
    return false;
  }
}

export { redactUrl };
