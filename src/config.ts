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
  slack?: { botToken: string; signingSecret?: string; appToken?: string; apiUrl?: string };
  /** Redis for BullMQ (REDIS_URL); unset, the in-process scheduler. */
  redisUrl?: string;
  /** The local web chat (YISHI_WEBCHAT): on by default when no other platform is configured; `demo` seeds the demo. */
  webChat?: { demo: boolean };
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

/** Where Telegram's own Bot API posts webhooks: only to these ports. A self-hosted Bot API server takes any port. */
const TELEGRAM_WEBHOOK_PORTS = new Set(['443', '80', '88', '8443']);
const OFFICIAL_API_HOST = 'api.telegram.org';

const WEBHOOK_URL_PROBLEM =
  'must be an https:// URL (Telegram posts updates only to https), e.g. https://bot.example.org/telegram/webhook behind a TLS reverse proxy';
const WEBHOOK_SECRET_RULE = '16-256 characters of A-Z, a-z, 0-9, _ and - (make one with: openssl rand -hex 32)';

const envSchema = z
  .object({
    DATABASE_URL: z.string().trim().optional(),
    DATA_DIR: z.string().trim().min(1).optional(),
    PORT: numberFrom(3000, 0, 65535),
    HOST: z.string().trim().min(1).optional(),
    DATABASE_POOL_SIZE: numberFrom(10, 1, 1000),
    DATABASE_ACQUIRE_TIMEOUT_MS: numberFrom(10_000, 100, 600_000),
    DATABASE_PREPARED_STATEMENTS: z.enum(['0', '1'], 'must be 1 (keep statements prepared) or 0 (for a pooler that cannot)').optional(),
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
    TELEGRAM_WEBHOOK_URL: z.string().trim().refine(isHttpsUrl, WEBHOOK_URL_PROBLEM).optional(),
    // Telegram's own rule for secret_token is 1-256 of these characters; fewer than 16 would be guessable.
    TELEGRAM_WEBHOOK_SECRET: z
      .string()
      .trim()
      .regex(/^[A-Za-z0-9_-]{16,256}$/, `must be ${WEBHOOK_SECRET_RULE}`)
      .optional(),
    SLACK_BOT_TOKEN: z
      .string()
      .trim()
      .regex(/^xoxb-[\w-]+$/, "must be the app's bot token, xoxb-... (OAuth & Permissions page)")
      .optional(),
    SLACK_SIGNING_SECRET: z
      .string()
      .trim()
      .regex(/^[\w-]{16,128}$/, "must be the app's signing secret (Basic Information page)")
      .optional(),
    SLACK_APP_TOKEN: z
      .string()
      .trim()
      .regex(/^xapp-[\w-]+$/, 'must be an app-level token with connections:write, xapp-... (Basic Information page)')
      .optional(),
    SLACK_API_URL: z.url('must be a URL').optional(),
    REDIS_URL: z
      .string()
      .trim()
      .regex(/^rediss?:\/\/\S+$/, 'must be a redis:// or rediss:// URL')
      .optional(),
    YISHI_WEBCHAT: z.enum(['0', '1'], 'must be 0 (off) or 1 (on)').optional(),
    YISHI_DEMO: z.enum(['0', '1'], 'must be 0 (no demo community) or 1').optional(),
    YISHI_WASM_OPTIMIZE: z.enum(['0', '1'], 'must be 0 (baseline compiler, less memory) or 1 (optimising compiler)').optional(),
  })
  .superRefine((vars, ctx) => {
    // Slack's bot token sends; its signing secret is what lets yishi believe an HTTP request came from Slack, and an
    // app token opens a Socket Mode connection instead: a bot token with one of the two, or none of the three.
    const receiving = vars.SLACK_SIGNING_SECRET || vars.SLACK_APP_TOKEN;
    if (Boolean(vars.SLACK_BOT_TOKEN) !== Boolean(receiving)) {
      const missing = vars.SLACK_BOT_TOKEN ? 'SLACK_SIGNING_SECRET' : 'SLACK_BOT_TOKEN';
      ctx.addIssue({
        code: 'custom',
        path: [missing],
        message:
          'is required with the other Slack variables: set SLACK_BOT_TOKEN with SLACK_SIGNING_SECRET (HTTP requests) or SLACK_APP_TOKEN (Socket Mode)',
      });
    }
    // The two webhook variables come as a pair: one without the other is a half-done set-up, not long polling.
    if (vars.TELEGRAM_WEBHOOK_URL && !vars.TELEGRAM_WEBHOOK_SECRET) {
      ctx.addIssue({
        code: 'custom',
        path: ['TELEGRAM_WEBHOOK_SECRET'],
        message: `is required with TELEGRAM_WEBHOOK_URL (Telegram sends it back, so only Telegram can post updates): set ${WEBHOOK_SECRET_RULE}`,
      });
    }
    if (vars.TELEGRAM_WEBHOOK_SECRET && !vars.TELEGRAM_WEBHOOK_URL) {
      ctx.addIssue({
        code: 'custom',
        path: ['TELEGRAM_WEBHOOK_SECRET'],
        message:
          'is set but TELEGRAM_WEBHOOK_URL is not: set TELEGRAM_WEBHOOK_URL to receive updates by webhook, or unset TELEGRAM_WEBHOOK_SECRET for long polling',
      });
    }
    const webhookPort = vars.TELEGRAM_WEBHOOK_URL ? webhookPortOf(vars.TELEGRAM_WEBHOOK_URL) : null;
    if (webhookPort !== null && !TELEGRAM_WEBHOOK_PORTS.has(webhookPort) && isOfficialApi(vars.TELEGRAM_API_ROOT)) {
      ctx.addIssue({
        code: 'custom',
        path: ['TELEGRAM_WEBHOOK_URL'],
        message: `uses port ${webhookPort}, but Telegram posts webhooks only to ports 443, 80, 88 or 8443: use one of those (443 if unsure)`,
      });
    }
  });

