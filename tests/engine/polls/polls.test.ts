import { beforeAll, describe, expect, it } from 'vitest';
import { verifyChain } from '../../../src/engine/audit-chain.js';
import { issueClaimCodes } from '../../../src/engine/modules/setup/issue-codes.js';
import type { OwnersResults, PollResults } from '../../../src/engine/notices.js';
import type { TestDatabase } from '../../helpers/database.js';
import { describeEachDatabase } from '../../helpers/database.js';
import { type CommunitySetup, domainSnapshot, type Harness, type Person, useCommunity } from '../../helpers/engine.js';

const hour = 3_600_000;

describeEachDatabase('polls and owners’ votes', (kind) => {
  const setup = useCommunity(kind);
  let db: TestDatabase;
  let h: Harness;
  let c: CommunitySetup['c'];
  beforeAll(() => {
    ({ db, h, c } = setup);
  });

  const pollRow = (number: number) =>
    db.prisma.poll.findUniqueOrThrow({ where: { communityId_number: { communityId: c.community.id, number } } });
  const lastPoll = () => db.prisma.poll.findFirstOrThrow({ where: { communityId: c.community.id }, orderBy: { number: 'desc' } });
  const results = async (who: Person, number: number): Promise<PollResults> =>
    (await h.say(who, h.privateChat(who), `/results ${number}`)).notices.find((n) => n.type === 'poll.results')?.params as PollResults;

  describe('an owners’ vote (major matter) on a hand-worked register', () => {
    // Register: 1栋 six households of 88.50 m², 2栋 three of 120.00 m²: 9 households, 891.00 m² in all.
    // Quorum: households >= 6 (2/3 of 9); area >= 594.00 m² (2/3 of 891.00).
    let number: number;

    it('is opened by the committee only, with yes / no / abstain buttons', async () => {
      expect(await h.say(c.staff.head1, c.chats.community, '/ownersvote major 使用维修资金更换电梯')).toMatchObject({
        error: 'committee_only',
      });
      const opened = await h.say(c.staff.committee, c.chats.community, '/ownersvote major 使用维修资金更换电梯');
      number = (await lastPoll()).number;
      expect(opened.notices[0]).toMatchObject({
        type: 'poll.opened',
        params: { kind: 'owners_vote', matterClass: 'major', options: ['yes', 'no', 'abstain'] },
        buttons: [0, 1, 2].map((position) => expect.objectContaining({ kind: 'vote', number, position })),
      });
      expect((await pollRow(number)).closesAt.getTime() - h.clock.now().getTime()).toBe(14 * 24 * hour);
      // The outbox keeps the buttons in their own column; params hold the poll's data only.
      const row = await db.prisma.outboxNotice.findUniqueOrThrow({ where: { dedupeKey: `poll.opened:${(await pollRow(number)).id}` } });
      expect(row.buttons).toEqual(opened.notices[0]?.buttons);
      expect(row.params).not.toHaveProperty('buttons');
    });

    it('counts 6 households but 562.50 m²: the households reach 2/3, the area does not, so no quorum', async () => {
      const { r1, r2, r3, r4, r5, s1 } = c.residents;
      for (const who of [r1, r2, r3, r4, s1]) await h.tap(who, c.chats.community, `v:${number}:0`);
      const vote = await h.tap(r5, c.chats.community, `v:${number}:1`);
      const live = await db.prisma.outboxNotice.findUniqueOrThrow({ where: { dedupeKey: `poll.live:${(await pollRow(number)).id}` } });
      expect(live.buttons).toEqual([0, 1, 2].map((position) => expect.objectContaining({ kind: 'vote', number, position })));
      expect(live.params).not.toHaveProperty('buttons');
      expect(vote.notices.find((n) => n.type === 'poll.vote_recorded')).toMatchObject({
        params: { choices: ['no'], households: ['1栋 301'] },
      });
      const owners = (await results(c.staff.committee, number)).owners!;
      // 5 × 88.50 + 120.00 = 562.50 m² < 594.00; 6 households = 6.
      expect(owners).toMatchObject({
        participating: { households: 6, area: '562.50' },
        quorum: { households: true, area: false, met: false },
        gap: { households: 0, area: '31.50' },
        verdict: 'no_quorum',
      } satisfies Partial<OwnersResults>);
      expect(owners.buildings).toEqual([
        { name: '1栋', total: 6, voted: 5, notVotedHouseholds: 1, notVotedArea: '88.50' },
        { name: '2栋', total: 3, voted: 1, notVotedHouseholds: 2, notVotedArea: '240.00' },
      ]);
    });

    it('reaches the quorum with a paper ballot, and passes with 594.00 of 682.50 m² and 6 of 7 households (at least 3/4 of both)', async () => {
      const paper = await h.say(c.staff.head2, c.chats.b2, `/paperballot ${number} 102 yes 老人委托`);
      expect(paper.notices).toEqual(
        expect.arrayContaining([
          expect.objectContaining({ type: 'poll.paper_recorded', params: expect.objectContaining({ unit: '102', replaced: false }) }),
        ]),
      );
      expect(paper.notices.map((n) => n.type)).toContain('poll.turnout_progress');
      const owners = (await results(c.staff.committee, number)).owners!;
      // participating: 562.50 + 120.00 = 682.50 >= 594.00, 7 households >= 6: quorum.
      // yes: 4 × 88.50 + 2 × 120.00 = 594.00; 4 × 594.00 = 2376.00 >= 3 × 682.50 = 2047.50; households 4 × 6 = 24 >= 3 × 7 = 21.
      expect(owners).toMatchObject({
        participating: { households: 7, area: '682.50' },
        byChoice: {
          yes: { households: 6, area: '594.00' },
          no: { households: 1, area: '88.50' },
          abstain: { households: 0, area: '0.00' },
        },
        quorum: { households: true, area: true, met: true },
        approval: { area: true, households: true },
        verdict: 'passed',
        paperBallots: 1,
      });
    });

    it('lets the last tap of a household count, whoever of its members taps: one household short of 3/4 is rejected', async () => {
      // r1b lives in r1's household (1栋 101): their "no" replaces r1's "yes".
      await h.tap(c.residents.r1b, c.chats.community, `v:${number}:1`);
      const owners = (await results(c.staff.committee, number)).owners!;
      // yes: 505.50 of 682.50 (4 × 505.50 = 2022.00 < 3 × 682.50 = 2047.50); 5 of 7 households (20 < 21).
      expect(owners).toMatchObject({
        byChoice: { yes: { households: 5, area: '505.50' } },
        approval: { area: false, households: false },
        verdict: 'rejected',
      });
      expect(await db.prisma.ballot.count({ where: { poll: { number, communityId: c.community.id } } })).toBe(7);
      await h.tap(c.residents.r1, c.chats.community, `v:${number}:0`);
      expect((await results(c.staff.committee, number)).owners?.verdict).toBe('passed');
    });

    it('shows a building head the households of their building that have not voted, never how anyone voted', async () => {
      const listed = await h.say(c.staff.head1, c.chats.b1, `/turnout ${number}`);
      // Exactly the units, nothing about choices.
      expect(listed.notices).toEqual([
        expect.objectContaining({
          type: 'poll.turnout_listed',
          params: { number, buildings: [{ building: '1栋', units: ['302'] }], scope: ['1栋'], elsewhere: 1 },
        }),
      ]);
      expect(await h.say(c.residents.r6, c.chats.b1, `/turnout ${number}`)).toMatchObject({ error: 'turnout_role_required' });
      const all = await h.say(c.staff.committee, c.chats.committee, `/turnout ${number}`);
      expect(all.notices[0]?.params).toMatchObject({
        buildings: [
          { building: '1栋', units: ['302'] },
          { building: '2栋', units: ['201'] },
        ],
      });
    });

    it('keeps a paper ballot from overriding a chat ballot, and lets a chat ballot replace a paper one', async () => {
      expect(await h.say(c.staff.head1, c.chats.b1, `/paperballot ${number} 101 no`)).toMatchObject({ error: 'voted_in_chat' });
      // Permission before lookup: the unit exists, but a building head records ballots for their own building only.
      expect(await h.say(c.staff.head1, c.chats.b1, `/paperballot ${number} 2栋/201 no`)).toMatchObject({ error: 'own_building_only' });
      expect(await h.say(c.staff.head1, c.chats.b1, `/paperballot ${number} 9栋/901 no`)).toMatchObject({ error: 'household_not_found' });
      const [code] = await h.engine.operate((tx, now) =>
        issueClaimCodes(tx, c.slug, { building: '2栋', days: 5 }, now).then((codes) => codes.filter((x) => x.unit === '102')),
      );
      const owner: Person = { id: `${c.slug}-owner-2-102`, name: '2栋102业主' };
      await h.say(owner, h.privateChat(owner), `/claim ${code!.code}`);
      await h.tap(owner, c.chats.community, `v:${number}:0`);
      const ballot = await db.prisma.ballot.findFirstOrThrow({
        where: { poll: { number, communityId: c.community.id }, household: { unit: '102', building: { name: '2栋' } } },
      });
      expect(ballot).toMatchObject({ source: 'chat', note: null });
      expect((await results(c.staff.committee, number)).owners).toMatchObject({
        paperBallots: 0,
        byChoice: { yes: { households: 6, area: '594.00' } },
        verdict: 'passed',
      });
    });

    it('closes once at its deadline, posts the verdict, and refuses later votes with the result', async () => {
      const poll = await pollRow(number);
      expect(await h.engine.fireReminder(`poll.close:${poll.id}`)).toEqual({ status: 'early', dueAt: poll.closesAt });
      h.clock.set(new Date(poll.closesAt.getTime() + 1));
      const fired = await h.engine.fireReminder(`poll.close:${poll.id}`);
      const closed = fired.status === 'fired' ? fired.notices : [];
      const community = await c.chatRow(c.chats.community);
      expect(closed.filter((n) => n.type === 'poll.closed')).toEqual([
        expect.objectContaining({ chatId: community.id, params: expect.objectContaining({ closed: true }) }),
      ]);
      // The opening message is edited to its final counts, without buttons.
      const final = closed.find((n) => n.type === 'poll.results');
      expect(final).toMatchObject({ editOfKey: `poll.opened:${poll.id}`, params: { closed: true } });
      expect(final?.buttons).toBeUndefined();
      // The live row had the vote buttons while votes came in; re-armed with the final counts, it has none.
      expect(await db.prisma.outboxNotice.findUniqueOrThrow({ where: { dedupeKey: `poll.live:${poll.id}` } })).toMatchObject({
        buttons: [],
        params: expect.objectContaining({ closed: true }),
      });
      expect(await h.engine.fireReminder(`poll.close:${poll.id}`)).toEqual({ status: 'gone' });
      const late = await h.tap(c.residents.r6, c.chats.community, `v:${number}:0`);
      expect(late.notices.map((n) => n.type)).toEqual(['command.refused', 'poll.results']);
      expect(late.notices[0]?.params).toMatchObject({ code: 'poll_closed' });
      expect(await db.prisma.ballot.count({ where: { pollId: poll.id, household: { unit: '302' } } })).toBe(0);
      expect((await pollRow(number)).result).toMatchObject({ owners: { verdict: 'passed' } });
      h.clock.set(new Date('2026-11-30T02:00:00Z'));
    });

    it('writes ballots, result and verdict to a hash chain that shows an edit and a deletion', async () => {
      const entries = await db.prisma.auditEntry.findMany({ where: { communityId: c.community.id }, orderBy: { id: 'asc' } });
      expect(entries.filter((e) => e.action === 'ballot.cast').length).toBeGreaterThanOrEqual(8);
      expect(entries.some((e) => e.action === 'ballot.paper_recorded')).toBe(true);
      expect(entries.find((e) => e.action === 'poll.closed')?.data).toMatchObject({ owners: { verdict: 'passed' } });
      expect(verifyChain(entries).broken).toBeNull();
      const edited = entries.map((e) => (e.action === 'ballot.paper_recorded' ? { ...e, data: { choice: 'no' } } : e));
      expect(verifyChain(edited).broken).toMatchObject({ reason: 'content' });
      const victim = entries.findIndex((e) => e.action === 'ballot.paper_recorded');
      expect(verifyChain(entries.filter((_, i) => i !== victim)).broken).toMatchObject({ id: entries[victim + 1]!.id, reason: 'link' });
    });
  });

  describe('an ordinary poll', () => {
    let number: number;
    it('is started by the building head in the building chat; residents vote, change their mind, and are confirmed privately', async () => {
      expect(await h.say(c.residents.r1, c.chats.b1, '/poll 周末大扫除？| 周六 | 周日')).toMatchObject({ error: 'poll_role_required' });
      await h.say(c.staff.head1, c.chats.b1, '/poll 周末大扫除？| 周六 | 周日 --quorum 50%');
      number = (await lastPoll()).number;
      const { r1, r2, r3 } = c.residents;
      const vote = await h.tap(r1, c.chats.b1, `v:${number}:1`);
      const own = await db.prisma.chat.findUniqueOrThrow({
        where: { platform_platformChatId: { platform: 'telegram', platformChatId: `p${r1.id}` } },
      });
      expect(vote.notices.filter((n) => n.type === 'poll.vote_recorded')).toEqual([
        expect.objectContaining({ chatId: own.id, params: expect.objectContaining({ choices: ['周日'] }) }),
      ]);
      // The poll's message is edited with live counts: how many, never who.
      const live = vote.notices.find((n) => n.type === 'poll.results');
      expect(live).toMatchObject({ dedupeKey: expect.stringMatching(/^poll\.live:/), editOfKey: expect.stringMatching(/^poll\.opened:/) });
      expect(JSON.stringify(live)).not.toContain(r1.name);
      await h.tap(r1, c.chats.b1, `v:${number}:0`);
      await h.tap(r2, c.chats.b1, `v:${number}:1`);
      await h.tap(r3, c.chats.b1, `v:${number}:0`);
      const ordinary = (await results(c.staff.head1, number)).ordinary!;
      // Eligible: the 7 verified residents of 1栋 (r1, r1b, r2..r6). 3 voted: 3 × 100 < 50 × 7.
      expect(ordinary).toEqual({
        counts: [
          { label: '周六', votes: 2, share: { numerator: 2, denominator: 3 } },
          { label: '周日', votes: 1, share: { numerator: 1, denominator: 3 } },
        ],
        voters: 3,
        eligible: 7,
        quorumMet: false,
      });
      await h.tap(c.residents.r4, c.chats.b1, `v:${number}:1`);
      expect((await results(c.staff.head1, number)).ordinary).toMatchObject({ voters: 4, quorumMet: true });
    });

    it('refuses a resident of another building', async () => {
      expect(await h.tap(c.residents.s1, c.chats.b1, `v:${number}:0`)).toMatchObject({ error: 'not_a_voter' });
    });

    it('lets the creator and the committee remind, naming who has not voted; nobody else', async () => {
      expect(await h.say(c.staff.head2, c.chats.b2, `/remind ${number}`)).toMatchObject({ error: 'poll_creator_only' });
      expect(await h.say(c.staff.committee, c.chats.committee, `/remind ${number}`)).toMatchObject({ status: 'done' });
      const reminder = await h.say(c.staff.head1, c.chats.b1, `/remind ${number}`);
      expect(reminder.notices[0]?.params).toMatchObject({ notVoted: ['张伟家属', '杨磊', '陈静'], notVotedCount: 3 });
    });

    it('counts a duplicated tap once', async () => {
      const tap = { type: 'poll.vote' as const, number, position: 1 };
      await h.deliver(c.residents.r5, c.chats.b1, tap, `vote-dup-${kind}`);
      expect((await h.deliver(c.residents.r5, c.chats.b1, tap, `vote-dup-${kind}`)).status).toBe('duplicate');
      expect((await results(c.staff.head1, number)).ordinary).toMatchObject({ voters: 5 });
    });

    it('is closed by its creator, posting counts, percentages, turnout and quorum', async () => {
      const closed = await h.say(c.staff.head1, c.chats.b1, `/close ${number}`);
      expect(closed.notices.filter((n) => n.type === 'poll.closed')).toEqual([
        expect.objectContaining({
          type: 'poll.closed',
          params: expect.objectContaining({ closed: true, ordinary: expect.objectContaining({ voters: 5, quorumMet: true }) }),
        }),
      ]);
      expect(await h.say(c.staff.head1, c.chats.b1, `/close ${number}`)).toMatchObject({ error: 'poll_closed' });
    });
  });

  describe('a secret poll', () => {
    it('keeps no link from a ballot to its voter in any table, message or log, yet lets the voter change their ballot', async () => {
      await h.say(c.staff.head1, c.chats.b1, '/poll 是否同意更换保洁公司？| 同意 | 不同意 --secret --multi');
      const poll = await lastPoll();
      const voter = c.residents.r2;
      const member = await db.prisma.member.findFirstOrThrow({ where: { platformUserId: voter.id } });
      await h.tap(voter, c.chats.b1, `v:${poll.number}:0`);
      await h.tap(voter, c.chats.b1, `v:${poll.number}:1`);
      const ballots = await db.prisma.ballot.findMany({ where: { pollId: poll.id }, include: { choices: { include: { option: true } } } });
      expect(ballots).toHaveLength(1);
      expect(ballots[0]).toMatchObject({ memberId: null, castById: null, householdId: null });
      expect(ballots[0]!.voterKey).toMatch(/^secret:[0-9a-f]{64}$/);
      expect(ballots[0]!.voterKey).not.toBe(`member:${member.id}`);
      expect(ballots[0]!.choices.map((choice) => choice.option.label).sort()).toEqual(['不同意', '同意']);
      const audit = await db.prisma.auditEntry.findMany({ where: { subjectType: 'poll', subjectId: poll.id, action: 'ballot.cast' } });
      expect(audit.every((entry) => entry.actorMemberId === null && JSON.stringify(entry.data) === '{"secret":true}')).toBe(true);
      const inbox = await db.prisma.inboxEvent.findMany({ where: { payload: { contains: '"type":"poll.vote"' } } });
      expect(inbox.filter((row) => row.payload.includes(`"number":${poll.number},`))).toEqual([]);
      const groupNotices = await db.prisma.outboxNotice.findMany({ where: { chat: { kind: 'group' } } });
      expect(groupNotices.filter((n) => JSON.stringify(n.params).includes(voter.name))).toEqual([]);
      const reminder = await h.say(c.staff.head1, c.chats.b1, `/remind ${poll.number}`);
      expect(reminder.notices[0]?.params).toMatchObject({ notVoted: null, notVotedCount: 6 });
    });
  });

  describe('malformed /poll', () => {
    it.each([
      ['/poll 只有问题', 'poll_too_few_options'],
      ['/poll 问题 | 唯一选项', 'poll_too_few_options'],
      [`/poll 问题 | ${Array.from({ length: 11 }, (_, i) => `选项${i}`).join(' | ')}`, 'poll_too_many_options'],
      [`/poll 问题 | 好 | ${'长'.repeat(101)}`, 'poll_option_too_long'],
      ['/poll | 好 | 不好', 'poll_question_empty'],
      ['/poll 问题 | 好 | 不好 --quorum 0%', 'poll_quorum_invalid'],
      ['/poll 问题 | 好 | 不好 --hours 0', 'poll_hours_invalid'],
      ['/poll 问题 | 好 | 不好 --hours many', 'usage'],
    ])('%s → %s, nothing written', async (text, code) => {
      const before = await domainSnapshot(db);
      const polls = await db.prisma.poll.count();
      expect(await h.say(c.staff.head1, c.chats.b1, text)).toMatchObject({ status: 'refused', error: code });
      expect(await domainSnapshot(db)).toEqual(before);
      expect(await db.prisma.poll.count()).toBe(polls);
    });
  });

  describe('many votes at once', () => {
    it('loses none', async () => {
      const voters: Person[] = [];
      const codes = await h.engine.operate((tx, now) => issueClaimCodes(tx, c.slug, { days: 5 }, now));
      for (const [i, code] of codes.entries()) {
        const who: Person = { id: `${c.slug}-crowd-${i}`, name: `居民${i}` };
        await h.say(who, h.privateChat(who), `/claim ${code.code}`);
        voters.push(who);
      }
      await h.say(c.staff.committee, c.chats.community, '/ownersvote ordinary 续聘物业公司');
      const poll = await lastPoll();
      const outcomes = await Promise.all(voters.map((who, i) => h.tap(who, c.chats.community, `v:${poll.number}:${i % 3}`)));
      expect(outcomes.every((outcome) => outcome.status === 'done')).toBe(true);
      expect(await db.prisma.ballot.count({ where: { pollId: poll.id } })).toBe(9);
      const owners = (await results(c.staff.committee, poll.number)).owners!;
      expect(owners.participating).toEqual({ households: 9, area: '891.00' });
      expect(
        verifyChain(await db.prisma.auditEntry.findMany({ where: { communityId: c.community.id }, orderBy: { id: 'asc' } })).broken,
      ).toBeNull();
    });
  });
});
