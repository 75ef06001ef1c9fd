import { beforeAll, describe, expect, it } from 'vitest';
import { tokens } from '../../src/engine/modules/issues/similarity.js';
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

  describe('when the same text was raised in another scope', () => {
    it('is not held: look-alikes are looked for among open issues of the same building, or of the community as a whole', async () => {
      const text = '/issue 地下车库的排水沟堵住了，下雨就积水';
      expect((await h.say(c.residents.r1, c.chats.b1, text)).notices[0]).toMatchObject({ type: 'issue.raised' });
      expect((await h.say(c.residents.s1, c.chats.b2, text)).notices[0]).toMatchObject({ type: 'issue.raised' });
      expect((await h.say(c.residents.r2, c.chats.community, text)).notices[0]).toMatchObject({ type: 'issue.raised' });
      const [b1, b2, community] = await db.prisma.issue.findMany({
        where: { communityId: c.community.id, text: text.slice('/issue '.length) },
        orderBy: { number: 'asc' },
      });
      // A look-alike in the same scope is still found, in each of the three.
      for (const [who, chat, issue] of [
        [c.residents.r3, c.chats.b1, b1],
        [c.residents.s1, c.chats.b2, b2],
        [c.residents.r4, c.chats.community, community],
      ] as const) {
        const held = await h.say(who, chat, text);
        expect(held.notices[0]).toMatchObject({ type: 'issue.looks_duplicate', params: { similar: [{ number: issue!.number }] } });
      }
    });
  });

  describe('when the look-alike is older than the latest 200 open issues', () => {
    it('still finds it, by the tokens’ index; and an issue kept without tokens is still compared by its text', async () => {
      const community = await db.prisma.community.findUniqueOrThrow({ where: { id: c.community.id }, include: { counter: true } });
      const chat = await c.chatRow(c.chats.community);
      const base = community.counter?.lastIssueNumber ?? 0;
      const filler = (i: number) => `Ticket ${i} zq${i}x wv${i}y`;
      const rows = [
        { text: '社区东门的路灯连续一周不亮，晚上回家很危险', tokens: [...tokens('社区东门的路灯连续一周不亮，晚上回家很危险')] },
        ...Array.from({ length: 250 }, (_, i) => ({ text: filler(i), tokens: [...tokens(filler(i))] })),
        // Kept before tokens were: compared by its text.
        { text: '小区西侧围墙有一段倒塌了，孩子经过有危险', tokens: [] },
      ];
      await db.prisma.issue.createMany({
        data: rows.map((row, i) => ({
          communityId: community.id,
          number: base + i + 1,
          text: row.text,
          tokens: row.tokens,
          originChatId: chat.id,
        })),
      });
      await db.prisma.communityCounter.update({ where: { communityId: community.id }, data: { lastIssueNumber: base + rows.length } });

      const lamp = await h.say(c.residents.r1, c.chats.community, '/issue 社区东门的路灯一周都不亮了，晚上很危险');
      expect(lamp.notices[0]).toMatchObject({ type: 'issue.looks_duplicate', params: { similar: [{ number: base + 1 }] } });
      const wall = await h.say(c.residents.r2, c.chats.community, '/issue 小区西侧围墙倒塌了一段，孩子经过很危险');
      expect(wall.notices[0]).toMatchObject({ type: 'issue.looks_duplicate', params: { similar: [{ number: base + rows.length }] } });
      const raised = await h.say(c.residents.r3, c.chats.community, '/issue 健身器材的螺丝松了需要紧固');
      expect(raised.notices[0]).toMatchObject({ type: 'issue.raised' });
      const issue = await db.prisma.issue.findFirstOrThrow({ where: { communityId: community.id }, orderBy: { number: 'desc' } });
      expect(issue.tokens).toEqual([...tokens('健身器材的螺丝松了需要紧固')]);
    });
  });
});
