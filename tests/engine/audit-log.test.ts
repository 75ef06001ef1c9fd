import { beforeAll, describe, expect, it } from 'vitest';
import { exportAuditLog, verifyAuditLog } from '../../src/engine/modules/setup/audit-log.js';
import { describeEachDatabase, type TestDatabase } from '../helpers/database.js';
import { type CommunitySetup, type Harness, useCommunity } from '../helpers/engine.js';

describeEachDatabase('yishi audit verify / export', (kind) => {
  const setup = useCommunity(kind);
  let db: TestDatabase;
  let h: Harness;
  let c: CommunitySetup['c'];
  beforeAll(async () => {
    ({ db, h, c } = setup);
    await h.say(c.residents.r1, c.chats.b1, '/issue 电梯坏了');
    await h.say(c.residents.r2, c.chats.b1, '/support 1');
  });

  /** Edits the stored log behind the trigger's back, as someone with database access could. */
  async function tamper(sql: string): Promise<void> {
    await db.prisma.$executeRawUnsafe('ALTER TABLE "AuditEntry" DISABLE TRIGGER "AuditEntry_append_only"');
    try {
      await db.prisma.$executeRawUnsafe(sql);
    } finally {
      await db.prisma.$executeRawUnsafe('ALTER TABLE "AuditEntry" ENABLE TRIGGER "AuditEntry_append_only"');
    }
  }

  describe('when nothing was touched', () => {
    it('reports the chain intact, and the export carries every entry and the head hash', async () => {
      const check = await h.engine.operate((tx) => verifyAuditLog(tx, c.slug));
      expect(check).toMatchObject({ broken: null });
      expect(check.entries).toBeGreaterThan(10);
      const exported = await h.engine.operate((tx, now) => exportAuditLog(tx, c.slug, now));
      expect(exported.entries).toHaveLength(check.entries);
      expect(exported.verification.head).toBe(exported.entries.at(-1)?.hash);
    });
  });

  describe('when an entry is edited', () => {
    it('names the edited entry', async () => {
      const target = await db.prisma.auditEntry.findFirstOrThrow({ where: { communityId: c.community.id, action: 'issue.supported' } });
      await tamper(`UPDATE "AuditEntry" SET "actorMemberId" = NULL WHERE "id" = ${target.id}`);
      expect(await h.engine.operate((tx) => verifyAuditLog(tx, c.slug))).toMatchObject({ broken: { id: target.id, reason: 'content' } });
    });
  });

  describe('when an entry is deleted', () => {
    it('names the entry after the gap', async () => {
      const entries = await db.prisma.auditEntry.findMany({ where: { communityId: c.community.id }, orderBy: { id: 'asc' } });
      const victim = entries[2]!;
      await tamper(`DELETE FROM "AuditEntry" WHERE "id" = ${victim.id}`);
      expect(await h.engine.operate((tx) => verifyAuditLog(tx, c.slug))).toMatchObject({ broken: { id: entries[3]!.id, reason: 'link' } });
    });
  });
});
