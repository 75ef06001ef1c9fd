import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig, redactUrl } from '../src/config.js';

describe('loadConfig', () => {
  describe('when nothing is set', () => {
    it('runs embedded: PGlite under ./data, port 3000 on localhost, the local web chat with its demo', () => {
      expect(loadConfig({}, false)).toEqual({
        database: { kind: 'pglite', dataDir: path.resolve('data'), optimizeWasm: false },
        http: { host: '127.0.0.1', port: 3000 },
        log: { level: 'info', format: 'json' },
        shutdownTimeoutMs: 10_000,
        webChat: { demo: true },
      });
    });
  });

  describe('the local web chat', () => {
    it.each([
      [{}, { demo: true }],
      [{ YISHI_DEMO: '0' }, { demo: false }],
      [{ YISHI_WEBCHAT: '0' }, undefined],
      [{ TELEGRAM_BOT_TOKEN: '123:abc' }, undefined],
      [{ TELEGRAM_BOT_TOKEN: '123:abc', YISHI_WEBCHAT: '1' }, { demo: true }],
    ])('with %o is %o', (env, webChat) => {
      expect(loadConfig(env, false).webChat).toEqual(webChat);
    });

    it('keeps the embedded database on the baseline WebAssembly compiler unless YISHI_WASM_OPTIMIZE=1', () => {
      expect(loadConfig({ YISHI_WASM_OPTIMIZE: '1' }, false).database).toMatchObject({ kind: 'pglite', optimizeWasm: true });
      expect(loadConfig({ YISHI_WASM_OPTIMIZE: '0' }, false).database).toMatchObject({ kind: 'pglite', optimizeWasm: false });
    });

    it.each([{ YISHI_WEBCHAT: 'yes' }, { YISHI_DEMO: 'no' }, { YISHI_WASM_OPTIMIZE: 'fast' }])('refuses %o, naming the variable', (env) => {
      expect(() => loadConfig(env, false)).toThrow(
        expect.objectContaining({ params: expect.objectContaining({ variable: Object.keys(env)[0] }) }),
      );
    });
  });

  describe('Slack', () => {
    const bot = 'xoxb-1-2-abc';
    it.each([
      [
        { SLACK_BOT_TOKEN: bot, SLACK_SIGNING_SECRET: '0123456789abcdef0123' },
        { botToken: bot, signingSecret: '0123456789abcdef0123' },
      ],
      [
        { SLACK_BOT_TOKEN: bot, SLACK_APP_TOKEN: 'xapp-1-A1-2-def' },
        { botToken: bot, appToken: 'xapp-1-A1-2-def' },
      ],
      [{}, undefined],
    ])('with %o receives over HTTP (signing secret) or Socket Mode (app token): %o', (env, slack) => {
      expect(loadConfig(env, false).slack).toEqual(slack);
    });

    it.each([
      [{ SLACK_BOT_TOKEN: bot }, 'SLACK_SIGNING_SECRET'],
      [{ SLACK_APP_TOKEN: 'xapp-1-A1-2-def' }, 'SLACK_BOT_TOKEN'],
      [{ SLACK_BOT_TOKEN: bot, SLACK_APP_TOKEN: 'xoxb-not-an-app-token' }, 'SLACK_APP_TOKEN'],
    ])('refuses %o, naming %s', (env, variable) => {
      expect(() => loadConfig(env, false)).toThrow(expect.objectContaining({ params: expect.objectContaining({ variable }) }));
    });
  });

  describe('when DATABASE_URL is set', () => {
    it('uses PostgreSQL with a bounded pool and acquire timeout', () => {
      expect(loadConfig({ DATABASE_URL: 'postgres://u:p@db:5432/yishi', DATABASE_POOL_SIZE: '4' }, false).database).toEqual({
        kind: 'postgresql',
        url: 'postgres://u:p@db:5432/yishi',
        poolSize: 4,
        acquireTimeoutMs: 10_000,
        preparedStatements: true,
      });
    });

    it('keeps statements prepared unless DATABASE_PREPARED_STATEMENTS is 0', () => {
      const url = 'postgres://u:p@db:5432/yishi';
      expect(loadConfig({ DATABASE_URL: url, DATABASE_PREPARED_STATEMENTS: '0' }, false).database).toMatchObject({
        preparedStatements: false,
      });
      expect(loadConfig({ DATABASE_URL: url, DATABASE_PREPARED_STATEMENTS: '1' }, false).database).toMatchObject({
        preparedStatements: true,
      });
      expect(() => loadConfig({ DATABASE_URL: url, DATABASE_PREPARED_STATEMENTS: 'yes' }, false)).toThrow(
        expect.objectContaining({ params: expect.objectContaining({ variable: 'DATABASE_PREPARED_STATEMENTS' }) }),
      );
    });

    it.each(['mysql://u@h/db', 'not a url', 'http://h/db'])('refuses %s, naming DATABASE_URL', (url) => {
      expect(() => loadConfig({ DATABASE_URL: url }, false)).toThrow(expect.objectContaining({ code: 'database_url_invalid' }));
    });
  });

  it.each([
    [{ PORT: 'abc' }, 'PORT'],
    [{ PORT: '70000' }, 'PORT'],
    [{ PORT: '-1' }, 'PORT'],
    [{ LOG_LEVEL: 'loud' }, 'LOG_LEVEL'],
    [{ DATABASE_POOL_SIZE: '0' }, 'DATABASE_POOL_SIZE'],
    [{ BALLOT_SECRET: 'short' }, 'BALLOT_SECRET'],
  ])('refuses %o, naming %s', (env, variable) => {
    expect(() => loadConfig(env, false)).toThrow(
      expect.objectContaining({ code: 'config_invalid', params: expect.objectContaining({ variable }) }),
    );
  });
});

