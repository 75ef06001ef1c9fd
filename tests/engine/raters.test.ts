import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EngineCommand } from '../../src/engine/commands.js';
import type { Tx } from '../../src/engine/context.js';
import { communityRates } from '../../src/engine/modules/digests/daily-digest.js';
import { exportCommunity } from '../../src/engine/modules/followups/export-community.js';
import { ratersOf } from '../../src/engine/modules/followups/raters.js';
import { ratesReport } from '../../src/engine/modules/followups/rates.js';
import { backingHouseholds } from '../../src/engine/modules/issues/issue-queries.js';
import { describeEachDatabase, openTestDatabase, type TestDatabase } from '../helpers/database.js';
import { buildCommunity, createHarness, domainSnapshot, type Harness, type Person } from '../helpers/engine.js';

// Raters of a resolved issue are its raiser and the neighbours whose support counted (a household in its scope).
// Someone outside the scope cannot support it, so cannot rate it; and should such a support or rating be in the
// database all the same (written before the rule, or by hand), it decides nothing and counts in no rate.

describeEachDatabase('who rates an issue', (kind) => {
  let db: TestDatabase;
  let h: Harness;
  let c: Awaited<ReturnType<typeof buildCommunity>>;
  beforeAll(async () => {
    db = await openTestDatabase(kind);
    h = createHarness(db);
    c = await buildCommunity(h);
  });
  afterAll(() => db?.close());

  const memberId = async (person: Person) =>
    (await db.prisma.member.findUniqueOrThrow({ where: { platform_platformUserId: { platform: 'telegram', platformUserId: person.id } } }))
      .id;

  describe('when someone outside the scope supports', () => {
    let number: number;
    beforeAll(async () => {
      await h.say(c.residents.r1, c.chats.b1, '/issue 1栋电梯按钮失灵');
      number = (await db.prisma.issue.findFirstOrThrow({ where: { communityId: c.community.id }, orderBy: { number: 'desc' } })).number;
    });

    const outside: Array<[string, () => Person, () => Parameters<Harness['say']>[1], string]> = [
      ['a 2栋 resident, by /support in the 1栋 group', () => c.residents.s1, () => c.chats.b1, 'say'],
      ['a 2栋 resident, by the button in the community group', () => c.residents.s1, () => c.chats.community, 'tap'],
      ['a committee member without a household', () => c.staff.committee, () => c.chats.b1, 'say'],
    ];
    it.each(outside)('refuses %s with the reason, writing nothing', async (_label, who, where, how) => {
      const before = await domainSnapshot(db);
      const result = how === 'tap' ? await h.tap(who(), where(), `s:${number}`) : await h.say(who(), where(), `/support ${number}`);
      expect(result).toMatchObject({ status: 'refused', error: 'support_out_of_scope' });
      expect(result.notices).toEqual([
        expect.objectContaining({ type: 'command.refused', params: { code: 'support_out_of_scope', number, scope: '1栋' } }),
      ]);
      expect(await domainSnapshot(db)).toEqual(before);
    });

    it('refuses it the same way on the fast path for bursts of taps', async () => {
      const before = await domainSnapshot(db);
      const command = (person: Person, eventId: string): EngineCommand => ({
        eventId,
        actor: { platform: 'telegram', platformUserId: person.id, displayName: person.name },
        chat: c.chats.b1,
        messageId: eventId,
        action: { type: 'issue.support', number },
      });
      const [s1, r2] = await h.engine.dispatchAll([
        command(c.residents.s1, `${c.slug}-burst-1`),
        command(c.residents.r2, `${c.slug}-burst-2`),
      ]);
      expect(s1).toMatchObject({ status: 'refused', error: 'support_out_of_scope' });
      expect(r2).toMatchObject({ status: 'done' });
      const after = await domainSnapshot(db);
      expect(after.supports).toBe(before.supports + 1);
      expect(
        await db.prisma.support.count({
          where: { issue: { communityId: c.community.id, number }, memberId: await memberId(c.residents.s1) },
        }),
      ).toBe(0);
    });

    it('names the community for a community-wide issue', async () => {
      await h.say(c.residents.s1, c.chats.community, '/issue 小区北门的路灯坏了');
      const wide = (await db.prisma.issue.findFirstOrThrow({ where: { communityId: c.community.id }, orderBy: { number: 'desc' } })).number;
      expect((await h.say(c.residents.r3, c.chats.community, `/support ${wide}`)).status).toBe('done');
      expect(await h.say(c.staff.committee, c.chats.community, `/support ${wide}`)).toMatchObject({
        status: 'refused',
        error: 'support_out_of_scope',
        notices: [expect.objectContaining({ params: { code: 'support_out_of_scope', number: wide, scope: '幸福社区' } })],
      });
    });
  });

  describe('when out-of-scope supports and ratings are in the database (a hand-built case)', () => {
    // A fresh community: #1 raised in 1栋's group by r1 and supported by r2 (both 1栋); s1 (2栋) and the outsider
    // (no household) have supports written by hand, as before the rule: s1's stored without a household, the
    // outsider's with s1's 2栋 household.
    let d: Awaited<ReturnType<typeof buildCommunity>>;
    let ids: Record<'r1' | 'r2' | 's1' | 'outsider', number>;
    let issueId: number;
    beforeAll(async () => {
      d = await buildCommunity(h);
      await h.say(d.residents.r1, d.chats.b1, '/issue 1栋楼道的灯一直不亮');
      await h.say(d.residents.r2, d.chats.b1, '/support 1');
      const find = async (person: Person) =>
        (
          await db.prisma.member.findUniqueOrThrow({
            where: { platform_platformUserId: { platform: 'telegram', platformUserId: person.id } },
          })
        ).id;
      ids = {
        r1: await find(d.residents.r1),
        r2: await find(d.residents.r2),
        s1: await find(d.residents.s1),
        outsider: await find(d.staff.outsider),
      };
      const issue = await db.prisma.issue.findUniqueOrThrow({ where: { communityId_number: { communityId: d.community.id, number: 1 } } });
      issueId = issue.id;
      const s1Household = await db.prisma.householdClaim.findFirstOrThrow({ where: { memberId: ids.s1 } });
      await db.prisma.support.createMany({
        data: [
          { issueId, memberId: ids.s1, householdId: null },
          { issueId, memberId: ids.outsider, householdId: s1Household.householdId },
        ],
      });
    });

    it('counts the raiser and the supporter in scope as its raters, in the order they backed it', async () => {
      const issue = await db.prisma.issue.findUniqueOrThrow({ where: { id: issueId } });
      expect((await ratersOf(db.prisma, [issue])).get(issueId)).toEqual([ids.r1, ids.r2]);
    });

    it('counts only their households as its backing, in /show, /issues and the support path alike', async () => {
      const shown = await h.say(d.residents.r1, d.chats.b1, '/show 1');
      expect(shown.notices[0]).toMatchObject({ type: 'issue.shown', params: { number: 1, supporters: 2 } });
      const listed = await h.say(d.residents.r1, d.chats.b1, '/issues');
      expect(listed.notices[0]).toMatchObject({ type: 'issue.listed', params: { issues: [{ number: 1, supporters: 2 }] } });
      expect((await backingHouseholds(db.prisma as unknown as Tx, [issueId])).get(issueId)).toBe(2);
    });

    it('asks only them to rate once it is resolved, telling the raiser it is their own issue', async () => {
      const result = await h.say(d.staff.committee, d.chats.committee, '/resolve 1 灯已更换');
      const asked = result.notices.filter((notice) => notice.type === 'issue.rating_requested');
      const privateChat = async (person: Person) =>
        (
          await db.prisma.chat.findUniqueOrThrow({
            where: { platform_platformChatId: { platform: 'telegram', platformChatId: h.privateChat(person).platformChatId } },
          })
        ).id;
      expect(asked.map((notice) => [notice.chatId, notice.params])).toEqual([
        [await privateChat(d.residents.r1), { number: 1, text: '1栋楼道的灯一直不亮', raiser: true }],
        [await privateChat(d.residents.r2), { number: 1, text: '1栋楼道的灯一直不亮', raiser: false }],
      ]);
    });

    it('refuses a rating from the supporter outside the scope, writing nothing', async () => {
      const before = await domainSnapshot(db);
      expect(await h.tap(d.residents.s1, h.privateChat(d.residents.s1), 'r:1:1')).toMatchObject({
        status: 'refused',
        error: 'not_a_rater',
      });
      expect(await domainSnapshot(db)).toEqual(before);
    });

    it('decides the outcome on the raters’ ratings alone: 1 of 2 low closes it, whatever the others gave', async () => {
      await h.tap(d.residents.r2, h.privateChat(d.residents.r2), 'r:1:1');
      // Two 1★ ratings from outside the scope, written by hand: counted, they would make it 3 of 4 low and reopen it.
      await db.prisma.rating.createMany({
        data: [
          { issueId, round: 1, memberId: ids.s1, score: 1, createdAt: h.clock.now() },
          { issueId, round: 1, memberId: ids.outsider, score: 1, createdAt: h.clock.now() },
        ],
      });
      const last = await h.tap(d.residents.r1, h.privateChat(d.residents.r1), 'r:1:5');
      expect(last.notices.find((notice) => notice.type === 'issue.closed')?.params).toEqual({ number: 1, satisfied: 1, raters: 2 });
      expect(last.notices.map((notice) => notice.type)).not.toContain('issue.reopened');
      expect(await db.prisma.issue.findUniqueOrThrow({ where: { id: issueId } })).toMatchObject({ status: 'closed', round: 1 });
    });

    it('counts only the raters’ ratings in the three rates: satisfaction 1 of 2, not 1 of 4', async () => {
      const rates = {
        response: { numerator: 0, denominator: 0 },
        resolution: { numerator: 1, denominator: 1 },
        satisfaction: { numerator: 1, denominator: 2 },
      };
      expect((await ratesReport(db.prisma, d.community.id, h.clock.now(), null)).community).toEqual(rates);
      expect((await communityRates(db.prisma, [d.community.id], h.clock.now())).get(d.community.id)).toEqual(rates);
      const exported = await exportCommunity(db.prisma, d.slug, h.clock.now());
      expect(exported.issues[0]?.ratings).toEqual([
        { round: 1, score: 1 },
        { round: 1, score: 5 },
      ]);
      expect(exported.rates.community).toEqual(rates);
    });

    it('keeps counting a rater’s rating after the rater asked to be forgotten', async () => {
      await h.say(d.residents.r2, h.privateChat(d.residents.r2), '/forgetme confirm');
      expect((await ratesReport(db.prisma, d.community.id, h.clock.now(), null)).community.satisfaction).toEqual({
        numerator: 1,
        denominator: 2,
      });
    });
  });
});
