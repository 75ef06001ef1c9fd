import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { keepStatistics } from '../../src/db/embedded-statistics.js';
import { openTestDatabase, type TestDatabase } from '../helpers/database.js';

// PGlite has no autovacuum: without an ANALYZE of our own its planner would go on planning for empty tables.
describe('the embedded database’s statistics', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await openTestDatabase('pglite');
  });
  afterAll(async () => {
    await db?.close();
  });

  const estimate = async () =>
    Number(
      (await db.prisma.$queryRaw<Array<{ rows: number }>>`SELECT reltuples::int AS "rows" FROM pg_class WHERE relname = 'Member'`)[0]!.rows,
    );

  it('are gathered at start and again on the interval, so the planner sees the tables as they are', async () => {
    await db.prisma.member.createMany({
      data: Array.from({ length: 500 }, (_, i) => ({ platform: 'telegram' as const, platformUserId: `stats-${i}`, displayName: `m${i}` })),
    });
    expect(await estimate()).toBeLessThan(500);
    const stop = await keepStatistics(db.prisma, pino({ level: 'silent' }), 200);
    expect(await estimate()).toBe(500);
    await db.prisma.member.createMany({
      data: Array.from({ length: 300 }, (_, i) => ({ platform: 'telegram' as const, platformUserId: `more-${i}`, displayName: `n${i}` })),
    });
    await expect.poll(estimate, { timeout: 5_000 }).toBe(800);
    await stop();
  });
});