describe('loadConfig: the Telegram webhook', () => {
  const token = '123456:ABC-def';
  const secret = 'a1B2c3D4e5F6g7H8';

  it.each([
    ['http://bot.example.org/hook', 'an http URL'],
    ['ftp://bot.example.org/hook', 'an ftp URL'],
    ['ws://bot.example.org/hook', 'a ws URL'],
    ['bot.example.org/hook', 'no scheme'],
    ['https://', 'no host'],
    ['not a url', 'not a URL'],
    ['https://bot.example.org:8080/hook', 'a port Telegram does not post to'],
  ])('refuses TELEGRAM_WEBHOOK_URL=%s (%s), naming it and the fix', (url) => {
    expect(() => loadConfig({ TELEGRAM_BOT_TOKEN: token, TELEGRAM_WEBHOOK_URL: url, TELEGRAM_WEBHOOK_SECRET: secret }, false)).toThrow(
      expect.objectContaining({
        code: 'config_invalid',
        params: expect.objectContaining({ variable: 'TELEGRAM_WEBHOOK_URL', problem: expect.stringMatching(/https|443/) }),
      }),
    );
  });

  it.each([
    ['x', 'one character'],
    ['a'.repeat(15), '15 characters'],
    ['a'.repeat(257), '257 characters'],
    ['abcdefgh ijklmnop', 'a space'],
    ['abcdefgh+ijklmnop', 'a plus'],
    ['abcdefgh.ijklmnop', 'a dot'],
    ['abcdefghijklmnopé', 'a non-ASCII letter'],
  ])('refuses TELEGRAM_WEBHOOK_SECRET=%s (%s), naming it and the fix', (badSecret) => {
    const thrown = (() => {
      try {
        loadConfig(
          { TELEGRAM_BOT_TOKEN: token, TELEGRAM_WEBHOOK_URL: 'https://bot.example.org/hook', TELEGRAM_WEBHOOK_SECRET: badSecret },
          false,
        );
      } catch (error) {
        return error;
      }
      return undefined;
    })();
    expect(thrown).toMatchObject({
      code: 'config_invalid',
      params: { variable: 'TELEGRAM_WEBHOOK_SECRET', problem: expect.stringContaining('16-256 characters') },
    });
    // The line goes to the terminal and the log: it names the fix, never the secret.
    if (badSecret.length > 1) expect((thrown as { params: { problem: string } }).params.problem).not.toContain(badSecret);
  });

  it('refuses a webhook URL without a secret', () => {
    expect(() => loadConfig({ TELEGRAM_BOT_TOKEN: token, TELEGRAM_WEBHOOK_URL: 'https://bot.example.org/hook' }, false)).toThrow(
      expect.objectContaining({ code: 'config_invalid', params: expect.objectContaining({ variable: 'TELEGRAM_WEBHOOK_SECRET' }) }),
    );
  });

  it('refuses a secret without a webhook URL: a half-done set-up, not long polling', () => {
    expect(() => loadConfig({ TELEGRAM_BOT_TOKEN: token, TELEGRAM_WEBHOOK_SECRET: secret }, false)).toThrow(
      expect.objectContaining({
        code: 'config_invalid',
        params: expect.objectContaining({ variable: 'TELEGRAM_WEBHOOK_SECRET', problem: expect.stringContaining('TELEGRAM_WEBHOOK_URL') }),
      }),
    );
  });

  it.each([
    ['https://bot.example.org/telegram/hook', secret],
    ['https://bot.example.org:8443/hook', 'A'.repeat(256)],
    ['https://bot.example.org:88/hook', 'under_score-and-dash_0123'],
    ['https://bot.example.org:443/hook', secret],
    ['https://203.0.113.7/hook', secret],
    ['  https://bot.example.org/hook  ', `  ${secret}  `],
  ])('accepts TELEGRAM_WEBHOOK_URL=%s with TELEGRAM_WEBHOOK_SECRET=%s', (url, goodSecret) => {
    expect(
      loadConfig({ TELEGRAM_BOT_TOKEN: token, TELEGRAM_WEBHOOK_URL: url, TELEGRAM_WEBHOOK_SECRET: goodSecret }, false).telegram,
    ).toEqual({
      token,
      apiRoot: 'https://api.telegram.org',
      webhookUrl: url.trim(),
      webhookSecret: goodSecret.trim(),
    });
  });

  it('accepts any port when a self-hosted Bot API server posts the webhooks', () => {
    const config = loadConfig(
      {
        TELEGRAM_BOT_TOKEN: token,
        TELEGRAM_API_ROOT: 'http://127.0.0.1:8081',
        TELEGRAM_WEBHOOK_URL: 'https://yishi.internal:3443/hook',
        TELEGRAM_WEBHOOK_SECRET: secret,
      },
      false,
    );
    expect(config.telegram?.webhookUrl).toBe('https://yishi.internal:3443/hook');
  });

  it('uses long polling when neither webhook variable is set', () => {
    expect(loadConfig({ TELEGRAM_BOT_TOKEN: token }, false).telegram).toEqual({ token, apiRoot: 'https://api.telegram.org' });
  });
});

