import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DomainErrorCode } from '../../src/core/errors.js';
import type { PartyKind } from '../../src/db/generated/client.js';
import { decodeButton } from '../../src/engine/buttons.js';
import type { Action, ChatRef } from '../../src/engine/commands.js';
import type { DispatchResult } from '../../src/engine/index.js';
import { createCommunity } from '../../src/engine/modules/setup/create-community.js';
import { issueLinkCode } from '../../src/engine/modules/setup/issue-codes.js';
import { addParty } from '../../src/engine/modules/setup/manage-parties.js';
import { grantRole } from '../../src/engine/modules/setup/manage-roles.js';
import type { AgendaEntry, Notice } from '../../src/engine/notices.js';
import { describeEachDatabase, openTestDatabase, type TestDatabase } from '../helpers/database.js';
import { buildCommunity, createHarness, domainSnapshot, group, type Harness, type Person } from '../helpers/engine.js';

const hour = 3_600_000;
const day = 24 * hour;
// The harness starts at 30 November 2026, 10:00 in Shanghai.
const T0 = new Date('2026-11-30T02:00:00Z');

type Community = Awaited<ReturnType<typeof buildCommunity>>;

async function done(result: Promise<DispatchResult>): Promise<DispatchResult> {
  const outcome = await result;
  if (outcome.status !== 'done') throw new Error(`setup step failed: ${JSON.stringify(outcome)}`);
  return outcome;
}

/** Type, chat and params of each notice, for comparing whole results. */
const sent = (notices: Notice[]) => notices.map((n) => [n.type, n.chatId, n.params]);

