import { beforeAll, describe, expect, it } from 'vitest';
import { describeEachDatabase, type TestDatabase } from '../helpers/database.js';
import { type CommunitySetup, type Harness, useCommunity } from '../helpers/engine.js';

describeEachDatabase('the life of an issue', (kind) => {
  const setup = useCommunity(kind);
  let db: TestDatabase;
  let h: Harness;
  let c: CommunitySetup['c'];
  beforeAll(() => {
    ({ db, h, c } = setup);
  });

  const issueRow = (number: number) =>
    db.prisma.issue.findUniqueOrThrow({ where: { communityId_number: { communityId: c.community.id, number } } });

  describe('from /issue to /rate', () => {
    it('raises an issue in the building chat, numbered, categorised, backed by the raiser', async () => {
      const { r1 } = c.residents;
      const result = await h.say(r1, c.chats.b1, '/issue 1栋电梯坏了三天了，老人上下楼很困难');
      expect(result.status).toBe('done');
      expect(result.notices).toEqual([
        expect.objectContaining({
          type: 'issue.raised',
          params: expect.objectContaining({ number: 1, category: 'facilities', scope: { building: '1栋' }, level: 'building' }),
          buttons: [{ kind: 'support', number: 1 }],
          locale: 'zh-CN',
        }),
      ]);
      expect(await issueRow(1)).toMatchObject({ status: 'open', level: 'building', round: 1 });
      expect(await db.prisma.support.count({ where: { issue: { communityId: c.community.id, number: 1 } } })).toBe(1);
    });

    it('does not escalate at N-1 supporting households, counting a household once however many of its members support', async () => {
      const { r1b, r2, r3, r4 } = c.residents;
      const b1 = await c.chatRow(c.chats.b1);
      // A tap is answered to the tapper alone; the issue's card in the chat is edited with the count.
      const r1bResult = await h.tap(r1b, c.chats.b1, 's:1');
      expect(r1bResult.notices).toEqual([
        expect.objectContaining({
          type: 'issue.supported',
          params: { number: 1, households: 1, threshold: 5 },
          answersTap: expect.any(String),
        }),
        expect.objectContaining({
          type: 'issue.raised',
          chatId: b1.id,
          params: expect.objectContaining({ number: 1, support: { households: 1, needed: 5 } }),
          editOfKey: expect.stringMatching(/^issue\.card:/),
        }),
      ]);
      for (const [who, households] of [
        [r2, 2],
        [r3, 3],
        [r4, 4],
      ] as const) {
        // Typed in the group: answered there, naming the supporter, as an entry the delivery merges with others.
        const result = await h.say(who, c.chats.b1, '/support 1');
        expect(result.notices).toEqual([
          expect.objectContaining({
            type: 'issue.supports_acknowledged',
            chatId: b1.id,
            params: { entries: [{ name: who.name, number: 1, households, threshold: 5 }] },
          }),
          expect.objectContaining({ type: 'issue.raised', params: expect.objectContaining({ support: { households, needed: 5 } }) }),
        ]);
        expect(result.notices[0]!.answersTap).toBeUndefined();
      }
      expect(await issueRow(1)).toMatchObject({ level: 'building' });
      expect(await db.prisma.escalation.count({ where: { issue: { communityId: c.community.id } } })).toBe(0);
    });

    it('escalates at exactly N households, telling the chats of both levels', async () => {
      const result = await h.tap(c.residents.r5, c.chats.b1, 's:1');
      const b1 = await c.chatRow(c.chats.b1);
      const community = await c.chatRow(c.chats.community);
      expect(result.notices.map((n) => [n.type, n.chatId])).toEqual(
        expect.arrayContaining([
          ['issue.escalated', b1.id],
          ['issue.escalated', community.id],
          ['issue.supported', b1.id],
          ['issue.raised', b1.id],
        ]),
      );
      // The milestone is the group's; the support itself was the tapper's alone.
      expect(result.notices.find((n) => n.type === 'issue.supported')?.answersTap).toEqual(expect.any(String));
      expect(result.notices.find((n) => n.type === 'issue.raised')?.params).toMatchObject({
        level: 'resident_group',
        support: { households: 5, needed: 5 },
      });
      expect(result.notices.find((n) => n.type === 'issue.escalated')?.params).toMatchObject({
        from: 'building',
        to: 'resident_group',
        cause: 'support',
        by: null,
      });
      expect(await issueRow(1)).toMatchObject({ level: 'resident_group' });
      // Support goes on counting, but support alone moves an issue only out of the level it entered.
      await h.tap(c.residents.r6, c.chats.b1, 's:1');
      expect(await issueRow(1)).toMatchObject({ level: 'resident_group' });
    });

    it('rises through the group head and the representatives to the joint meeting, each step recorded', async () => {
      const { groupHead, representative, committee } = c.staff;
      expect((await h.say(groupHead, c.chats.community, '/escalate 1 多户反映，需物业和街道协调')).status).toBe('done');
      expect((await h.say(representative, c.chats.committee, '/escalate 1')).status).toBe('done');
      expect(await issueRow(1)).toMatchObject({ level: 'joint_meeting' });
      const top = await h.say(committee, c.chats.committee, '/escalate 1');
      expect(top).toMatchObject({ status: 'refused', error: 'already_top_level' });
      const steps = await db.prisma.escalation.findMany({
        where: { issue: { communityId: c.community.id, number: 1 } },
        orderBy: { id: 'asc' },
        include: { by: true },
      });
      expect(steps.map((s) => [s.fromLevel, s.toLevel, s.cause, s.by?.displayName ?? null, s.reason])).toEqual([
        ['building', 'resident_group', 'support', null, null],
        ['resident_group', 'representatives', 'manual', '居民小组长', '多户反映，需物业和街道协调'],
        ['representatives', 'joint_meeting', 'manual', '居民代表', null],
      ]);
    });

    it('is triaged big by the committee, and the raising chat is told who decided', async () => {
      const result = await h.say(c.staff.committee, c.chats.committee, '/triage 1 big');
      const b1 = await c.chatRow(c.chats.b1);
      expect(result.notices.map((n) => n.chatId)).toContain(b1.id);
      expect(await issueRow(1)).toMatchObject({ triage: 'big', triagedById: expect.any(Number) });
    });

    it('is assigned to a responsible body with a deadline, and its chat hears of it', async () => {
      const result = await h.say(c.staff.committee, c.chats.committee, '/assign 1 物业 7');
      const property = await c.chatRow(c.chats.property);
      expect(result.notices.filter((n) => n.type === 'issue.assigned').map((n) => n.chatId)).toContain(property.id);
      const followUp = await db.prisma.followUp.findFirstOrThrow({ where: { issue: { communityId: c.community.id, number: 1 } } });
      expect(followUp.deadline.toISOString()).toBe('2026-12-07T02:00:00.000Z');
      expect(await issueRow(1)).toMatchObject({ status: 'in_progress' });
    });

    it("posts the responder's answer back in the chat where the issue was raised", async () => {
      h.clock.advance(2 * 86_400_000);
      const result = await h.say(c.staff.propertyStaff, c.chats.property, '/respond 1 已联系电梯公司，配件周三到货后维修');
      const b1 = await c.chatRow(c.chats.b1);
      expect(result.notices).toEqual(
        expect.arrayContaining([
          expect.objectContaining({
            chatId: b1.id,
            type: 'issue.responded',
            params: { number: 1, party: '物业', response: '已联系电梯公司，配件周三到货后维修', late: false },
          }),
        ]),
      );
      expect(await issueRow(1)).toMatchObject({ status: 'answered' });
    });

    it('is shown whole to a resident: scope, category, backing, every step, the follow-up and its answer', async () => {
      const shown = await h.say(c.residents.r3, c.chats.b1, '/show 1');
      const issue = await db.prisma.issue.findFirstOrThrow({ where: { communityId: c.community.id, number: 1 } });
      expect(shown.notices[0]).toMatchObject({ type: 'issue.shown' });
      expect(shown.notices[0]!.params).toEqual({
        number: 1,
        text: issue.text,
        status: 'answered',
        category: expect.any(String),
        scope: { building: '1栋' },
        level: 'joint_meeting',
        triage: 'big',
        supporters: expect.any(Number),
        createdAt: issue.createdAt.toISOString(),
        followUp: { party: '物业', deadline: '2026-12-07T02:00:00.000Z', response: '已联系电梯公司，配件周三到货后维修' },
        hiddenReason: null,
        steps: [
          { to: 'resident_group', cause: 'support', by: null },
          { to: 'representatives', cause: 'manual', by: '居民小组长' },
          { to: 'joint_meeting', cause: 'manual', by: '居民代表' },
        ],
        meetings: [],
      });
      const backing = await db.prisma.support.findMany({ where: { issueId: issue.id }, distinct: ['householdId'] });
      expect((shown.notices[0]!.params as { supporters: number }).supporters).toBe(backing.length);
    });

    it('is resolved, and the raiser and every supporter are asked to rate it', async () => {
      const result = await h.say(c.staff.propertyStaff, c.chats.property, '/resolve 1 电梯已修好');
      const b1 = await c.chatRow(c.chats.b1);
      expect(result.notices).toEqual(
        expect.arrayContaining([
          expect.objectContaining({
            chatId: b1.id,
            type: 'issue.resolved',
            buttons: expect.arrayContaining([{ kind: 'rate', number: 1, score: 5 }]),
          }),
        ]),
      );
      // Every supporter with a private chat is asked privately: r1, r1b, r2..r6.
      expect(result.notices.filter((n) => n.type === 'issue.rating_requested')).toHaveLength(7);
      expect(await issueRow(1)).toMatchObject({ status: 'resolved' });
      expect(await db.prisma.scheduledReminder.count({ where: { kind: 'issue.close_rating', state: 'pending' } })).toBe(1);
    });

    it('closes once all raters have rated and most are satisfied', async () => {
      const { r1, r1b, r2, r3, r4, r5, r6 } = c.residents;
      for (const [who, score] of [
        [r1, 5],
        [r1b, 4],
        [r2, 5],
        [r3, 1],
        [r4, 2],
        [r5, 4],
      ] as const) {
        const result = await h.tap(who, h.privateChat(who), `r:1:${score}`);
        expect(result.notices[0]).toMatchObject({ type: 'issue.rated', params: { number: 1, score } });
      }
      expect(await issueRow(1)).toMatchObject({ status: 'resolved' });
      const last = await h.say(r6, c.chats.b1, '/rate 1 3');
      expect(last.notices.find((n) => n.type === 'issue.closed')?.params).toEqual({ number: 1, satisfied: 4, raters: 7 });
      expect(await issueRow(1)).toMatchObject({ status: 'closed' });
      // The rating window's reminder stays; when it falls due it finds the issue closed and does nothing.
      expect(await db.prisma.scheduledReminder.count({ where: { kind: 'issue.close_rating', state: 'pending' } })).toBe(1);
    });

    it('can be reopened by a supporter once closed, going back to its responsible body', async () => {
      expect(await h.say(c.staff.outsider, c.chats.b1, '/reopen 1')).toMatchObject({ status: 'refused', error: 'not_a_supporter' });
      const result = await h.say(c.residents.r3, c.chats.b1, '/reopen 1');
      expect(result.notices.map((n) => n.type)).toContain('issue.reopened');
      expect(await issueRow(1)).toMatchObject({ status: 'in_progress', round: 2 });
      expect(await db.prisma.followUp.count({ where: { issue: { communityId: c.community.id, number: 1 }, respondedAt: null } })).toBe(1);
    });
  });

  describe('when most raters are dissatisfied (退回重办)', () => {
    it('reopens the case instead of only recording the ratings', async () => {
      const { r2, r3, r4 } = c.residents;
      await h.say(r2, c.chats.b1, '/issue 楼道灯不亮');
      const number = (await db.prisma.issue.findFirstOrThrow({ where: { communityId: c.community.id }, orderBy: { number: 'desc' } }))
        .number;
      await h.say(r3, c.chats.b1, `/support ${number}`);
      await h.say(r4, c.chats.b1, `/support ${number}`);
      await h.say(c.staff.committee, c.chats.committee, `/assign ${number} 物业 3`);
      await h.say(c.staff.committee, c.chats.committee, `/resolve ${number}`);
      await h.say(r2, c.chats.b1, `/rate ${number} 2`);
      await h.say(r3, c.chats.b1, `/rate ${number} 1`);
      const last = await h.say(r4, c.chats.b1, `/rate ${number} 5`);
      expect(last.notices.map((n) => n.type)).toContain('issue.reopened');
      expect(await issueRow(number)).toMatchObject({ status: 'in_progress', round: 2, resolvedAt: null });
      const followUps = await db.prisma.followUp.findMany({
        where: { issue: { communityId: c.community.id, number } },
        orderBy: { id: 'asc' },
      });
      expect(followUps).toHaveLength(2);
      expect(followUps[1]!.deadline.getTime() - followUps[1]!.createdAt.getTime()).toBe(3 * 86_400_000);
    });
  });

  describe('when the rating window closes before everyone has rated', () => {
    it('decides on the ratings given, once, however often the scheduler wakes it', async () => {
      const { r5, r6 } = c.residents;
      await h.say(r5, c.chats.b1, '/issue 单元门禁刷卡失灵');
      const issue = await db.prisma.issue.findFirstOrThrow({ where: { communityId: c.community.id }, orderBy: { number: 'desc' } });
      await h.say(r6, c.chats.b1, `/support ${issue.number}`);
      await h.say(r5, c.chats.b1, `/resolve ${issue.number}`);
      await h.say(r5, c.chats.b1, `/rate ${issue.number} 5`);
      expect(await issueRow(issue.number)).toMatchObject({ status: 'resolved' });
      h.clock.advance(7 * 86_400_000);
      const first = await h.engine.fireReminder(`issue.close_rating:${issue.id}:1`);
      expect(first.status === 'fired' && first.notices.map((n) => [n.type, n.params])).toEqual([
        ['issue.closed', { number: issue.number, satisfied: 1, raters: 1 }],
      ]);
      expect(await h.engine.fireReminder(`issue.close_rating:${issue.id}:1`)).toEqual({ status: 'gone' });
      expect(await issueRow(issue.number)).toMatchObject({ status: 'closed' });
    });
  });
});