describe('loadConfig: a variable set to nothing', () => {
  const optional = [
    'DATABASE_URL',
    'DATA_DIR',
    'PORT',
    'HOST',
    'DATABASE_POOL_SIZE',
    'DATABASE_ACQUIRE_TIMEOUT_MS',
    'DATABASE_PREPARED_STATEMENTS',
    'LOG_LEVEL',
    'LOG_FORMAT',
    'SHUTDOWN_TIMEOUT_MS',
    'BALLOT_SECRET',
    'TELEGRAM_BOT_TOKEN',
    'TELEGRAM_API_ROOT',
    'TELEGRAM_WEBHOOK_URL',
    'TELEGRAM_WEBHOOK_SECRET',
    'REDIS_URL',
  ];

  it.each(optional.flatMap((name) => [[name, ''] as const, [name, '   '] as const]))('counts %s=%j as unset', (name, value) => {
    expect(loadConfig({ [name]: value }, false)).toEqual(loadConfig({}, false));
  });

  it('counts every variable empty at once as all unset', () => {
    expect(loadConfig(Object.fromEntries(optional.map((name) => [name, ''])), false)).toEqual(loadConfig({}, false));
  });

  it('counts an empty webhook pair as long polling', () => {
    const token = '123456:ABC-def';
    expect(loadConfig({ TELEGRAM_BOT_TOKEN: token, TELEGRAM_WEBHOOK_URL: '', TELEGRAM_WEBHOOK_SECRET: '' }, false).telegram).toEqual({
      token,
      apiRoot: 'https://api.telegram.org',
    });
  });

  it('still refuses REDIS_URL set to something that is not Redis', () => {
    expect(() => loadConfig({ REDIS_URL: 'localhost:6379' }, false)).toThrow(
      expect.objectContaining({ code: 'config_invalid', params: expect.objectContaining({ variable: 'REDIS_URL' }) }),
    );
  });
});

describe('redactUrl', () => {
  it('hides the password and keeps the rest', () => {
    expect(redactUrl('postgres://yishi:s3cret@db:5432/yishi')).toBe('postgres://yishi:***@db:5432/yishi');
    expect(redactUrl('postgres://db/yishi')).toBe('postgres://db/yishi');
  });
});
