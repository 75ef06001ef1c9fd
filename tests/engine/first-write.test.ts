import { afterAll, beforeAll, expect, it } from 'vitest';
import { Prisma } from '../../src/db/generated/client.js';
import type { Tx } from '../../src/engine/context.js';
import { beforeEachWrite, type WrittenTables } from '../../src/engine/first-write.js';
import { describeEachDatabase, openTestDatabase, type TestDatabase } from '../helpers/database.js';

// A command's savepoint is taken before its first write and only then: reads go straight through, and every way the
// engine writes (a Prisma write method, $executeRaw, raw SQL that writes or locks, in its text or in a fragment) waits
// for it, once. Each write also says which tables it may write, so a command that writes none a context is made of
// leaves the contexts loaded ahead of it in place.

describeEachDatabase('the savepoint before a command first writes', (kind) => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await openTestDatabase(kind);
  });
  afterAll(async () => {
    await db?.close();
  });

  /** Runs `work` on the guarded transaction; returns what happened, in order, and the tables each write named. */
  async function trace(work: (tx: Tx, log: string[]) => Promise<void>, written: WrittenTables[] = []): Promise<string[]> {
    const log: string[] = [];
    await db.prisma.$transaction(async (tx) => {
      let taken = false;
      const guarded = beforeEachWrite(tx, async (tables) => {
        written.push(tables);
        if (taken) return;
        taken = true;
        log.push('savepoint');
      });
      await work(guarded, log);
    });
    return log;
  }

  it('lets reads through without one', async () => {
    const log = await trace(async (tx, log) => {
      await tx.member.findMany({ where: { id: -1 } });
      await tx.member.count();
      await tx.$queryRaw`SELECT "updatedAt" FROM "Member" WHERE "id" = ${-1}`;
      log.push('read');
    });
    expect(log).toEqual(['read']);
  });

  it('takes it once, before the first write of any kind', async () => {
    const log = await trace(async (tx, log) => {
      await tx.member.findMany({ where: { id: -1 } });
      log.push('read');
      await tx.member.create({ data: { platform: 'telegram', platformUserId: `fw-${kind}`, displayName: 'x' } });
      log.push('create');
      await tx.$executeRaw`UPDATE "Member" SET "displayName" = 'y' WHERE "platformUserId" = ${`fw-${kind}`}`;
      log.push('execute');
    });
    expect(log).toEqual(['read', 'savepoint', 'create', 'execute']);
  });

  it.each([
    [
      'a write in the text',
      (tx: Tx) =>
        tx.$queryRaw`INSERT INTO "Member" ("platform", "platformUserId", "displayName", "updatedAt") VALUES ('telegram', ${`fw2-${Math.random()}`}, 'z', now()) RETURNING "id"`,
    ],
    ['a lock in the text', (tx: Tx) => tx.$queryRaw`SELECT "id" FROM "Member" WHERE "id" = ${-1} FOR UPDATE`],
    [
      'a write in a fragment',
      (tx: Tx) => tx.$queryRaw`WITH x AS (${Prisma.sql`DELETE FROM "Member" WHERE "id" = ${-1} RETURNING "id"`}) SELECT * FROM x`,
    ],
    ['an unsafe write', (tx: Tx) => tx.$queryRawUnsafe(`DELETE FROM "Member" WHERE "id" = -1`)],
    ['a Prisma deleteMany', (tx: Tx) => tx.member.deleteMany({ where: { id: -1 } })],
  ])('takes it before raw SQL with %s', async (_, write) => {
    const log = await trace(async (tx, log) => {
      await write(tx);
      log.push('write');
    });
    expect(log).toEqual(['savepoint', 'write']);
  });

  it('names the tables each write may touch, or none it can tell (every table, then)', async () => {
    const written: WrittenTables[] = [];
    const user = `fw3-${kind}`;
    await trace(async (tx) => {
      await tx.member.create({ data: { platform: 'telegram', platformUserId: user, displayName: 'x' } });
      await tx.$executeRaw`UPDATE "Member" SET "displayName" = 'y' WHERE "platformUserId" = ${user}`;
      await tx.$queryRaw`WITH touched AS (UPDATE "IssueDraft" SET "text" = 'x' WHERE "id" = ${-1} RETURNING "id")
        INSERT INTO "AuditEntry" ("action", "hash") SELECT 'x', 'y' FROM touched`;
      await tx.$queryRaw`SELECT "id" FROM "Chat" WHERE "id" = ${-1} FOR UPDATE`;
      // A delete may cascade; a nested write may reach other tables (a JSON value or an increment reads the same way).
      await tx.$executeRaw`DELETE FROM "IssueDraft" WHERE "id" = ${-1}`;
      await tx.issueDraft.deleteMany({ where: { id: -1 } });
      await tx.member.update({
        where: { platform_platformUserId: { platform: 'telegram', platformUserId: user } },
        data: { locale: 'en', claims: { deleteMany: {} } },
      });
    }, written);
    expect(written).toEqual([['Member'], ['Member'], ['IssueDraft', 'AuditEntry'], [], null, null, null]);
  });
});
