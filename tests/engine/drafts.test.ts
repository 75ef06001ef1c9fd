import { beforeAll, describe, expect, it } from 'vitest';
import { describeEachDatabase, type TestDatabase } from '../helpers/database.js';
import { type CommunitySetup, domainSnapshot, type Harness, useCommunity } from '../helpers/engine.js';

describeEachDatabase('raiseDraft', (kind) => {
  const setup = useCommunity(kind);
  let db: TestDatabase;
  let h: Harness;
  let c: CommunitySetup['c'];
  beforeAll(() => {
    ({ db, h, c } = setup);
  });

  describe('when "raise mine anyway" is tapped twice', () => {
    it('raises the held draft once, and the second tap changes and says nothing', async () => {
      await h.say(c.residents.r1, c.chats.b1, '/issue 1栋电梯又坏了，困在三楼');
      const held = await h.say(c.residents.r2, c.chats.b1, '/issue 1栋电梯又坏了，困在三楼');
      expect(held.notices[0]?.type).toBe('issue.looks_duplicate');
      const draft = held.notices[0]?.buttons?.find((button) => button.kind === 'raise_draft');
      expect(draft).toBeDefined();
      const data = `d:${draft!.kind === 'raise_draft' ? draft!.draftId : 0}`;

      const first = await h.tap(c.residents.r2, c.chats.b1, data);
      expect(first.status).toBe('done');
      // The card is the group's (a milestone, though a tap raised it); the tap itself gets a blank answer.
      expect(first.notices.map((notice) => [notice.type, Boolean(notice.answersTap)])).toEqual([
        ['issue.raised', false],
        ['tap.answered', true],
      ]);

      const before = await domainSnapshot(db);
      const outboxBefore = await db.prisma.outboxNotice.count();
      const second = await h.tap(c.residents.r2, c.chats.b1, data);
      expect(second).toMatchObject({ status: 'done', notices: [{ type: 'tap.answered' }] });
      expect(await domainSnapshot(db)).toEqual(before);
      expect(await db.prisma.outboxNotice.count()).toBe(outboxBefore + 1);
      expect(await db.prisma.issue.count({ where: { communityId: c.community.id } })).toBe(2);
    });

    it('is still refused to anyone but the member who wrote the draft', async () => {
      const draft = await db.prisma.issueDraft.findFirstOrThrow({ where: { communityId: c.community.id } });
      expect(await h.tap(c.residents.r3, c.chats.b1, `d:${draft.id}`)).toMatchObject({ status: 'refused', error: 'draft_not_found' });
    });
  });
});