function isHttpsUrl(raw: string): boolean {
  const url = parseUrl(raw);
  return url?.protocol === 'https:' && url.hostname !== '';
}

/** The port an https URL names ('443' when it names none); null for no URL. */
function webhookPortOf(raw: string): string | null {
  const url = parseUrl(raw);
  return url ? url.port || '443' : null;
}

function isOfficialApi(apiRoot: string | undefined): boolean {
  return apiRoot === undefined || parseUrl(apiRoot)?.hostname === OFFICIAL_API_HOST;
}

// Refinements run even when another variable failed, so nothing here may throw on a value that failed its own check.
function parseUrl(raw: string): URL | null {
  try {
    return new URL(raw);
  } catch {
    return null;
  }
}

/**
 * A variable set to nothing (`REDIS_URL=`, or only spaces) counts as unset, for every variable: compose files and
 * `.env` templates write empty values for "not used", and refusing them would stop yishi over a setting it does
 * not need.
 */
function withoutBlankValues(env: NodeJS.ProcessEnv): Record<string, string> {
  const present: Record<string, string> = {};
  for (const [name, value] of Object.entries(env)) {
    if (value !== undefined && value.trim() !== '') present[name] = value;
  }
  return present;
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env, canPrettyPrint = defaultCanPrettyPrint()): Config {
  const parsed = envSchema.safeParse(withoutBlankValues(env));
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
          preparedStatements: vars.DATABASE_PREPARED_STATEMENTS !== '0',
        }
      : { kind: 'pglite', dataDir: path.resolve(vars.DATA_DIR ?? 'data'), optimizeWasm: vars.YISHI_WASM_OPTIMIZE === '1' },
    http: { host: vars.HOST ?? '127.0.0.1', port: vars.PORT },
    log: { level: vars.LOG_LEVEL ?? 'info', format: vars.LOG_FORMAT ?? (canPrettyPrint ? 'pretty' : 'json') },
    shutdownTimeoutMs: vars.SHUTDOWN_TIMEOUT_MS,
    ...(vars.BALLOT_SECRET ? { ballotSecret: vars.BALLOT_SECRET } : {}),
    ...(vars.REDIS_URL ? { redisUrl: vars.REDIS_URL } : {}),
    ...((vars.YISHI_WEBCHAT ?? (vars.TELEGRAM_BOT_TOKEN || vars.SLACK_BOT_TOKEN ? '0' : '1')) === '1'
      ? { webChat: { demo: vars.YISHI_DEMO !== '0' } }
      : {}),
    ...(vars.TELEGRAM_BOT_TOKEN
      ? {
          telegram: {
            token: vars.TELEGRAM_BOT_TOKEN,
            apiRoot: vars.TELEGRAM_API_ROOT ?? 'https://api.telegram.org',
            ...(vars.TELEGRAM_WEBHOOK_URL ? { webhookUrl: vars.TELEGRAM_WEBHOOK_URL, webhookSecret: vars.TELEGRAM_WEBHOOK_SECRET } : {}),
          },
        }
      : {}),
    ...(vars.SLACK_BOT_TOKEN && (vars.SLACK_SIGNING_SECRET || vars.SLACK_APP_TOKEN)
      ? {
          slack: {
            botToken: vars.SLACK_BOT_TOKEN,
            ...(vars.SLACK_SIGNING_SECRET ? { signingSecret: vars.SLACK_SIGNING_SECRET } : {}),
            ...(vars.SLACK_APP_TOKEN ? { appToken: vars.SLACK_APP_TOKEN } : {}),
            ...(vars.SLACK_API_URL ? { apiUrl: vars.SLACK_API_URL } : {}),
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
