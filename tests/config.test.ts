import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig, redactUrl } from '../src/config.js';

describe('loadConfig', () => {
  describe('when nothing is set', () => {
    it('runs embedded: PGlite under ./data, port 3000 on localhost', () => {
      expect(loadConfig({}, false)).toEqual({
        database: { kind: 'pglite', dataDir: path.resolve('data') },
        http: { host: '127.0.0.1', port: 3000 },
        log: { level: 'info', format: 'json' },
        shutdownTimeoutMs: 10_000,
      });
    });
  });

  describe('when DATABASE_URL is set', () => {
    it('uses PostgreSQL with a bounded pool and acquire timeout', () => {
      expect(loadConfig({ DATABASE_URL: 'postgres://u:p@db:5432/yishi', DATABASE_POOL_SIZE: '4' }, false).database).toEqual({
        kind: 'postgresql',
        url: 'postgres://u:p@db:5432/yishi',
        poolSize: 4,
        acquireTimeoutMs: 10_000,
      });
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

describe('redactUrl', () => {
  it('hides the password and keeps the rest', () => {
    expect(redactUrl('postgres://yishi:s3cret@db:5432/yishi')).toBe('postgres://yishi:***@db:5432/yishi');
    expect(redactUrl('postgres://db/yishi')).toBe('postgres://db/yishi');
  });
});