describeEachDatabase('joint meetings', (kind) => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await openTestDatabase(kind);
  });
  afterAll(() => db?.close());

  /**
   * The community of buildCommunity with two more parties sitting at the joint meeting (业委会, 社区民警) and a
   * department's chat (街道城管科 does not sit), each party's chat linked, and one party member per sitting party.
   */
  async function withParties(h: Harness, c: Community, more: Array<[name: string, kind: PartyKind]> = []) {
    const op = h.engine.operate;
    const linker: Person = { id: `${c.slug}-party-linker`, name: '连接人' };
    const linkParty = async (name: string) => {
      const chat = group(`${name}对接群`);
      const { code } = await op((tx, now) => issueLinkCode(tx, c.slug, { binding: 'party', name, days: 7 }, now));
      await done(h.say(linker, chat, `/link ${code}`));
      return chat;
    };
    const parties: Array<[string, PartyKind]> = [['业委会', 'owners_committee'], ['社区民警', 'police'], ...more];
    const chats: Record<string, ChatRef> = { 物业: c.chats.property };
    for (const [name, partyKind] of parties) {
      await op((tx, now) => addParty(tx, c.slug, { kind: partyKind, name }, now));
      chats[name] = await linkParty(name);
    }
    chats.街道城管科 = await linkParty('街道城管科');
    const person = (key: string, name: string): Person => ({ id: `${c.slug}-${key}`, name });
    const members = {
      property: person('pm', '物业经理'),
      owners: person('om', '业委会主任'),
      police: person('police', '民警小陈'),
      /** A member of two sitting parties. */
      dual: person('dual', '两边兼任'),
    };
    for (const who of Object.values(members)) await done(h.say(who, h.privateChat(who), '/start'));
    const grant = (who: Person, party: string) =>
      op((tx, now) => grantRole(tx, c.slug, { member: `telegram:${who.id}`, role: 'party_member', party }, now));
    await grant(members.property, '物业');
    await grant(members.owners, '业委会');
    await grant(members.police, '社区民警');
    await grant(members.dual, '物业');
    await grant(members.dual, '业委会');
    return { chats: chats as Record<'物业' | '业委会' | '社区民警' | '街道城管科', ChatRef> & Record<string, ChatRef>, members };
  }

  /** Raises an issue through the engine and gives its number. */
  async function raise(h: Harness, who: Person, chat: ChatRef, text: string): Promise<number> {
    const result = await done(h.say(who, chat, `/issue ${text}`));
    const raised = result.notices.find((n) => n.type === 'issue.raised');
    if (!raised) throw new Error(`not raised: ${JSON.stringify(result.notices)}`);
    return (raised.params as { number: number }).number;
  }

  /** Sets what the agenda's order is made of directly, for a hand-built set of issues. */
  async function setIssue(
    c: Community,
    number: number,
    data: { level?: 'joint_meeting'; category?: string; createdAt?: Date; status?: 'closed' },
  ) {
    const { category, ...rest } = data;
    const categoryId =
      category === undefined
        ? undefined
        : (await db.prisma.category.findUniqueOrThrow({ where: { communityId_code: { communityId: c.community.id, code: category } } })).id;
    await db.prisma.issue.update({
      where: { communityId_number: { communityId: c.community.id, number } },
      data: { ...rest, ...(categoryId === undefined ? {} : { categoryId }) },
    });
  }

  const memberId = async (who: Person) =>
    (await db.prisma.member.findUniqueOrThrow({ where: { platform_platformUserId: { platform: 'telegram', platformUserId: who.id } } })).id;
  const meetingRow = (c: Community, number: number) =>
    db.prisma.meeting.findUniqueOrThrow({ where: { communityId_number: { communityId: c.community.id, number } } });
  const issueRow = (c: Community, number: number) =>
    db.prisma.issue.findUniqueOrThrow({ where: { communityId_number: { communityId: c.community.id, number } } });
  const agendaOf = (notices: Notice[]) => {
    const agenda = notices.find((n) => n.type === 'meeting.agenda');
    if (!agenda) throw new Error(`no agenda in ${JSON.stringify(notices)}`);
    return agenda.params as { meeting: number; locked: boolean; items: AgendaEntry[]; proposals: unknown[] };
  };

  /** Everything a refused meeting command must leave alone, and the outbox's size. */
  async function meetingState() {
    const p = db.prisma;
    const [meetings, agendaItems, rsvps, positions, communities, outbox] = await Promise.all([
      p.meeting.findMany({ orderBy: { id: 'asc' } }),
      p.agendaItem.findMany({ orderBy: { id: 'asc' } }),
      p.rsvp.findMany({ orderBy: { id: 'asc' } }),
      p.partyPosition.findMany({ orderBy: { id: 'asc' } }),
      p.community.findMany({ orderBy: { id: 'asc' } }),
      p.outboxNotice.count(),
    ]);
    return { domain: await domainSnapshot(db), meetings, agendaItems, rsvps, positions, communities, outbox };
  }

  /** The command is refused with `code`, answered with one refusal to the actor, and nothing else is written. */
  async function expectRefused(act: () => Promise<DispatchResult>, code: DomainErrorCode) {
    const before = await meetingState();
    const result = await act();
    expect(result).toMatchObject({ status: 'refused', error: code });
    expect(result.notices).toEqual([expect.objectContaining({ type: 'command.refused', params: expect.objectContaining({ code }) })]);
    expect(await meetingState()).toEqual({ ...before, outbox: before.outbox + 1 });
    return result;
  }

  describe('scheduleMeeting', () => {
    let h: Harness;
    let c: Community;
    beforeAll(async () => {
      h = createHarness(db);
      c = await buildCommunity(h);
    });

    describe('when the committee schedules a meeting in its chat', () => {
      it('puts it on the calendar at the local time, numbered, with its notice and RSVP reminders, and tells the parties', async () => {
        const result = await h.say(c.staff.committee, c.chats.committee, '/meeting 2026-12-10 19:30 社区会议室');
        expect(result.status).toBe('done');
        const committee = await c.chatRow(c.chats.committee);
        const property = await c.chatRow(c.chats.property);
        // 19:30 in Shanghai (UTC+8); 街道城管科, a department, does not sit at the meeting and has no chat anyway.
        const params = { meeting: 1, startsAt: '2026-12-10T11:30:00.000Z', place: '社区会议室', monthly: null };
        expect(sent(result.notices)).toEqual([
          ['meeting.scheduled', property.id, params],
          ['meeting.scheduled', committee.id, params],
        ]);
        const meeting = await meetingRow(c, 1);
        expect(meeting).toMatchObject({
          startsAt: new Date('2026-12-10T11:30:00Z'),
          place: '社区会议室',
          status: 'scheduled',
          recurring: false,
          createdById: await memberId(c.staff.committee),
          lockedAt: null,
          closedAt: null,
        });
        const reminders = await db.prisma.scheduledReminder.findMany({
          where: { key: { startsWith: 'meeting.' } },
          orderBy: { dueAt: 'asc' },
        });
        expect(reminders.map((r) => [r.key, r.kind, r.dueAt.toISOString(), r.params])).toEqual([
          [`meeting.notice:${meeting.id}`, 'meeting.notice', '2026-12-08T11:30:00.000Z', { meetingId: meeting.id }],
          [`meeting.rsvp:${meeting.id}:24`, 'meeting.rsvp_reminder', '2026-12-09T11:30:00.000Z', { meetingId: meeting.id, hours: 24 }],
          [`meeting.rsvp:${meeting.id}:1`, 'meeting.rsvp_reminder', '2026-12-10T10:30:00.000Z', { meetingId: meeting.id, hours: 1 }],
        ]);
        expect(await db.prisma.auditEntry.findFirst({ where: { communityId: c.community.id, action: 'meeting.scheduled' } })).toMatchObject(
          {
            actorMemberId: await memberId(c.staff.committee),
            subjectId: meeting.id,
            data: { number: 1, startsAt: '2026-12-10T11:30:00.000Z', recurring: false },
          },
        );
      });
    });

    describe.each([
      ['a date that does not exist', '/meeting 2026-02-30 19:30', 'meeting_time_invalid'],
      ['29 February of a common year', '/meeting 2027-02-29 19:30', 'meeting_time_invalid'],
      ['a date in another form', '/meeting 2026/12/10 19:30', 'meeting_time_invalid'],
      ['a time that does not exist', '/meeting 2026-12-10 24:00', 'meeting_time_invalid'],
      ['a time in another form', '/meeting 2026-12-10 7:30pm', 'meeting_time_invalid'],
      ['a past date', '/meeting 2026-11-29 19:30', 'meeting_in_past'],
      ['an hour already gone today', '/meeting 2026-11-30 09:00', 'meeting_in_past'],
      ['the time of a meeting already scheduled', '/meeting 2026-12-10 19:30 另一个地方', 'meeting_exists'],
      ['a monthly day some months lack', '/meeting monthly 29 19:30', 'monthly_day_invalid'],
      ['a monthly meeting at a time that does not exist', '/meeting monthly 15 19:61', 'meeting_time_invalid'],
    ] as const)('when the committee types %s', (_label, text, code) => {
      it(`refuses with ${code} and writes nothing`, async () => {
        await expectRefused(() => h.say(c.staff.committee, c.chats.committee, text), code);
      });
    });

    describe.each([
      ['a resident', () => c.residents.r1, () => c.chats.b1],
      ["a party's responder", () => c.staff.propertyStaff, () => c.chats.property],
      ['a resident representative', () => c.staff.representative, () => c.chats.committee],
    ])('when %s schedules a meeting', (_label, who, where) => {
      it('refuses with committee_only and writes nothing', async () => {
        await expectRefused(() => h.say(who(), where(), '/meeting 2026-12-20 19:30'), 'committee_only');
        await expectRefused(() => h.say(who(), where(), '/meeting monthly 20 19:30'), 'committee_only');
      });
    });

    describe('when the notice time comes and the committee has not locked the agenda', () => {
      it('locks it as it stands, tells the committee, and sends it to the parties with the RSVP buttons', async () => {
        const meeting = await meetingRow(c, 1);
        expect(await h.engine.fireReminder(`meeting.notice:${meeting.id}`)).toEqual({
          status: 'early',
          dueAt: new Date('2026-12-08T11:30:00Z'),
        });
        h.clock.set(new Date('2026-12-08T11:30:00Z'));
        const fired = await h.engine.fireReminder(`meeting.notice:${meeting.id}`);
        const committee = await c.chatRow(c.chats.committee);
        const property = await c.chatRow(c.chats.property);
        expect(fired.status === 'fired' && fired.notices.map((n) => [n.type, n.chatId, n.params, n.buttons])).toEqual([
          ['meeting.auto_locked', committee.id, { meeting: 1 }, undefined],
          [
            'meeting.notice',
            property.id,
            { meeting: 1, startsAt: '2026-12-10T11:30:00.000Z', place: '社区会议室', items: [] },
            [
              { kind: 'rsvp', meeting: 1, answer: 'attend' },
              { kind: 'rsvp', meeting: 1, answer: 'absent' },
            ],
          ],
        ]);
        expect(await meetingRow(c, 1)).toMatchObject({ status: 'locked', lockedAt: new Date('2026-12-08T11:30:00Z') });
        expect(await h.engine.fireReminder(`meeting.notice:${meeting.id}`)).toEqual({ status: 'gone' });
      });
    });

    describe('when the committee sets a monthly meeting', () => {
      const seriesKey = (startsAt: string) => `meeting.series:${c.community.id}:${startsAt}`;

      it('schedules the next one at once and a series reminder, due when it starts, for the one after', async () => {
        const result = await h.say(c.staff.committee, c.chats.committee, '/meeting monthly 15 19:30 社区会议室');
        expect(result.status).toBe('done');
        const committee = await c.chatRow(c.chats.committee);
        expect(result.notices.find((n) => n.chatId === committee.id)).toMatchObject({
          type: 'meeting.scheduled',
          params: { meeting: 2, startsAt: '2026-12-15T11:30:00.000Z', place: '社区会议室', monthly: { day: 15, time: '19:30' } },
        });
        expect(await meetingRow(c, 2)).toMatchObject({ recurring: true, startsAt: new Date('2026-12-15T11:30:00Z'), place: '社区会议室' });
        expect(await db.prisma.community.findUniqueOrThrow({ where: { id: c.community.id } })).toMatchObject({
          meetingMonthlyDay: 15,
          meetingMonthlyTime: '19:30',
          meetingMonthlyPlace: '社区会议室',
        });
        const series = await db.prisma.scheduledReminder.findMany({ where: { kind: 'meeting.series' } });
        expect(series.map((r) => [r.key, r.dueAt.toISOString(), r.state, r.params])).toEqual([
          [
            seriesKey('2027-01-15T11:30:00.000Z'),
            '2026-12-15T11:30:00.000Z',
            'pending',
            { communityId: c.community.id, startsAt: '2027-01-15T11:30:00.000Z' },
          ],
        ]);
      });

      it("makes the following month's meeting when the reminder falls due, exactly once, however it is asked again", async () => {
        const key = seriesKey('2027-01-15T11:30:00.000Z');
        expect(await h.engine.fireReminder(key)).toEqual({ status: 'early', dueAt: new Date('2026-12-15T11:30:00Z') });
        h.clock.set(new Date('2026-12-15T11:31:00Z'));
        const fired = await h.engine.fireReminder(key);
        const property = await c.chatRow(c.chats.property);
        const committee = await c.chatRow(c.chats.committee);
        const params = { meeting: 3, startsAt: '2027-01-15T11:30:00.000Z', place: '社区会议室', monthly: { day: 15, time: '19:30' } };
        // Nobody typed it: the committee hears of it as the parties do.
        expect(fired.status === 'fired' && sent(fired.notices)).toEqual([
          ['meeting.scheduled', committee.id, params],
          ['meeting.scheduled', property.id, params],
        ]);
        expect(await meetingRow(c, 3)).toMatchObject({ recurring: true, createdById: null, startsAt: new Date('2027-01-15T11:30:00Z') });
        expect(
          await db.prisma.auditEntry.findFirst({ where: { action: 'meeting.scheduled', subjectId: (await meetingRow(c, 3)).id } }),
        ).toMatchObject({ actorLabel: 'scheduler', actorMemberId: null });

        // Fired again, and the committee setting the same series again: the same meeting, not another.
        expect(await h.engine.fireReminder(key)).toEqual({ status: 'gone' });
        const again = await h.say(c.staff.committee, c.chats.committee, '/meeting monthly 15 19:30 社区会议室');
        expect(again.notices.map((n) => [n.type, n.params])).toEqual([
          [
            'meeting.scheduled',
            { meeting: 3, startsAt: '2027-01-15T11:30:00.000Z', place: '社区会议室', monthly: { day: 15, time: '19:30' } },
          ],
        ]);
        const meetings = await db.prisma.meeting.findMany({ where: { communityId: c.community.id }, orderBy: { startsAt: 'asc' } });
        expect(meetings.map((m) => [m.number, m.startsAt.toISOString(), m.recurring])).toEqual([
          [1, '2026-12-10T11:30:00.000Z', false],
          [2, '2026-12-15T11:30:00.000Z', true],
          [3, '2027-01-15T11:30:00.000Z', true],
        ]);
        expect(await db.prisma.communityCounter.findUniqueOrThrow({ where: { communityId: c.community.id } })).toMatchObject({
          lastMeetingNumber: 3,
        });
        const series = await db.prisma.scheduledReminder.findMany({ where: { kind: 'meeting.series' }, orderBy: { dueAt: 'asc' } });
        expect(series.map((r) => [r.key, r.dueAt.toISOString(), r.state])).toEqual([
          [key, '2026-12-15T11:30:00.000Z', 'fired'],
          [seriesKey('2027-02-15T11:30:00.000Z'), '2027-01-15T11:30:00.000Z', 'pending'],
        ]);
        // The database holds the line too: one meeting per community and start time.
        await expect(
          db.prisma.meeting.create({ data: { communityId: c.community.id, number: 99, startsAt: new Date('2027-01-15T11:30:00Z') } }),
        ).rejects.toMatchObject({ code: 'P2002' });
      });
    });
  });

  describe('editAgenda', () => {
    let h: Harness;
    let c: Community;
    let p: Awaited<ReturnType<typeof withParties>>;
    // 2 December, 10:00 in Shanghai: the agenda is built then.
    const T1 = new Date('2026-12-02T02:00:00Z');
    const texts: Record<number, string> = {};
    beforeAll(async () => {
      h = createHarness(db);
      c = await buildCommunity(h);
      p = await withParties(h, c);
      const { r1, r2, r3, r4, r5, r6, s1 } = c.residents;
      const { committee, head1, groupHead, representative } = c.staff;
      const issue = async (who: Person, chat: ChatRef, text: string, backers: Person[] = []) => {
        const number = await raise(h, who, chat, text);
        texts[number] = text;
        for (const backer of backers) await done(h.say(backer, chat, `/support ${number}`));
        return number;
      };
      // Households backing each (of those in scope): #1 3/6, #2 3/6, #3 1/3, #4 3/9, #5 1/6, #6 3/6.
      await issue(r1, c.chats.b1, '楼下烧烤店油烟太大', [r2, r3]);
      await issue(r4, c.chats.b1, '消防通道被杂物堵塞', [r5, r6]);
      await issue(s1, c.chats.b2, '信报箱损坏无法投递');
      await issue(r1, c.chats.community, '小区门口缺少人行横道', [r2, s1]);
      await issue(r5, c.chats.b1, '地下车库照明太暗');
      await issue(r2, c.chats.b1, '单元门禁刷卡失灵', [r3, r4]);
      await issue(r3, c.chats.b1, '希望增设健身器材');
      await issue(r6, c.chats.b1, '楼顶水箱需要清洗');
      await issue(s1, c.chats.b2, '外墙瓷砖脱落砸坏车辆');
      // #1 rises through the three levels to the joint meeting, each step by hand.
      await done(h.say(head1, c.chats.b1, '/escalate 1 多户反映油烟扰民'));
      await done(h.say(groupHead, c.chats.community, '/escalate 1'));
      await done(h.say(representative, c.chats.committee, '/escalate 1'));
      // #5 goes to 物业 for a day and is not answered; #6 is resolved, rated badly and sent back (退回重办).
      await done(h.say(committee, c.chats.committee, '/assign 5 物业 1'));
      await done(h.say(committee, c.chats.committee, '/assign 6 物业 3'));
      await done(h.say(committee, c.chats.committee, '/resolve 6'));
      await done(h.say(r2, c.chats.b1, '/rate 6 2'));
      await done(h.say(r3, c.chats.b1, '/rate 6 1'));
      await done(h.say(r4, c.chats.b1, '/rate 6 5'));
      expect(await issueRow(c, 6)).toMatchObject({ status: 'in_progress', round: 2, level: 'building' });
      h.clock.set(T1);
      const ago = (days: number) => new Date(T1.getTime() - days * day);
      await setIssue(c, 1, { category: 'noise', createdAt: ago(10) });
      await setIssue(c, 2, { level: 'joint_meeting', category: 'safety', createdAt: ago(1) });
      await setIssue(c, 3, { level: 'joint_meeting', category: 'sanitation', createdAt: ago(5) });
      await setIssue(c, 4, { level: 'joint_meeting', category: 'other', createdAt: ago(30) });
      await setIssue(c, 5, { category: 'parking', createdAt: ago(2) });
      await setIssue(c, 6, { category: 'facilities', createdAt: ago(20) });
      // At the joint-meeting level but closed: not for the agenda.
      await setIssue(c, 9, { level: 'joint_meeting', status: 'closed' });
      await done(h.say(committee, c.chats.committee, '/meeting 2026-12-20 19:30 社区会议室'));
    });

    const show = async () => agendaOf((await done(h.say(c.staff.committee, c.chats.committee, '/agenda'))).notices);
    const order = (items: AgendaEntry[]) => items.map((item) => [item.position, item.number, item.source]);

    describe('when the committee first asks for the agenda', () => {
      it('assembles it from escalated, overdue and reopened issues: by support share, then urgency, then age', async () => {
        const agenda = await show();
        expect(agenda).toMatchObject({ meeting: 1, locked: false, proposals: [] });
        expect(order(agenda.items)).toEqual([
          // 3 of 6 households each: the two urgent ones first (older first), then the noise.
          [1, 6, 'reopened'],
          [2, 2, 'escalated'],
          [3, 1, 'escalated'],
          // 1/3 each: the older first.
          [4, 4, 'escalated'],
          [5, 3, 'escalated'],
          [6, 5, 'overdue'],
        ]);
        const byNumber = new Map(agenda.items.map((item) => [item.number, item]));
        expect(byNumber.get(1)).toEqual({
          position: 3,
          number: 1,
          text: texts[1],
          source: 'escalated',
          note: null,
          proposedBy: null,
          households: 3,
          inScope: 6,
          category: 'noise',
          ageDays: 10,
          raisedIn: '1栋业主群',
          steps: [
            { to: 'resident_group', cause: 'manual', by: '1栋楼长' },
            { to: 'representatives', cause: 'manual', by: '居民小组长' },
            { to: 'joint_meeting', cause: 'manual', by: '居民代表' },
          ],
          outcome: 'open',
          decision: null,
          sentUpTo: null,
          positions: [],
          actions: [],
        });
        expect(
          [6, 2, 4, 3, 5].map((number) => byNumber.get(number)).map((i) => [i?.households, i?.inScope, i?.category, i?.ageDays]),
        ).toEqual([
          [3, 6, 'facilities', 20],
          [3, 6, 'safety', 1],
          [3, 9, 'other', 30],
          [1, 3, 'sanitation', 5],
          [1, 6, 'parking', 2],
        ]);
        expect(byNumber.get(4)).toMatchObject({ raisedIn: '幸福社区居民群', steps: [] });
        const items = await db.prisma.agendaItem.findMany({ where: { meeting: { communityId: c.community.id } } });
        expect(items).toHaveLength(6);
      });

      it('assembles it once: asking again adds nothing', async () => {
        const before = await db.prisma.agendaItem.findMany({ where: { meeting: { communityId: c.community.id } }, orderBy: { id: 'asc' } });
        expect(order((await show()).items).map(([, number]) => number)).toEqual([6, 2, 1, 4, 3, 5]);
        expect(
          await db.prisma.agendaItem.findMany({ where: { meeting: { communityId: c.community.id } }, orderBy: { id: 'asc' } }),
        ).toEqual(before);
      });
    });

    describe('when the committee edits it', () => {
      it('drops, moves and adds items by issue number, renumbering the rest', async () => {
        const { committee } = c.staff;
        const dropped = agendaOf((await done(h.say(committee, c.chats.committee, '/agenda drop 3'))).notices);
        expect(order(dropped.items).map(([position, number]) => [position, number])).toEqual([
          [1, 6],
          [2, 2],
          [3, 1],
          [4, 4],
          [5, 5],
        ]);
        const moved = agendaOf((await done(h.say(committee, c.chats.committee, '/agenda move 5 1'))).notices);
        expect(order(moved.items).map(([, number]) => number)).toEqual([5, 6, 2, 1, 4]);
        const added = agendaOf((await done(h.say(committee, c.chats.committee, '/agenda add #7'))).notices);
        expect(order(added.items)).toEqual([
          [1, 5, 'overdue'],
          [2, 6, 'reopened'],
          [3, 2, 'escalated'],
          [4, 1, 'escalated'],
          [5, 4, 'escalated'],
          [6, 7, 'added'],
        ]);
        // Adding what is already there changes nothing; a dropped issue is not assembled back.
        expect(order(agendaOf((await done(h.say(committee, c.chats.committee, '/agenda add 7'))).notices).items)).toEqual(
          order(added.items),
        );
        expect(order((await show()).items)).toEqual(order(added.items));
        const three = await db.prisma.agendaItem.findFirstOrThrow({ where: { issue: { communityId: c.community.id, number: 3 } } });
        expect(three).toMatchObject({ dropped: true, position: null });
        const audit = await db.prisma.auditEntry.findMany({
          where: { communityId: c.community.id, action: { startsWith: 'agenda.' } },
          orderBy: { id: 'asc' },
        });
        // (The second, no-op /agenda add 7 is logged too; not pinned here.)
        expect(audit.slice(0, 3).map((a) => [a.action, a.data])).toEqual([
          ['agenda.drop', { issue: 3 }],
          ['agenda.move', { issue: 5, position: 1 }],
          ['agenda.add', { issue: 7 }],
        ]);
      });
    });

    describe('when a party proposes an issue', () => {
      it('shows it to the committee as a proposal, which /agenda add accepts', async () => {
        const why = '水箱两年没洗，住户反映水有异味';
        const result = await done(h.say(p.members.property, c.chats.property, `/propose 8 ${why}`));
        const property = await c.chatRow(c.chats.property);
        const committee = await c.chatRow(c.chats.committee);
        const params = { meeting: 1, number: 8, text: texts[8], party: '物业', note: why };
        expect(sent(result.notices)).toEqual([
          ['meeting.proposed', property.id, params],
          ['meeting.proposed', committee.id, params],
        ]);
        const agenda = await show();
        expect(agenda.proposals).toEqual([{ number: 8, text: texts[8], party: '物业', note: why }]);
        expect(agenda.items.map((item) => item.number)).toEqual([5, 6, 2, 1, 4, 7]);
        const accepted = agendaOf((await done(h.say(c.staff.committee, c.chats.committee, '/agenda add 8'))).notices);
        expect(accepted.proposals).toEqual([]);
        expect(accepted.items.at(-1)).toMatchObject({ position: 7, number: 8, source: 'proposed', proposedBy: '物业', note: why });
      });
    });

    describe('when the committee locks it before the notice period', () => {
      it('locks the agenda as it stands, and sends nothing to the parties yet', async () => {
        const result = await done(h.say(c.staff.committee, c.chats.committee, '/agenda lock'));
        expect(result.notices.map((n) => n.type)).toEqual(['meeting.agenda']);
        expect(agendaOf(result.notices)).toMatchObject({ locked: true });
        expect(agendaOf(result.notices).items.map((item) => item.number)).toEqual([5, 6, 2, 1, 4, 7, 8]);
        expect(await meetingRow(c, 1)).toMatchObject({ status: 'locked', lockedAt: T1 });
      });

      it.each([
        ['adds', '/agenda add 9'],
        ['drops', '/agenda drop 1'],
        ['moves', '/agenda move 1 2'],
        ['locks again', '/agenda lock'],
      ])('refuses agenda_locked when the committee %s, writing nothing', async (_label, text) => {
        await expectRefused(() => h.say(c.staff.committee, c.chats.committee, text), 'agenda_locked');
      });

      it('refuses agenda_locked to a party proposing, writing nothing', async () => {
        await expectRefused(() => h.say(p.members.owners, p.chats.业委会, '/propose 3 还是想讨论'), 'agenda_locked');
      });

      it('is no longer assembled: an issue escalated after the lock stays off it', async () => {
        await setIssue(c, 3, { level: 'joint_meeting' });
        await db.prisma.issue.update({
          where: { communityId_number: { communityId: c.community.id, number: 8 } },
          data: { level: 'joint_meeting' },
        });
        await setIssue(c, 7, { level: 'joint_meeting' });
        const before = await db.prisma.agendaItem.count();
        expect((await show()).items.map((item) => item.number)).toEqual([5, 6, 2, 1, 4, 7, 8]);
        expect(await db.prisma.agendaItem.count()).toBe(before);
      });

      it('goes to the sitting parties with the RSVP buttons when the notice time comes, without locking again', async () => {
        const meeting = await meetingRow(c, 1);
        h.clock.set(new Date('2026-12-18T11:30:00Z'));
        const fired = await h.engine.fireReminder(`meeting.notice:${meeting.id}`);
        const chats = await Promise.all(['物业', '业委会', '社区民警'].map((name) => c.chatRow(p.chats[name]!)));
        expect(fired.status === 'fired' && fired.notices.map((n) => [n.type, n.chatId])).toEqual(
          chats.map((chat) => ['meeting.notice', chat.id]),
        );
        const notice = fired.status === 'fired' ? fired.notices[0]! : null;
        expect(notice?.params).toEqual({
          meeting: 1,
          startsAt: '2026-12-20T11:30:00.000Z',
          place: '社区会议室',
          items: [5, 6, 2, 1, 4, 7, 8].map((number, index) => ({ position: index + 1, number, text: texts[number] })),
        });
        expect(notice?.buttons).toEqual([
          { kind: 'rsvp', meeting: 1, answer: 'attend' },
          { kind: 'rsvp', meeting: 1, answer: 'absent' },
        ]);
        expect(await meetingRow(c, 1)).toMatchObject({ status: 'locked', lockedAt: T1 });
        expect(await db.prisma.scheduledReminder.findUniqueOrThrow({ where: { key: `meeting.notice:${meeting.id}` } })).toMatchObject({
          state: 'fired',
        });
      });
    });
  });

  describe('answerRsvp', () => {
    let h: Harness;
    let c: Community;
    let p: Awaited<ReturnType<typeof withParties>>;
    let issueText: string;
    beforeAll(async () => {
      h = createHarness(db);
      c = await buildCommunity(h);
      // Four parties sit at this community's meeting: 物业, 业委会, 社区民警 and 驻区单位 (which no one answers for).
      p = await withParties(h, c, [['驻区单位', 'resident_unit']]);
      issueText = '电梯经常困人';
      await raise(h, c.residents.r1, c.chats.b1, issueText);
      await setIssue(c, 1, { level: 'joint_meeting' });
      // Tomorrow evening: inside the 48 hours' notice. And one a week later.
      await done(h.say(c.staff.committee, c.chats.committee, '/meeting 2026-12-01 19:30 社区会议室'));
      await done(h.say(c.staff.committee, c.chats.committee, '/meeting 2026-12-08 19:30'));
    });

    const rsvpButtons = (meeting: number) => [
      { kind: 'rsvp', meeting, answer: 'attend' },
      { kind: 'rsvp', meeting, answer: 'absent' },
    ];
    const rows = async () =>
      (
        await db.prisma.rsvp.findMany({
          where: { meeting: { communityId: c.community.id } },
          include: { party: true, meeting: true },
          orderBy: { id: 'asc' },
        })
      ).map((r) => [r.meeting.number, r.party.name, r.answer, r.delegate, r.reason]);

    describe('when the committee locks the agenda inside the notice period', () => {
      it("sends it at once to each sitting party's chat with the RSVP buttons, not to a department's", async () => {
        const result = await done(h.say(c.staff.committee, c.chats.committee, '/agenda lock'));
        const committee = await c.chatRow(c.chats.committee);
        const sitting = await Promise.all(['物业', '业委会', '社区民警', '驻区单位'].map((name) => c.chatRow(p.chats[name]!)));
        const params = {
          meeting: 1,
          startsAt: '2026-12-01T11:30:00.000Z',
          place: '社区会议室',
          items: [{ position: 1, number: 1, text: issueText }],
        };
        expect(result.notices.map((n) => [n.type, n.chatId, n.type === 'meeting.notice' ? n.params : null, n.buttons])).toEqual([
          ...sitting.map((chat) => ['meeting.notice', chat.id, params, rsvpButtons(1)]),
          ['meeting.agenda', committee.id, null, undefined],
        ]);
      });

      it('does not send the notice a second time when its reminder falls due', async () => {
        const meeting = await meetingRow(c, 1);
        expect(await h.engine.fireReminder(`meeting.notice:${meeting.id}`)).toEqual({ status: 'gone' });
        expect(await db.prisma.scheduledReminder.findUniqueOrThrow({ where: { key: `meeting.notice:${meeting.id}` } })).toMatchObject({
          state: 'cancelled',
        });
      });
    });

    describe('when a party member taps attend on the notice', () => {
      it("records their party's answer and tells the committee who comes against the quorum", async () => {
        const result = await done(h.tap(p.members.property, p.chats.物业, 'm:1:0'));
        const property = await c.chatRow(p.chats.物业);
        const committee = await c.chatRow(c.chats.committee);
        const params = { meeting: 1, party: '物业', answer: 'attend', delegate: null, reason: null, attending: 1, quorum: 3 };
        expect(sent(result.notices)).toEqual([
          ['meeting.rsvp_recorded', property.id, params],
          ['meeting.rsvp_recorded', committee.id, params],
          // The party's chat hears its answer (a milestone for it); the tap itself gets a blank answer.
          ['tap.answered', property.id, {}],
        ]);
        expect(await rows()).toEqual([[1, '物业', 'attend', null, null]]);
        expect(await db.prisma.rsvp.findFirstOrThrow({ where: { meeting: { communityId: c.community.id } } })).toMatchObject({
          answeredById: await memberId(p.members.property),
          answeredAt: T0,
        });
      });

      it('handles a repeated delivery of the tap once', async () => {
        const eventId = `rsvp-tap-${kind}`;
        const tap = decodeButton('m:1:0')!;
        expect((await h.deliver(p.members.property, p.chats.物业, tap, eventId)).status).toBe('done');
        const before = await meetingState();
        expect(await h.deliver(p.members.property, p.chats.物业, tap, eventId)).toEqual({ status: 'duplicate', notices: [] });
        expect(await meetingState()).toEqual(before);
      });
    });

    describe('when a party sends a delegate', () => {
      it('records the delegate, who counts as attending', async () => {
        const result = await done(h.say(p.members.owners, p.chats.业委会, '/rsvp delegate 张三'));
        expect(result.notices[0]?.params).toEqual({
          meeting: 1,
          party: '业委会',
          answer: 'delegate',
          delegate: '张三',
          reason: null,
          attending: 2,
          quorum: 3,
        });
        expect(await rows()).toEqual([
          [1, '物业', 'attend', null, null],
          [1, '业委会', 'delegate', '张三', null],
        ]);
      });
    });

    describe('when the RSVP reminder falls due 24 hours before with the quorum not yet in reach', () => {
      it('reminds only the parties that have not answered, and warns the committee', async () => {
        const meeting = await meetingRow(c, 1);
        h.clock.set(new Date('2026-11-30T11:30:00Z'));
        const fired = await h.engine.fireReminder(`meeting.rsvp:${meeting.id}:24`);
        expect(fired.status).toBe('fired');
        const notices = fired.status === 'fired' ? fired.notices : [];
        const unanswered = await Promise.all(['社区民警', '驻区单位'].map((name) => c.chatRow(p.chats[name]!)));
        const committee = await c.chatRow(c.chats.committee);
        expect(notices.filter((n) => n.type === 'meeting.rsvp_reminder').map((n) => [n.chatId, n.params, n.buttons])).toEqual(
          unanswered.map((chat) => [chat.id, { meeting: 1, startsAt: '2026-12-01T11:30:00.000Z', hours: 24 }, rsvpButtons(1)]),
        );
        const warnings = notices.filter((n) => n.type === 'meeting.quorum_warning');
        expect(warnings.map((n) => n.chatId)).toEqual([committee.id]);
        const warning = warnings[0]!.params as { unanswered: string[] };
        expect({ ...warning, unanswered: [...warning.unanswered].sort() }).toEqual({
          meeting: 1,
          startsAt: '2026-12-01T11:30:00.000Z',
          attending: 2,
          quorum: 3,
          unanswered: ['社区民警', '驻区单位'].sort(),
        });
        expect(notices).toHaveLength(3);
      });
    });

    describe('when a party will be absent', () => {
      it('records the reason; the last answer of a party counts', async () => {
        const absent = await done(h.say(p.members.police, p.chats.社区民警, '/rsvp absent 出差'));
        expect(absent.notices[0]?.params).toEqual({
          meeting: 1,
          party: '社区民警',
          answer: 'absent',
          delegate: null,
          reason: '出差',
          attending: 2,
          quorum: 3,
        });
        const changed = await done(h.tap(p.members.property, p.chats.物业, 'm:1:2'));
        expect(changed.notices[0]?.params).toMatchObject({ party: '物业', answer: 'absent', attending: 1 });
        await done(h.tap(p.members.property, p.chats.物业, 'm:1:0'));
        expect(await rows()).toEqual([
          [1, '物业', 'attend', null, null],
          [1, '业委会', 'delegate', '张三', null],
          [1, '社区民警', 'absent', null, '出差'],
        ]);
      });
    });

    describe('when someone who does not speak for a sitting party answers', () => {
      it("refuses a department's responder with party_not_at_meeting, writing nothing", async () => {
        await expectRefused(() => h.say(c.staff.cityStaff, h.privateChat(c.staff.cityStaff), '/rsvp attend'), 'party_not_at_meeting');
        await expectRefused(() => h.say(c.staff.cityStaff, p.chats.街道城管科, '/rsvp attend'), 'party_not_at_meeting');
      });

      it('refuses a resident, the committee, and a party member in another party’s chat with not_party_member, writing nothing', async () => {
        await expectRefused(() => h.say(c.residents.r1, c.chats.b1, '/rsvp attend'), 'not_party_member');
        await expectRefused(() => h.tap(c.staff.committee, c.chats.committee, 'm:1:0'), 'not_party_member');
        await expectRefused(() => h.tap(p.members.property, p.chats.业委会, 'm:1:0'), 'not_party_member');
      });
    });

    describe('when the quorum of parties is met by the 24-hour reminder', () => {
      it('reminds the one party that has not answered and warns no one', async () => {
        for (const [who, chat] of [
          [p.members.property, p.chats.物业],
          [p.members.owners, p.chats.业委会],
          [p.members.police, p.chats.社区民警],
        ] as const)
          await done(h.tap(who, chat, 'm:2:0'));
        const meeting = await meetingRow(c, 2);
        h.clock.set(new Date('2026-12-07T11:30:00Z'));
        // The scheduler fires the notice (due 48 hours before) ahead of the 24-hour reminder.
        expect((await h.engine.fireReminder(`meeting.notice:${meeting.id}`)).status).toBe('fired');
        const fired = await h.engine.fireReminder(`meeting.rsvp:${meeting.id}:24`);
        const unit = await c.chatRow(p.chats.驻区单位!);
        expect(fired.status === 'fired' && sent(fired.notices)).toEqual([
          ['meeting.rsvp_reminder', unit.id, { meeting: 2, startsAt: '2026-12-08T11:30:00.000Z', hours: 24 }],
        ]);
      });

      it('lists both meetings with their RSVP state to a party member', async () => {
        const result = await done(h.say(p.members.owners, h.privateChat(p.members.owners), '/meetings'));
        expect(result.notices.map((n) => [n.type, n.params])).toEqual([
          [
            'meeting.listed',
            {
              upcoming: [
                {
                  meeting: 1,
                  startsAt: '2026-12-01T11:30:00.000Z',
                  place: '社区会议室',
                  status: 'locked',
                  items: 1,
                  attending: 2,
                  answered: 3,
                  parties: 4,
                  quorum: 3,
                },
                {
                  meeting: 2,
                  startsAt: '2026-12-08T11:30:00.000Z',
                  place: null,
                  // Locked by its notice, with the open issue on its agenda as it stood.
                  status: 'locked',
                  items: 1,
                  attending: 3,
                  answered: 3,
                  parties: 4,
                  quorum: 3,
                },
              ],
              past: [],
            },
          ],
        ]);
      });
    });
  });

  describe('closeMeeting, and the minutes taken before it (decideItem, recordPosition, assignAction, settleItem)', () => {
    let h: Harness;
    let c: Community;
    let p: Awaited<ReturnType<typeof withParties>>;
    const texts: Record<number, string> = {};
    const decision = '物业三日内联系维保单位修复电梯，费用先由公共收益垫付';
    const task = '修好电梯并公示维修记录';
    beforeAll(async () => {
      h = createHarness(db);
      c = await buildCommunity(h);
      p = await withParties(h, c);
      const { r1, r2, r3, r4, s1 } = c.residents;
      const { committee, head2, groupHead, representative } = c.staff;
      texts[1] = '电梯停运一周无人维修';
      texts[2] = '楼道墙皮大面积脱落';
      texts[3] = '周边道路施工噪音扰民';
      await raise(h, r1, c.chats.b1, texts[1]);
      await done(h.say(r2, c.chats.b1, '/support 1'));
      await done(h.say(r3, c.chats.b1, '/support 1'));
      await raise(h, s1, c.chats.b2, texts[2]);
      await raise(h, r4, c.chats.community, texts[3]);
      await setIssue(c, 1, { level: 'joint_meeting' });
      await setIssue(c, 3, { level: 'joint_meeting' });
      await done(h.say(head2, c.chats.b2, '/escalate 2 墙皮脱落有安全隐患'));
      await done(h.say(groupHead, c.chats.community, '/escalate 2'));
      await done(h.say(representative, c.chats.committee, '/escalate 2'));
      await done(h.say(committee, c.chats.committee, '/meeting 2026-12-01 19:30 社区会议室'));
      await done(h.say(committee, c.chats.committee, '/meeting 2026-12-15 19:30 社区会议室'));
      // Items: 1 is #1 (3 of 6 households), 2 is #2 (1 of 3), 3 is #3 (1 of 9).
      const locked = agendaOf((await done(h.say(committee, c.chats.committee, '/agenda lock'))).notices);
      expect(locked.items.map((item) => item.number)).toEqual([1, 2, 3]);
      await done(h.tap(p.members.property, p.chats.物业, 'm:1:0'));
      await done(h.say(p.members.owners, p.chats.业委会, '/rsvp attend'));
    });

    const item = (position: number) =>
      db.prisma.agendaItem.findFirstOrThrow({ where: { meeting: { communityId: c.community.id, number: 1 }, position } });

    describe('when the committee records a decision', () => {
      const eventId = `decide-${kind}-${Math.random()}`;

      it("records it on the item, and asks the attending parties' chats for their position", async () => {
        const result = await done(h.say(c.staff.committee, c.chats.committee, `/decide 1 ${decision}`, eventId));
        const [committee, property, owners] = await Promise.all(
          [c.chats.committee, p.chats.物业, p.chats.业委会].map((chat) => c.chatRow(chat)),
        );
        const params = { meeting: 1, item: 1, number: 1, text: texts[1], decision };
        const buttons = ['agree', 'object', 'abstain'].map((stance) => ({ kind: 'position', meeting: 1, item: 1, stance }));
        expect(result.notices.map((n) => [n.type, n.chatId, n.params, n.buttons])).toEqual([
          ['meeting.decided', committee!.id, params, undefined],
          ['meeting.decided', property!.id, params, buttons],
          ['meeting.decided', owners!.id, params, buttons],
        ]);
        expect(await item(1)).toMatchObject({ outcome: 'decided', decision, decidedAt: T0 });
      });

      it('handles a repeated delivery once', async () => {
        const before = await meetingState();
        expect(await h.say(c.staff.committee, c.chats.committee, `/decide 1 ${decision}`, eventId)).toEqual({
          status: 'duplicate',
          notices: [],
        });
        expect(await meetingState()).toEqual(before);
        expect(await db.prisma.auditEntry.count({ where: { communityId: c.community.id, action: 'agenda.decided' } })).toBe(1);
      });
    });

    describe('when the parties take positions', () => {
      it("records a party member's tap for their party and tells the committee", async () => {
        const result = await done(h.tap(p.members.property, p.chats.物业, 'p:1:1:0'));
        const [committee, property] = await Promise.all([c.chatRow(c.chats.committee), c.chatRow(p.chats.物业)]);
        const params = { meeting: 1, item: 1, number: 1, party: '物业', stance: 'agree', remark: null };
        expect(sent(result.notices)).toEqual([
          ['meeting.position_recorded', property.id, params],
          ['meeting.position_recorded', committee.id, params],
          // The party's chat hears its answer (a milestone for it); the tap itself gets a blank answer.
          ['tap.answered', property.id, {}],
        ]);
      });

      it('records a position the committee enters for a party present in the room', async () => {
        const result = await done(h.say(c.staff.committee, c.chats.committee, '/position 1 业委会 object 维修费用分摊需业主大会表决'));
        expect(result.notices.map((n) => [n.type, n.params])).toEqual([
          [
            'meeting.position_recorded',
            { meeting: 1, item: 1, number: 1, party: '业委会', stance: 'object', remark: '维修费用分摊需业主大会表决' },
          ],
        ]);
        const positions = await db.prisma.partyPosition.findMany({
          where: { agendaItemId: (await item(1)).id },
          include: { party: true },
          orderBy: { id: 'asc' },
        });
        expect(positions.map((x) => [x.party.name, x.stance, x.remark])).toEqual([
          ['物业', 'agree', null],
          ['业委会', 'object', '维修费用分摊需业主大会表决'],
        ]);
        expect(positions[1]!.recordedById).toBe(await memberId(c.staff.committee));
      });
    });

    describe('when the committee sets an action item', () => {
      it('makes it a supervised follow-up of the issue by that party, with its task, deadline and reminders', async () => {
        const result = await done(h.say(c.staff.committee, c.chats.committee, `/action 1 物业 7 ${task}`));
        const deadline = new Date(T0.getTime() + 7 * day);
        const [committee, property] = await Promise.all([c.chatRow(c.chats.committee), c.chatRow(p.chats.物业)]);
        const params = { meeting: 1, item: 1, number: 1, party: '物业', task, deadline: deadline.toISOString() };
        expect(sent(result.notices)).toEqual([
          ['meeting.action_assigned', committee.id, params],
          ['meeting.action_assigned', property.id, params],
        ]);
        const followUp = await db.prisma.followUp.findFirstOrThrow({
          where: { issue: { communityId: c.community.id, number: 1 } },
          include: { party: true },
        });
        expect(followUp).toMatchObject({
          agendaItemId: (await item(1)).id,
          task,
          deadline,
          respondedAt: null,
          assignedById: await memberId(c.staff.committee),
        });
        expect(followUp.party.name).toBe('物业');
        const reminders = await db.prisma.scheduledReminder.findMany({
          where: { key: { endsWith: `:${followUp.id}` }, kind: { startsWith: 'followup.' } },
          orderBy: { dueAt: 'asc' },
        });
        expect(reminders.map((r) => [r.key, r.dueAt])).toEqual([
          [`followup.remind:${followUp.id}`, new Date(deadline.getTime() - day)],
          [`followup.overdue:${followUp.id}`, deadline],
        ]);
        expect(await issueRow(c, 1)).toMatchObject({ status: 'in_progress' });
      });
    });

    describe('when the committee defers an item and sends one up', () => {
      it('marks them, to be carried to the next meeting and reported back', async () => {
        const deferred = await done(h.say(c.staff.committee, c.chats.committee, '/defer 2'));
        expect(deferred.notices.map((n) => [n.type, n.params])).toEqual([
          ['meeting.item_deferred', { meeting: 1, item: 2, number: 2, text: texts[2] }],
        ]);
        const sentUp = await done(h.say(c.staff.committee, c.chats.committee, '/sendup 3 街道办事处'));
        expect(sentUp.notices.map((n) => [n.type, n.params])).toEqual([
          ['meeting.item_sent_up', { meeting: 1, item: 3, number: 3, text: texts[3], to: '街道办事处' }],
        ]);
        expect([await item(2), await item(3)].map((i) => [i.outcome, i.sentUpTo])).toEqual([
          ['deferred', null],
          ['sent_up', '街道办事处'],
        ]);
      });
    });

    describe('when the committee closes the meeting with /minutes', () => {
      let minutes: Notice[];

      it("sends the minutes to the committee and every sitting party's chat, and logs them", async () => {
        h.clock.set(new Date('2026-12-01T13:00:00Z'));
        const result = await done(h.say(c.staff.committee, c.chats.committee, '/minutes'));
        minutes = result.notices;
        const chats = await Promise.all([c.chats.committee, p.chats.物业, p.chats.业委会, p.chats.社区民警].map((chat) => c.chatRow(chat)));
        expect(result.notices.filter((n) => n.type === 'meeting.minutes').map((n) => n.chatId)).toEqual(chats.map((chat) => chat.id));
        const params = result.notices[0]!.params as {
          attendance: Array<{ party: string }>;
          items: AgendaEntry[];
        } & Record<string, unknown>;
        expect(params).toMatchObject({
          meeting: 1,
          startsAt: '2026-12-01T11:30:00.000Z',
          place: '社区会议室',
          quorum: 3,
          quorumMet: false,
        });
        expect([...params.attendance].sort((a, b) => a.party.localeCompare(b.party))).toEqual(
          [
            { party: '物业', answer: 'attend', delegate: null, reason: null },
            { party: '业委会', answer: 'attend', delegate: null, reason: null },
            { party: '社区民警', answer: null, delegate: null, reason: null },
          ].sort((a, b) => a.party.localeCompare(b.party)),
        );
        expect(params.items.map((i) => [i.position, i.number, i.outcome, i.decision, i.sentUpTo])).toEqual([
          [1, 1, 'decided', decision, null],
          [2, 2, 'deferred', null, null],
          [3, 3, 'sent_up', null, '街道办事处'],
        ]);
        expect(params.items[0]).toMatchObject({
          positions: [
            { party: '物业', stance: 'agree', remark: null },
            { party: '业委会', stance: 'object', remark: '维修费用分摊需业主大会表决' },
          ],
          actions: [{ party: '物业', task, deadline: new Date(T0.getTime() + 7 * day).toISOString() }],
        });
        expect(params.items[1]!.steps.map((step) => step.to)).toEqual(['resident_group', 'representatives', 'joint_meeting']);
        const meeting = await meetingRow(c, 1);
        expect(meeting).toMatchObject({ status: 'closed', closedAt: new Date('2026-12-01T13:00:00Z') });
        const logged = await db.prisma.auditEntry.findMany({ where: { communityId: c.community.id, action: 'meeting.minutes' } });
        expect(logged).toHaveLength(1);
        expect(logged[0]).toMatchObject({
          subjectType: 'meeting',
          subjectId: meeting.id,
          actorMemberId: await memberId(c.staff.committee),
        });
        expect(logged[0]!.data).toEqual({ minutes: JSON.parse(JSON.stringify(params)) });
      });

      it('reports each decided or sent-up item back in the chat where its issue was raised, and nothing for the deferred one', async () => {
        const [b1, b2, community] = await Promise.all([c.chats.b1, c.chats.b2, c.chats.community].map((chat) => c.chatRow(chat)));
        const reports = minutes.filter((n) => n.type === 'meeting.report_back');
        expect(reports.map((n) => [n.chatId, n.params])).toEqual([
          [
            b1!.id,
            {
              meeting: 1,
              number: 1,
              text: texts[1],
              decision,
              sentUpTo: null,
              actions: [{ party: '物业', task, deadline: new Date(T0.getTime() + 7 * day).toISOString() }],
            },
          ],
          [community!.id, { meeting: 1, number: 3, text: texts[3], decision: null, sentUpTo: '街道办事处', actions: [] }],
        ]);
        expect(minutes.some((n) => n.chatId === b2!.id)).toBe(false);
      });

      it('carries the deferred item onto the next meeting’s agenda with its history', async () => {
        const next = await meetingRow(c, 2);
        const items = await db.prisma.agendaItem.findMany({ where: { meetingId: next.id }, include: { issue: true } });
        expect(items.map((i) => [i.issue.number, i.source, i.position, i.outcome])).toEqual([[2, 'carried', 1, 'open']]);
        const agenda = agendaOf((await done(h.say(c.staff.committee, c.chats.committee, '/agenda'))).notices);
        expect(agenda.meeting).toBe(2);
        expect(agenda.items).toEqual([
          expect.objectContaining({
            position: 1,
            number: 2,
            source: 'carried',
            raisedIn: '2栋业主群',
            steps: [
              { to: 'resident_group', cause: 'manual', by: '2栋楼长' },
              { to: 'representatives', cause: 'manual', by: '居民小组长' },
              { to: 'joint_meeting', cause: 'manual', by: '居民代表' },
            ],
            outcome: 'open',
          }),
        ]);
        const shown = await done(h.say(c.residents.s1, c.chats.b2, '/show 2'));
        expect((shown.notices[0]!.params as { meetings: unknown[] }).meetings).toEqual([
          { meeting: 1, startsAt: '2026-12-01T11:30:00.000Z', outcome: 'deferred', decision: null, sentUpTo: null },
          { meeting: 2, startsAt: '2026-12-15T11:30:00.000Z', outcome: 'open', decision: null, sentUpTo: null },
        ]);
      });

      it('refuses to decide on the closed meeting: the next one is still being prepared', async () => {
        await expectRefused(() => h.say(c.staff.committee, c.chats.committee, `/decide 1 ${decision}`), 'agenda_not_locked');
        await expectRefused(() => h.tap(p.members.property, p.chats.物业, 'p:1:1:1'), 'meeting_closed');
        await expectRefused(() => h.tap(p.members.property, p.chats.物业, 'm:1:0'), 'meeting_closed');
      });
    });

    describe('when the action item is not answered by its deadline', () => {
      it('escalates as any overdue follow-up, and the issue comes back on the next agenda as overdue', async () => {
        const followUp = await db.prisma.followUp.findFirstOrThrow({ where: { issue: { communityId: c.community.id, number: 1 } } });
        h.clock.set(new Date(followUp.deadline.getTime() + hour));
        const fired = await h.engine.fireReminder(`followup.overdue:${followUp.id}`);
        const [committee, property] = await Promise.all([c.chatRow(c.chats.committee), c.chatRow(p.chats.物业)]);
        const params = { number: 1, text: texts[1], party: '物业', deadline: followUp.deadline.toISOString() };
        expect(fired.status === 'fired' && sent(fired.notices)).toEqual([
          ['followup.overdue', property.id, params],
          ['followup.overdue', committee.id, params],
        ]);
        expect(await db.prisma.followUp.findUniqueOrThrow({ where: { id: followUp.id } })).toMatchObject({
          escalatedAt: new Date(followUp.deadline.getTime() + hour),
        });
        expect(await db.prisma.auditEntry.count({ where: { communityId: c.community.id, action: 'followup.overdue' } })).toBe(1);
        const agenda = agendaOf((await done(h.say(c.staff.committee, c.chats.committee, '/agenda'))).notices);
        expect(agenda.items.map((i) => [i.position, i.number, i.source])).toEqual([
          [1, 2, 'carried'],
          [2, 1, 'overdue'],
        ]);
        expect(agenda.items[1]).toMatchObject({ actions: [], outcome: 'open' });
      });
    });
  });

  describe('refusals of the meeting commands', () => {
    let h: Harness;
    /** Meeting #1 closed (#2 decided, #1 deferred); meeting #2 (10 December 19:30) locked: item 1 (#1) decided, item 2 (#3) not. */
    let main: Community;
    let mp: Awaited<ReturnType<typeof withParties>>;
    /** Meeting #1 (10 December 19:30) being prepared: #1 on its agenda, #2 and #3 open but not on it, #4 closed. */
    let prep: Community;
    /** No meeting at all. */
    const empty = { chat: group('新社区居委会群'), chair: { id: `empty-chair-${process.pid}`, name: '新社区书记' } as Person };
    beforeAll(async () => {
      h = createHarness(db);
      main = await buildCommunity(h);
      mp = await withParties(h, main);
      const committee = main.staff.committee;
      const say = (text: string) => done(h.say(committee, main.chats.committee, text));
      await raise(h, main.residents.r1, main.chats.b1, '电梯按钮失灵');
      await raise(h, main.residents.s1, main.chats.b2, '2栋化粪池堵塞');
      await raise(h, main.residents.r2, main.chats.b1, '楼道声控灯不亮');
      await setIssue(main, 1, { level: 'joint_meeting' });
      await setIssue(main, 2, { level: 'joint_meeting' });
      await say('/meeting 2026-12-01 19:30');
      await say('/agenda lock');
      // #2 (1 of 3 households) before #1 (1 of 6).
      await say('/decide 1 街道协调疏通');
      await say('/minutes');
      await setIssue(main, 3, { level: 'joint_meeting' });
      await say('/meeting 2026-12-10 19:30');
      expect(agendaOf((await say('/agenda lock')).notices).items.map((i) => [i.number, i.source])).toEqual([
        [1, 'carried'],
        [3, 'escalated'],
      ]);
      await say('/decide 1 物业本周内更换按钮');

      prep = await buildCommunity(h);
      await raise(h, prep.residents.r1, prep.chats.b1, '电梯按钮失灵');
      await raise(h, prep.residents.r2, prep.chats.b1, '楼道堆放杂物');
      await raise(h, prep.residents.r3, prep.chats.b1, '小区健身器材老化');
      await raise(h, prep.residents.r4, prep.chats.b1, '绿化带缺少修剪');
      await setIssue(prep, 1, { level: 'joint_meeting' });
      await setIssue(prep, 4, { status: 'closed' });
      await done(h.say(prep.staff.committee, prep.chats.committee, '/meeting 2026-12-10 19:30'));
      await done(h.say(prep.staff.committee, prep.chats.committee, '/agenda'));

      const slug = `${main.slug}-empty`;
      await h.engine.operate((tx, now) => createCommunity(tx, { slug, name: '新社区' }, now));
      const { code } = await h.engine.operate((tx, now) => issueLinkCode(tx, slug, { binding: 'committee', days: 7 }, now));
      await done(h.say(empty.chair, empty.chat, `/link ${code}`));
      await done(h.say(empty.chair, h.privateChat(empty.chair), '/start'));
      await h.engine.operate((tx, now) => grantRole(tx, slug, { member: `telegram:${empty.chair.id}`, role: 'committee' }, now));
    });

    type Step = { say: string } | { tap: string } | { action: Action };
    type Case = [label: string, who: () => Person, where: () => ChatRef, step: Step, code: DomainErrorCode];
    const inMain = (text: string): [() => Person, () => ChatRef, Step] => [
      () => main.staff.committee,
      () => main.chats.committee,
      { say: text },
    ];
    const inPrep = (text: string): [() => Person, () => ChatRef, Step] => [
      () => prep.staff.committee,
      () => prep.chats.committee,
      { say: text },
    ];
    const byProperty = (step: Step): [() => Person, () => ChatRef, Step] => [() => mp.members.property, () => mp.chats.物业, step];
    const cases: Case[] = [
      [
        'the committee asks for the agenda with no meeting scheduled',
        () => empty.chair,
        () => empty.chat,
        { say: '/agenda' },
        'no_meeting',
      ],
      ['the committee takes minutes with no meeting scheduled', () => empty.chair, () => empty.chat, { say: '/minutes' }, 'no_meeting'],
      ['a party member taps the notice of a meeting that does not exist', ...byProperty({ tap: 'm:99:0' }), 'meeting_not_found'],
      ['a party member taps a position on a meeting that does not exist', ...byProperty({ tap: 'p:99:1:0' }), 'meeting_not_found'],
      ['a party member answers the notice of a closed meeting', ...byProperty({ tap: 'm:1:2' }), 'meeting_closed'],
      ['a party member takes a position on a closed meeting', ...byProperty({ tap: 'p:1:1:1' }), 'meeting_closed'],
      ['the committee types a date that does not exist', ...inMain('/meeting 2026-02-30 19:30'), 'meeting_time_invalid'],
      ['the committee types a past date', ...inMain('/meeting 2026-11-29 19:30'), 'meeting_in_past'],
      ['the committee schedules a second meeting at the same time', ...inMain('/meeting 2026-12-10 19:30'), 'meeting_exists'],
      ['the committee sets a monthly meeting on the 31st', ...inMain('/meeting monthly 31 19:30'), 'monthly_day_invalid'],
      ['a resident lists the meetings', () => main.residents.r1, () => main.chats.b1, { say: '/meetings' }, 'meeting_role_required'],
      ['a building head lists the meetings', () => main.staff.head1, () => main.chats.b1, { say: '/meetings' }, 'meeting_role_required'],
      ['the committee edits a locked agenda', ...inMain('/agenda drop 3'), 'agenda_locked'],
      ['a party proposes to a locked agenda', ...byProperty({ say: '/propose 1 再议' }), 'agenda_locked'],
      ['the committee decides before the agenda is locked', ...inPrep('/decide 1 同意'), 'agenda_not_locked'],
      ['the committee takes minutes before the agenda is locked', ...inPrep('/minutes'), 'agenda_not_locked'],
      ['the committee decides an item the agenda does not have', ...inMain('/decide 9 同意'), 'agenda_item_not_found'],
      ['the committee defers an item the agenda does not have', ...inMain('/defer 9'), 'agenda_item_not_found'],
      ['the committee drops an issue not on the agenda', ...inPrep('/agenda drop 3'), 'not_on_agenda'],
      ['the committee moves an issue not on the agenda', ...inPrep('/agenda move 2 1'), 'not_on_agenda'],
      [
        'a party proposes an issue already on the agenda',
        () => prep.staff.propertyStaff,
        () => prep.chats.property,
        { say: '/propose 1' },
        'already_on_agenda',
      ],
      ['the committee moves an item past the end', ...inPrep('/agenda move 1 9'), 'position_invalid'],
      ['a party takes a position on an undecided item', ...byProperty({ say: '/position 2 agree' }), 'item_not_decided'],
      ['the committee sets an action on an undecided item', ...inMain('/action 2 物业 7 清理'), 'item_not_decided'],
      ['a resident answers the notice', () => main.residents.r1, () => main.chats.b1, { say: '/rsvp attend' }, 'not_party_member'],
      // The committee speaks for a party by naming it: it is shown the command's forms.
      ['the committee takes a position without naming a party', ...inMain('/position 1 agree'), 'usage'],
      [
        "a department's responder answers the notice",
        () => main.staff.cityStaff,
        () => h.privateChat(main.staff.cityStaff),
        { say: '/rsvp attend' },
        'party_not_at_meeting',
      ],
      ['the committee records a position for a department', ...inMain('/position 1 街道城管科 agree'), 'party_not_at_meeting'],
      [
        'a member of two sitting parties answers in a private chat',
        () => mp.members.dual,
        () => h.privateChat(mp.members.dual),
        { say: '/rsvp attend' },
        'party_ambiguous',
      ],
      [
        'a delegate comes without a name (only an adapter could send this: /rsvp delegate needs one)',
        () => mp.members.owners,
        () => mp.chats.业委会,
        { action: { type: 'meeting.rsvp', answer: 'delegate', delegate: '  ' } },
        'delegate_missing',
      ],
      [
        'a resident schedules a meeting',
        () => main.residents.r1,
        () => main.chats.b1,
        { say: '/meeting 2026-12-20 19:30' },
        'committee_only',
      ],
      ['a party member asks for the agenda', ...byProperty({ say: '/agenda' }), 'committee_only'],
      ['a party member records a decision', ...byProperty({ say: '/decide 1 同意' }), 'committee_only'],
      ['a party member records a position for another party', ...byProperty({ say: '/position 1 业委会 agree' }), 'committee_only'],
      [
        'a representative takes the minutes',
        () => main.staff.representative,
        () => main.chats.committee,
        { say: '/minutes' },
        'committee_only',
      ],
      ['the committee sets an action for an unknown party', ...inMain('/action 1 电力公司 7 抢修'), 'responder_not_found'],
      ['the committee records a position for an unknown party', ...inMain('/position 1 电力公司 agree'), 'responder_not_found'],
      ['the committee sets an action with an absurd deadline', ...inMain('/action 1 物业 9999 清理'), 'days_invalid'],
      ['the committee adds a closed issue', ...inPrep('/agenda add 4'), 'issue_not_open'],
      [
        'a party proposes a closed issue',
        () => prep.staff.propertyStaff,
        () => prep.chats.property,
        { say: '/propose 4' },
        'issue_not_open',
      ],
      ['the committee adds an issue that does not exist', ...inPrep('/agenda add 99'), 'issue_not_found'],
      ['the committee records a decision over 2,000 characters', ...inMain(`/decide 1 ${'议'.repeat(2001)}`), 'text_too_long'],
      ['a party member answers something that is not an answer', ...byProperty({ say: '/rsvp maybe' }), 'usage'],
      ['the committee types /meeting without a time', ...inMain('/meeting 2026-12-20'), 'usage'],
      ['the committee types an action without days', ...inMain('/action 1 物业 soon 清理'), 'usage'],
      ['the committee types an agenda step that does not exist', ...inMain('/agenda shuffle'), 'usage'],
      ['the committee defers two items at once', ...inMain('/defer 1 2'), 'usage'],
    ];

    describe.each(cases)('when %s', (_label, who, where, step, code) => {
      it(`refuses with ${code} and writes nothing`, async () => {
        await expectRefused(
          () =>
            'say' in step
              ? h.say(who(), where(), step.say)
              : 'tap' in step
                ? h.tap(who(), where(), step.tap)
                : h.deliver(who(), where(), step.action),
          code,
        );
      });
    });

    it('covers every meeting error code the engine can produce', () => {
      const meetingCodes: DomainErrorCode[] = [
        'no_meeting',
        'meeting_not_found',
        'meeting_closed',
        'meeting_time_invalid',
        'meeting_in_past',
        'meeting_exists',
        'monthly_day_invalid',
        'meeting_role_required',
        'agenda_locked',
        'agenda_not_locked',
        'agenda_item_not_found',
        'not_on_agenda',
        'already_on_agenda',
        'position_invalid',
        'item_not_decided',
        'not_party_member',
        'party_not_at_meeting',
        'party_ambiguous',
        'delegate_missing',
      ];
      expect(meetingCodes.filter((code) => !cases.some((entry) => entry[4] === code))).toEqual([]);
    });
  });
});
