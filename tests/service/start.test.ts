import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openPglite } from '../../src/db/database.js';
import { createEmptyPostgresDatabase, databaseKinds } from '../helpers/database.js';
import { freePort, type Run, runToEnd, startService } from '../helpers/service.js';

let tmp: string;
beforeAll(async () => {
  tmp = await mkdtemp(path.join(os.tmpdir(), 'yishi-start-'));
});
afterAll(() => rm(tmp, { recursive: true, force: true }));

/** An operator-facing failure: a non-zero exit and exactly one line on stderr, with no stack trace. */
function expectOneLineFailure(run: Run, pattern: RegExp) {
  expect(run.code).not.toBe(0);
  expect(run.code).not.toBeNull();
  const lines = run.stderr.trim().split('\n');
  expect(lines).toHaveLength(1);
  expect(lines[0]).toMatch(/^yishi: /);
  expect(lines[0]).toMatch(pattern);
  expect(run.stderr + run.stdout).not.toMatch(/^\s+at /m);
}

describe('npm start (embedded database)', () => {
  it('answers /healthz with the database kind and migration state, and stops cleanly on SIGTERM', async () => {
    const dataDir = path.join(tmp, 'fresh');
    const service = await startService({ DATA_DIR: dataDir });
    const health = await service.waitUntilHealthy();
    expect(health).toMatchObject({
      status: 'ok',
      database: { kind: 'pglite', connected: true },
      migrations: { state: 'applied' },
      scheduler: { kind: 'in-process', failed: 0, overdue: 0 },
    });
    expect((health.migrations as { applied: number }).applied).toBeGreaterThan(0);
    await service.waitForOutput('The local web chat is open');
    const page = await fetch(`http://127.0.0.1:${service.port}/`);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('<html');
    const run = await service.stop('SIGTERM');
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('Stopped cleanly');
    expect(await readdir(dataDir)).toEqual(['pglite']);
  });

  it('without the web chat (YISHI_WEBCHAT=0) and no platform, says so in one line and keeps serving /healthz', async () => {
    const service = await startService({ DATA_DIR: path.join(tmp, 'no-platform'), YISHI_WEBCHAT: '0' });
    await service.waitUntilHealthy();
    await service.waitForOutput('No chat platform is configured');
    expect((await fetch(`http://127.0.0.1:${service.port}/`)).status).toBe(404);
    expect((await service.stop()).code).toBe(0);
  });

  it('keeps its data across a restart on the same DATA_DIR, and stops cleanly on SIGINT too', async () => {
    const dataDir = path.join(tmp, 'restart');
    const first = await startService({ DATA_DIR: dataDir });
    await first.waitUntilHealthy();
    expect((await first.stop('SIGINT')).code).toBe(0);

    const direct = await openPglite({ dataDir });
    await direct.prisma.community.create({ data: { slug: 'xingfu', name: '幸福社区' } });
    await direct.close();

    const second = await startService({ DATA_DIR: dataDir });
    await second.waitUntilHealthy();
    await second.waitForOutput('yishi is ready');
    expect(second.output().stdout).not.toContain('Database schema updated');
    expect((await second.stop()).code).toBe(0);

    const reopened = await openPglite({ dataDir });
    try {
      // The demo was seeded on the first, empty start only; the restart left it and the real community alone.
      expect(await reopened.prisma.community.findMany({ select: { slug: true, demo: true }, orderBy: { id: 'asc' } })).toEqual([
        { slug: 'yishi-demo', demo: true },
        { slug: 'xingfu', demo: false },
      ]);
    } finally {
      await reopened.close();
    }
  });

  it('refuses a second yishi on the same DATA_DIR while the first runs', async () => {
    const dataDir = path.join(tmp, 'locked');
    const first = await startService({ DATA_DIR: dataDir });
    await first.waitUntilHealthy();
    try {
      const second = await runToEnd({ DATA_DIR: dataDir });
      expectOneLineFailure(second, /in use by another yishi \(process \d+\)/);
      expect(await fetch(`http://127.0.0.1:${first.port}/healthz`).then((r) => r.status)).toBe(200);
    } finally {
      expect((await first.stop()).code).toBe(0);
    }
  });
});

describe.skipIf(!databaseKinds.find((k) => k.kind === 'postgresql' && !k.skipReason))(
  'npm start with DATABASE_URL [postgresql; needs TEST_DATABASE_URL]',
  () => {
    it('migrates an empty PostgreSQL database and reports it in /healthz', async () => {
      const empty = await createEmptyPostgresDatabase();
      try {
        const service = await startService({ DATABASE_URL: empty.url });
        expect(await service.waitUntilHealthy()).toMatchObject({
          status: 'ok',
          database: { kind: 'postgresql', connected: true },
          migrations: { state: 'applied' },
        });
        expect((await service.stop()).code).toBe(0);
        const cli = await runToEnd({ DATABASE_URL: empty.url }, ['migrate']);
        expect(cli.code).toBe(0);
        expect(cli.stdout).toMatch(/The database schema is up to date \(\d+ migration\(s\)\)/);
      } finally {
        await empty.drop();
      }
    });
  },
);

