import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DomainErrorCode } from '../../src/core/errors.js';
import { createCommunity } from '../../src/engine/modules/setup/create-community.js';
import { describeEachDatabase, openTestDatabase, type TestDatabase } from '../helpers/database.js';
import { buildCommunity, createHarness, domainSnapshot, group, type Harness, type Person } from '../helpers/engine.js';

describeEachDatabase('refusals: permission matrix and bad input', (kind) => {
  let db: TestDatabase;
  let h: Harness;
  let c: Awaited<ReturnType<typeof buildCommunity>>;
  let other: Awaited<ReturnType<typeof buildCommunity>>;
  beforeAll(async () => {
    db = await openTestDatabase(kind);
    h = createHarness(db);
    c = await buildCommunity(h);
    other = await buildCommunity(h);
    // #1 in 1栋, open; #2 in 2栋, assigned to 物业; #3 triaged small; the other community has its own #1.
    await h.say(c.residents.r1, c.chats.b1, '/issue 1栋电梯坏了');
    await h.say(c.residents.s1, c.chats.b2, '/issue 2栋门口垃圾没人清');
    await h.say(c.staff.committee, c.chats.committee, '/assign 2 物业 5');
    await h.say(c.residents.r2, c.chats.b1, '/issue 楼下有人深夜唱卡拉OK');
    await h.say(c.staff.committee, c.chats.committee, '/triage 3 small');
    await h.say(other.residents.r1, other.chats.b1, '/issue 别的社区的议题');
  });
  afterAll(() => db?.close());

  type Case = [label: string, who: () => Person, where: () => Parameters<Harness['say']>[1], text: string, code: DomainErrorCode];
  const cases: Case[] = [
    ['a resident triages', () => c.residents.r2, () => c.chats.b1, '/triage 1 big', 'committee_only'],
    ['a building head assigns', () => c.staff.head1, () => c.chats.b1, '/assign 1 物业 7', 'committee_only'],
    ['a resident hides', () => c.residents.r3, () => c.chats.b1, '/hide 1 不喜欢', 'committee_only'],
    ['a resident escalates', () => c.residents.r3, () => c.chats.b1, '/escalate 1', 'escalate_role_required'],
    ["another building's head escalates", () => c.staff.head2, () => c.chats.b1, '/escalate 1', 'escalate_role_required'],
    ['a group head escalates from the building level', () => c.staff.groupHead, () => c.chats.b1, '/escalate 1', 'escalate_role_required'],
    ['an outsider raises an issue', () => c.staff.outsider, () => c.chats.b1, '/issue 我不是这里的人', 'not_a_member'],
    ['an outsider supports', () => c.staff.outsider, () => c.chats.b1, '/support 1', 'not_a_member'],
    [
      "a resident of another building supports a building's issue",
      () => c.residents.s1,
      () => c.chats.b1,
      '/support 1',
      'support_out_of_scope',
    ],
    ['the wrong body responds', () => c.staff.cityStaff, () => c.chats.b2, '/respond 2 我们来处理', 'not_responder'],
    ['anyone responds to an unassigned issue', () => c.staff.propertyStaff, () => c.chats.b1, '/respond 1 好的', 'no_open_follow_up'],
    ['a supporter resolves a big matter', () => c.residents.s1, () => c.chats.b2, '/resolve 2', 'resolve_not_allowed'],
    [
      'a neighbour resolves a small matter raised by someone else',
      () => c.residents.r3,
      () => c.chats.b1,
      '/resolve 3',
      'resolve_not_allowed',
    ],
    [
      'the committee assigns a small matter',
      () => c.staff.committee,
      () => c.chats.committee,
      '/assign 3 物业 7',
      'triage_small_not_assignable',
    ],
    ['a resident rates an open issue', () => c.residents.r1, () => c.chats.b1, '/rate 1 5', 'issue_not_resolved'],
    ['a resident reopens an open issue', () => c.residents.r1, () => c.chats.b1, '/reopen 1', 'issue_not_closed'],
    ['a resident supports twice', () => c.residents.r1, () => c.chats.b1, '/support 1', 'already_supported'],
    ['an unknown command', () => c.residents.r1, () => c.chats.b1, '/frobnicate 3', 'unknown_command'],
    ['a command without its argument', () => c.residents.r1, () => c.chats.b1, '/support', 'usage'],
    ['a malformed rating', () => c.residents.r1, () => c.chats.b1, '/rate 1 9', 'usage'],
    ['an issue number that does not exist', () => c.residents.r1, () => c.chats.b1, '/show 99', 'issue_not_found'],
    ["another community's issue number", () => c.residents.r1, () => c.chats.b1, '/support 4', 'issue_not_found'],
    ['an unknown responder', () => c.staff.committee, () => c.chats.committee, '/assign 1 电力公司 7', 'responder_not_found'],
    ['an absurd deadline', () => c.staff.committee, () => c.chats.committee, '/assign 1 物业 9999', 'days_invalid'],
    ['/hide without a reason', () => c.staff.committee, () => c.chats.committee, '/hide 1', 'usage'],
    ['/claim in a group (a code is private)', () => c.residents.r1, () => c.chats.b1, '/claim ABCD-EFGH', 'private_only'],
    ['/link in a private chat', () => c.residents.r1, () => h.privateChat(c.residents.r1), '/link ABCD-EFGH', 'group_only'],
    ['/mydata in a group', () => c.residents.r1, () => c.chats.b1, '/mydata', 'private_only'],
    ['/forgetme in a group', () => c.residents.r1, () => c.chats.b1, '/forgetme confirm', 'private_only'],
    ['an unknown language', () => c.residents.r1, () => c.chats.b1, '/lang klingon', 'locale_unsupported'],
    ['an issue in the committee chat', () => c.staff.committee, () => c.chats.committee, '/issue 会议室空调坏了', 'chat_not_for_issues'],
    ['a code that does not exist', () => c.residents.r1, () => h.privateChat(c.residents.r1), '/claim ZZZZ-ZZZZ', 'code_invalid'],
    // The rule that refuses comes before any lookup: a resident asking about a vote that does not exist hears the rule.
    ['a resident asks for the turnout of vote #99', () => c.residents.r1, () => c.chats.b1, '/turnout 99', 'turnout_role_required'],
    [
      'a resident records a paper ballot in vote #99',
      () => c.residents.r1,
      () => c.chats.b1,
      '/paperballot 99 101 yes',
      'turnout_role_required',
    ],
    // Someone who belongs to no community asks about issues in a private chat: which community is meant cannot be known.
    ['an outsider lists issues privately', () => c.staff.outsider, () => h.privateChat(c.staff.outsider), '/issues', 'no_community'],
  ];

  describe.each(cases)('when %s', (_label, who, where, text, code) => {
    it(`answers ${code} in the member's language and changes nothing`, async () => {
      const before = await domainSnapshot(db);
      const outboxBefore = await db.prisma.outboxNotice.count();
      const result = await h.say(who(), where(), text);
      expect(result).toMatchObject({ status: 'refused', error: code });
      expect(result.notices).toEqual([expect.objectContaining({ type: 'command.refused', params: expect.objectContaining({ code }) })]);
      expect(await domainSnapshot(db)).toEqual(before);
      expect(await db.prisma.outboxNotice.count()).toBe(outboxBefore + 1);
    });
  });

  describe('when text is over 2,000 characters', () => {
    it('says how long it is and what the limit is, and raises nothing', async () => {
      const before = await domainSnapshot(db);
      const result = await h.say(c.residents.r1, c.chats.b1, `/issue ${'漏'.repeat(2001)}`);
      expect(result).toMatchObject({ status: 'refused', error: 'text_too_long' });
      expect(result.notices[0]?.params).toMatchObject({ length: 2001, max: 2000 });
      expect(await domainSnapshot(db)).toEqual(before);
      expect((await h.say(c.residents.r1, c.chats.b1, `/issue ${'漏'.repeat(2000)}`)).status).toBe('done');
    });
  });

  describe('when a code is expired or reused', () => {
    it('refuses both with their own reason, writing nothing', async () => {
      const { issueClaimCodes } = await import('../../src/engine/modules/setup/issue-codes.js');
      const [code] = await h.engine.operate((tx, now) => issueClaimCodes(tx, c.slug, { building: '2栋', days: 1 }, now));
      const newcomer: Person = { id: `${c.slug}-newcomer`, name: '新住户' };
      h.clock.advance(2 * 86_400_000);
      const before = await domainSnapshot(db);
      expect(await h.say(newcomer, h.privateChat(newcomer), `/claim ${code!.code}`)).toMatchObject({
        status: 'refused',
        error: 'code_expired',
      });
      expect(await domainSnapshot(db)).toMatchObject({ claims: before.claims, codesUsed: before.codesUsed });
      h.clock.advance(-2 * 86_400_000);
      expect((await h.say(newcomer, h.privateChat(newcomer), `/claim ${code!.code.toLowerCase()}`)).status).toBe('done');
      const again: Person = { id: `${c.slug}-again`, name: '又一位' };
      expect(await h.say(again, h.privateChat(again), `/claim ${code!.code}`)).toMatchObject({ status: 'refused', error: 'code_used' });
    });

    it('refuses a link code used as a claim code', async () => {
      const { issueLinkCode } = await import('../../src/engine/modules/setup/issue-codes.js');
      const { code } = await h.engine.operate((tx, now) => issueLinkCode(tx, c.slug, { binding: 'community', days: 1 }, now));
      expect(await h.say(c.residents.r1, h.privateChat(c.residents.r1), `/claim ${code}`)).toMatchObject({
        status: 'refused',
        error: 'code_wrong_purpose',
      });
    });
  });

  describe('when a chat is not linked to a community', () => {
    it('tells the member how to link it', async () => {
      const stray = group('随便一个群');
      expect(await h.say(c.residents.r1, stray, '/issue 测试')).toMatchObject({ status: 'refused', error: 'chat_not_linked' });
      expect(await h.say(c.residents.r1, stray, '/issues')).toMatchObject({ status: 'refused', error: 'chat_not_linked' });
    });
  });

  describe('when a member of one community addresses another community', () => {
    it("cannot read or act on the other community's issues from its own chat or privately", async () => {
      const mine = await h.say(c.residents.r1, c.chats.b1, '/show 1');
      expect(mine.notices[0]?.params).toMatchObject({ text: '1栋电梯坏了' });
      // In the other community's chat the same member is an outsider and cannot act.
      expect(await h.say(c.residents.r1, other.chats.b1, '/support 1')).toMatchObject({ status: 'refused', error: 'not_a_member' });
      const fresh = await h.engine.operate((tx, now) => createCommunity(tx, { slug: `${c.slug}-empty`, name: '空社区' }, now));
      expect(fresh.slug).toContain('-empty');
    });
  });

  describe('when the committee hides an issue', () => {
    it('records the reason, tells the raiser why, and the issue disappears for everyone else', async () => {
      const result = await h.say(c.staff.committee, c.chats.committee, '/hide 3 含有对邻居的人身攻击');
      const raiserChat = await db.prisma.chat.findUniqueOrThrow({
        where: { platform_platformChatId: { platform: 'telegram', platformChatId: `p${c.residents.r2.id}` } },
      });
      expect(result.notices).toEqual(
        expect.arrayContaining([
          expect.objectContaining({ chatId: raiserChat.id, type: 'issue.hidden', params: { number: 3, reason: '含有对邻居的人身攻击' } }),
        ]),
      );
      expect(await db.prisma.auditEntry.findFirst({ where: { action: 'issue.hidden' } })).toMatchObject({
        data: expect.objectContaining({ reason: '含有对邻居的人身攻击' }),
      });
      expect(await h.say(c.residents.r3, c.chats.b1, '/show 3')).toMatchObject({ error: 'issue_not_found' });
      const list = await h.say(c.residents.r3, c.chats.b1, '/issues');
      const listed = list.notices[0]?.params as { issues: Array<{ number: number }> } | undefined;
      expect(listed?.issues.map((i) => i.number)).not.toContain(3);
      expect(listed?.issues.map((i) => i.number)).toContain(1);
      expect((await h.say(c.staff.committee, c.chats.committee, '/show 3')).notices[0]?.params).toMatchObject({
        status: 'hidden',
        hiddenReason: '含有对邻居的人身攻击',
      });
    });
  });

  describe('when a member floods commands', () => {
    it('is told politely once to slow down, and the commands over the limit change nothing', async () => {
      const strict = createHarness(db, { floodLimit: 3, floodWindowMs: 60_000 });
      const who = c.residents.r4;
      const results = [];
      for (let i = 0; i < 6; i++) results.push(await strict.say(who, c.chats.b1, '/issues'));
      expect(results.map((r) => r.status)).toEqual(['done', 'done', 'done', 'refused', 'refused', 'refused']);
      expect(results[3]?.notices).toEqual([
        expect.objectContaining({ type: 'command.refused', params: expect.objectContaining({ code: 'rate_limited', seconds: 60 }) }),
      ]);
      expect(results[4]?.notices).toEqual([]);
      strict.clock.advance(61_000);
      expect((await strict.say(who, c.chats.b1, '/issues')).status).toBe('done');
    });
  });

  describe('when a member speaks English', () => {
    it('answers refusals in the language the member chose', async () => {
      const who = c.residents.r5;
      await h.say(who, h.privateChat(who), '/lang en');
      const result = await h.say(who, c.chats.b1, '/triage 1 big');
      expect(result.notices[0]).toMatchObject({ locale: 'en', params: { code: 'committee_only' } });
      const announcement = await h.say(c.staff.committee, c.chats.committee, '/triage 1 big');
      const b1 = await c.chatRow(c.chats.b1);
      expect(announcement.notices.find((n) => n.chatId === b1.id)).toMatchObject({ locale: 'zh-CN' });
    });
  });
});