describe('npm start with bad input: one clear line, non-zero exit, nothing left behind', () => {
  let blocker: Server;
  let busyPort: number;
  beforeAll(async () => {
    busyPort = await freePort();
    blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(busyPort, '127.0.0.1', resolve));
  });
  afterAll(() => new Promise<void>((resolve) => blocker.close(() => resolve())));

  it('a port in use names the port and creates no data folder', async () => {
    const dataDir = path.join(tmp, 'never-created');
    const run = await runToEnd({ DATA_DIR: dataDir, PORT: String(busyPort) });
    expectOneLineFailure(run, new RegExp(`Port ${busyPort} is already in use.*set PORT`));
    await expect(readdir(dataDir)).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it.each([
    [{ DATABASE_URL: 'mysql://root@127.0.0.1/yishi' }, /DATABASE_URL is not a PostgreSQL address.*unset it to use the embedded database/],
    [{ DATABASE_URL: 'postgres://root:hunter2@127.0.0.1:1/yishi' }, /Cannot reach PostgreSQL at 127\.0\.0\.1:1 \(connection refused\)/],
    [{ DATABASE_URL: 'postgres://root@no-such-host.invalid/yishi' }, /PostgreSQL host no-such-host\.invalid is unknown/],
    [{ PORT: 'eighty' }, /Configuration problem: PORT/],
  ])('%o', async (env, pattern) => {
    const run = await runToEnd(env);
    expectOneLineFailure(run, pattern);
    expect(run.stderr).not.toContain('hunter2');
  });

  it.skipIf(!process.env.TEST_DATABASE_URL)('a database that does not exist says how to create it [needs TEST_DATABASE_URL]', async () => {
    const url = new URL(process.env.TEST_DATABASE_URL ?? 'postgres://x');
    url.pathname = '/yishi_no_such_database';
    expectOneLineFailure(
      await runToEnd({ DATABASE_URL: url.toString() }),
      /Database yishi_no_such_database does not exist.*createdb yishi_no_such_database/,
    );
  });

  it('a DATA_DIR that cannot be a folder is named', async () => {
    const file = path.join(tmp, 'a-file');
    await writeFile(file, 'not a folder');
    expectOneLineFailure(
      await runToEnd({ DATA_DIR: path.join(file, 'data') }),
      /Cannot write to the data folder .*a-file\/data \(ENOTDIR\)/,
    );
  });

  it('a corrupt embedded database is named and left as it was', async () => {
    const dataDir = path.join(tmp, 'corrupt');
    await mkdir(path.join(dataDir, 'pglite'), { recursive: true });
    await writeFile(path.join(dataDir, 'pglite', 'PG_VERSION'), 'garbage');
    expectOneLineFailure(await runToEnd({ DATA_DIR: dataDir }), /looks damaged.*Restore it from a backup/);
    expect(await readdir(path.join(dataDir, 'pglite'))).toEqual(['PG_VERSION']);
    expect(await readFile(path.join(dataDir, 'pglite', 'PG_VERSION'), 'utf8')).toBe('garbage');
    expect(await readdir(dataDir)).toEqual(['pglite']);
  });

  it("speaks the operator's language", async () => {
    expectOneLineFailure(await runToEnd({ PORT: String(busyPort), YISHI_LOCALE: 'zh-CN' }), new RegExp(`端口 ${busyPort} 已被占用`));
  });
});

describe('yishi migrate (embedded database)', () => {
  it('applies the migrations, then says the schema is up to date', async () => {
    const dataDir = path.join(tmp, 'cli');
    // A new embedded database is copied from a template that holds the migrations of its day: either all are there
    // already, or the newer ones are applied now.
    const first = await runToEnd({ DATA_DIR: dataDir }, ['migrate']);
    expect(first.code).toBe(0);
    expect(first.stdout).toMatch(/^(Applied \d+ migration\(s\): \d{14}_\w+|The database schema is up to date \(\d+ migration)/);
    const second = await runToEnd({ DATA_DIR: dataDir }, ['migrate']);
    expect(second.code).toBe(0);
    expect(second.stdout).toMatch(/^The database schema is up to date/);
  });

  it('fails with one line when the database is unreachable', async () => {
    expectOneLineFailure(await runToEnd({ DATABASE_URL: 'postgres://root@127.0.0.1:1/yishi' }, ['migrate']), /Cannot reach PostgreSQL/);
  });
});
