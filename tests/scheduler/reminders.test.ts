import { pino } from 'pino';
import { beforeAll, describe, expect, it } from 'vitest';
import { reopen } from '../../src/engine/modules/followups/reopen.js';
import { outsideQuietHours } from '../../src/engine/modules/reminders/quiet-hours.js';
import { configureCommunity } from '../../src/engine/modules/setup/configure-community.js';
import { issueLinkCode } from '../../src/engine/modules/setup/issue-codes.js';
import { createInProcessScheduler } from '../../src/scheduler/in-process.js';
import { describeEachDatabase, type TestDatabase } from '../helpers/database.js';
import { type CommunitySetup, group, type Harness, useCommunity } from '../helpers/engine.js';

// The scheduler's reminders through the in-process scheduler with the harness's manual clock: each fires once, at
// its time, and reaches only those who still have something to do.

const hour = 3_600_000;
const day = 24 * hour;

describe('quiet hours (22:00-08:00 Asia/Shanghai)', () => {
  const community = { timezone: 'Asia/Shanghai', quietHoursStart: '22:00', quietHoursEnd: '08:00' };
  const at = (iso: string) => new Date(iso);
  it('lets a daytime reminder go at once', () => {
    expect(outsideQuietHours(at('2026-12-01T04:00:00Z'), community)).toEqual(at('2026-12-01T04:00:00Z'));
  });
  it('holds a late-evening or early-morning reminder until 08:00', () => {
    expect(outsideQuietHours(at('2026-12-01T15:30:00Z'), community)).toEqual(at('2026-12-02T00:00:00Z')); // 23:30 -> 08:00
    expect(outsideQuietHours(at('2026-12-01T23:00:00Z'), community)).toEqual(at('2026-12-02T00:00:00Z')); // 07:00 -> 08:00
    expect(outsideQuietHours(at('2026-12-01T14:00:00Z'), community)).toEqual(at('2026-12-02T00:00:00Z')); // 22:00 -> 08:00
  });
  it('sends it the evening before when the morning would be after the deadline', () => {
    // Due 01:00 for a vote closing at 03:00: 08:00 is too late, so 21:59 the evening before.
    const created = at('2026-12-01T10:00:00Z');
    expect(outsideQuietHours(at('2026-12-01T17:00:00Z'), community, at('2026-12-01T19:00:00Z'), created)).toEqual(
      at('2026-12-01T13:59:00Z'),
    );
  });
  it('drops it when that evening has passed already: no reminder rather than one in the night', () => {
    // Opened at 23:00 for a vote closing at 07:30: the 2-hour reminder (05:30) has no good time left.
    const opened = at('2026-12-01T15:00:00Z');
    expect(outsideQuietHours(at('2026-12-01T21:30:00Z'), community, at('2026-12-01T23:30:00Z'), opened)).toBeNull();
  });
  it('follows the local clock of a zone with daylight saving time', () => {
    const berlin = { timezone: 'Europe/Berlin', quietHoursStart: '22:00', quietHoursEnd: '08:00' };
    // 29 March 2026, clocks go forward at 02:00: 03:00 local is 01:00Z, held until 08:00 CEST (06:00Z).
    expect(outsideQuietHours(at('2026-03-29T01:00:00Z'), berlin)).toEqual(at('2026-03-29T06:00:00Z'));
    // 25 October 2026, clocks go back at 03:00: 06:00 local CET is 05:00Z, held until 08:00 CET (07:00Z).
    expect(outsideQuietHours(at('2026-10-25T05:00:00Z'), berlin)).toEqual(at('2026-10-25T07:00:00Z'));
  });
});

describeEachDatabase('reminders fired by the in-process scheduler', (kind) => {
  const setup = useCommunity(kind);
  let db: TestDatabase;
  let h: Harness;
  let c: CommunitySetup['c'];
  let scheduler: ReturnType<typeof createInProcessScheduler>;
  beforeAll(() => {
    ({ db, h, c } = setup);
    scheduler = createInProcessScheduler({ db: db.prisma, engine: h.engine, logger: pino({ level: 'silent' }), clock: h.clock });
  });

  const outbox = (type: string) => db.prisma.outboxNotice.findMany({ where: { type }, orderBy: { id: 'asc' }, include: { chat: true } });
  const privateChatOf = (person: { id: string }) => `p${person.id}`;

  describe('an owners’ vote', () => {
    let pollId: number;
    let closesAt: Date;

    it('is opened with its closing and two reminders scheduled', async () => {
      await h.say(c.staff.committee, c.chats.community, '/ownersvote ordinary 续聘物业公司');
      const poll = await db.prisma.poll.findFirstOrThrow({ where: { communityId: c.community.id }, orderBy: { id: 'desc' } });
      pollId = poll.id;
      closesAt = poll.closesAt;
      const rows = await db.prisma.scheduledReminder.findMany({ where: { key: { contains: `:${poll.id}` } }, orderBy: { dueAt: 'asc' } });
      expect(rows.map((row) => [row.key, row.dueAt.getTime() - closesAt.getTime()])).toEqual([
        [`poll.remind:${poll.id}:24`, -24 * hour],
        [`poll.remind:${poll.id}:2`, -2 * hour],
        [`poll.close:${poll.id}`, 0],
      ]);
    });

    it('reminds only households that have not voted, a day before, once', async () => {
      const { r1, r2 } = c.residents;
      await h.tap(r1, c.chats.community, `v:${(await db.prisma.poll.findUniqueOrThrow({ where: { id: pollId } })).number}:0`);
      await h.tap(r2, c.chats.community, `v:${(await db.prisma.poll.findUniqueOrThrow({ where: { id: pollId } })).number}:1`);
      h.clock.set(new Date(closesAt.getTime() - 24 * hour - 1));
      await scheduler.runDue();
      expect(await outbox('poll.vote_reminder')).toHaveLength(0);

      h.clock.set(new Date(closesAt.getTime() - 24 * hour));
      await scheduler.runDue();
      await scheduler.runDue();
      const reminded = (await outbox('poll.vote_reminder')).map((notice) => notice.chat.platformChatId).sort();
      const { r3, r4, r5, r6, s1 } = c.residents;
      // r1 and r1b share household 101, which voted; r2 voted; the rest are reminded, each once.
      expect(reminded).toEqual([r3, r4, r5, r6, s1].map(privateChatOf).sort());
      const sample = (await outbox('poll.vote_reminder'))[0]!;
      expect(sample.params).toMatchObject({ hoursLeft: 24, households: [expect.stringMatching(/栋 \d+/)] });
      expect(await db.prisma.scheduledReminder.findUniqueOrThrow({ where: { key: `poll.remind:${pollId}:24` } })).toMatchObject({
        state: 'fired',
        attempts: 1,
      });
    });

    it('reminds again two hours before the close, skipping who voted since', async () => {
      const { r3, r4, r5, r6, s1 } = c.residents;
      const number = (await db.prisma.poll.findUniqueOrThrow({ where: { id: pollId } })).number;
      await h.tap(r3, c.chats.community, `v:${number}:0`);
      h.clock.set(new Date(closesAt.getTime() - 2 * hour));
      await scheduler.runDue();
      const second = (await outbox('poll.vote_reminder')).filter((n) => (n.params as { hoursLeft: number }).hoursLeft === 2);
      expect(second.map((n) => n.chat.platformChatId).sort()).toEqual([r4, r5, r6, s1].map(privateChatOf).sort());
    });

    it('closes exactly once at its deadline', async () => {
      h.clock.set(closesAt);
      await scheduler.runDue();
      await scheduler.runDue();
      h.clock.advance(hour);
      await scheduler.runDue();
      expect(await db.prisma.poll.findUniqueOrThrow({ where: { id: pollId } })).toMatchObject({ status: 'closed' });
      expect(await outbox('poll.closed')).toHaveLength(1);
      expect(await db.prisma.auditEntry.count({ where: { action: 'poll.closed', subjectId: pollId } })).toBe(1);
    });
  });

  describe('a follow-up', () => {
    it('is reminded a day before its deadline, then escalated once when overdue', async () => {
      const { r4 } = c.residents;
      await h.say(r4, c.chats.b1, '/issue 地下车库渗水');
      const issue = await db.prisma.issue.findFirstOrThrow({ where: { communityId: c.community.id }, orderBy: { id: 'desc' } });
      await h.say(c.staff.committee, c.chats.committee, `/assign ${issue.number} 物业 3`);
      const followUp = await db.prisma.followUp.findFirstOrThrow({ where: { issueId: issue.id } });
      const property = await c.chatRow(c.chats.property);
      const committee = await c.chatRow(c.chats.committee);

      h.clock.set(new Date(followUp.deadline.getTime() - day));
      await scheduler.runDue();
      expect((await outbox('followup.due_soon')).map((n) => [n.chatId, (n.params as { number: number }).number])).toEqual([
        [property.id, issue.number],
      ]);

      h.clock.set(followUp.deadline);
      await scheduler.runDue();
      h.clock.advance(day);
      await scheduler.runDue();
      expect((await outbox('followup.overdue')).map((n) => n.chatId).sort()).toEqual([property.id, committee.id].sort());
      expect(await db.prisma.escalation.findMany({ where: { issueId: issue.id, cause: 'overdue' } })).toHaveLength(1);
      expect((await db.prisma.issue.findUniqueOrThrow({ where: { id: issue.id } })).level).toBe('resident_group');
    });

    it('is neither reminded nor escalated once the party has answered', async () => {
      const { r5 } = c.residents;
      await h.say(r5, c.chats.b1, '/issue 小区门口路灯不亮');
      const issue = await db.prisma.issue.findFirstOrThrow({ where: { communityId: c.community.id }, orderBy: { id: 'desc' } });
      await h.say(c.staff.committee, c.chats.committee, `/assign ${issue.number} 物业 2`);
      await h.say(c.staff.propertyStaff, c.chats.property, `/respond ${issue.number} 已安排电工明天更换`);
      const followUp = await db.prisma.followUp.findFirstOrThrow({ where: { issueId: issue.id } });
      const before = (await outbox('followup.due_soon')).length + (await outbox('followup.overdue')).length;
      h.clock.set(new Date(followUp.deadline.getTime() + day));
      await scheduler.runDue();
      expect((await outbox('followup.due_soon')).length + (await outbox('followup.overdue')).length).toBe(before);
      expect(await db.prisma.escalation.count({ where: { issueId: issue.id, cause: 'overdue' } })).toBe(0);
      const keys = [`followup.remind:${followUp.id}`, `followup.overdue:${followUp.id}`];
      expect(await db.prisma.scheduledReminder.count({ where: { key: { in: keys }, state: 'fired' } })).toBe(2);
    });
  });
  describe('the daily digest', () => {
    it('goes to the committee chat once at 08:00 local time, and the next one is scheduled', async () => {
      await h.engine.scheduleRecurring();
      const row = await db.prisma.scheduledReminder.findFirstOrThrow({
        where: { kind: 'digest.daily', state: 'pending', params: { path: ['communityId'], equals: c.community.id } },
      });
      const local = new Intl.DateTimeFormat('en-GB', { timeZone: 'Asia/Shanghai', hour: '2-digit', minute: '2-digit' }).format(row.dueAt);
      expect(local).toBe('08:00');
      const committee = await c.chatRow(c.chats.committee);
      const digests = () => db.prisma.outboxNotice.count({ where: { chatId: committee.id, type: { startsWith: 'digest.daily' } } });
      const before = await digests();
      h.clock.set(row.dueAt);
      await scheduler.runDue();
      await scheduler.runDue();
      expect(await digests()).toBe(before + 1);
      expect(await db.prisma.sentDigest.count({ where: { chatId: committee.id, period: (row.params as { period: string }).period } })).toBe(
        1,
      );
      const next = await db.prisma.scheduledReminder.findFirstOrThrow({
        where: { kind: 'digest.daily', state: 'pending', params: { path: ['communityId'], equals: c.community.id } },
      });
      expect(next.dueAt.getTime() - row.dueAt.getTime()).toBe(day);
    });
  });
  describe('a digest caught up after an outage', () => {
    it('goes out once, dated today, and the next is due tomorrow', async () => {
      await h.engine.scheduleRecurring();
      const row = await db.prisma.scheduledReminder.findFirstOrThrow({
        where: { kind: 'digest.daily', state: 'pending', params: { path: ['communityId'], equals: c.community.id } },
      });
      const committee = await c.chatRow(c.chats.committee);
      h.clock.set(new Date(row.dueAt.getTime() + 3 * day + 2 * hour));
      await scheduler.runDue();
      await scheduler.runDue();
      const today = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai' }).format(h.clock.now());
      expect(
        await db.prisma.sentDigest.findMany({
          where: { chatId: committee.id, period: { in: [today, (row.params as { period: string }).period] } },
        }),
      ).toEqual([expect.objectContaining({ period: today })]);
      const next = await db.prisma.scheduledReminder.findFirstOrThrow({
        where: { kind: 'digest.daily', state: 'pending', params: { path: ['communityId'], equals: c.community.id } },
      });
      expect(next.dueAt.getTime()).toBeGreaterThan(h.clock.now().getTime());
      expect(next.dueAt.getTime() - h.clock.now().getTime()).toBeLessThanOrEqual(day);
    });
  });

  describe('the weekly roll-up', () => {
    it('reaches a subdistrict group linked with a code, once, on Monday morning', async () => {
      await expect(
        h.engine.operate((tx, now) => issueLinkCode(tx, c.slug, { binding: 'subdistrict', days: 7 }, now)),
      ).rejects.toMatchObject({ code: 'community_without_subdistrict' });
      const subdistrict = await db.prisma.subdistrict.create({ data: { name: `幸福街道-${kind}` } });
      await db.prisma.community.update({ where: { id: c.community.id }, data: { subdistrictId: subdistrict.id } });
      const { code } = await h.engine.operate((tx, now) => issueLinkCode(tx, c.slug, { binding: 'subdistrict', days: 7 }, now));
      const streetGroup = group('幸福街道工作群');
      expect((await h.say(c.staff.committee, streetGroup, `/link ${code}`)).status).toBe('done');
      const chat = await c.chatRow(streetGroup);
      expect(chat).toMatchObject({ binding: 'subdistrict', subdistrictId: subdistrict.id });

      await h.engine.scheduleRecurring();
      const row = await db.prisma.scheduledReminder.findFirstOrThrow({
        where: { kind: 'digest.weekly', state: 'pending', params: { path: ['subdistrictId'], equals: subdistrict.id } },
      });
      expect(
        new Intl.DateTimeFormat('en-GB', { timeZone: 'Asia/Shanghai', weekday: 'long', hour: '2-digit', minute: '2-digit' }).format(
          row.dueAt,
        ),
      ).toBe('Monday 08:00');
      h.clock.set(row.dueAt);
      await scheduler.runDue();
      await scheduler.runDue();
      expect(await db.prisma.outboxNotice.count({ where: { chatId: chat.id, type: 'digest.weekly' } })).toBe(1);
    });
  });

  describe('housekeeping', () => {
    it('forgets reminders fired more than 90 days ago, keeps recent and failed ones', async () => {
      const old = new Date(h.clock.now().getTime() - 91 * day);
      const recent = new Date(h.clock.now().getTime() - 10 * day);
      const row = (key: string, state: 'fired' | 'failed', dueAt: Date) => ({
        key,
        kind: 'followup.remind',
        state,
        dueAt,
        params: { followUpId: 0 },
      });
      await db.prisma.scheduledReminder.createMany({
        data: [row('test.old-fired', 'fired', old), row('test.recent-fired', 'fired', recent), row('test.old-failed', 'failed', old)],
      });
      expect(await h.engine.pruneReminders()).toBeGreaterThanOrEqual(1);
      const left = await db.prisma.scheduledReminder.findMany({ where: { key: { startsWith: 'test.' } }, orderBy: { key: 'asc' } });
      expect(left.map((r) => r.key)).toEqual(['test.old-failed', 'test.recent-fired']);
    });
  });

  describe('configured times', () => {
    it('moves the next digest to a new digest time, and checks what it is given', async () => {
      await h.engine.scheduleRecurring();
      await h.engine.operate((tx, now) => configureCommunity(tx, c.slug, { digestTime: '07:30', quietHours: '23:00-07:00' }, now));
      await expect(h.engine.operate((tx, now) => configureCommunity(tx, c.slug, { quietHours: '23:00' }, now))).rejects.toMatchObject({
        code: 'option_invalid',
        params: { option: '--quiet-hours' },
      });
      await expect(h.engine.operate((tx, now) => configureCommunity(tx, c.slug, { digestTime: '25:00' }, now))).rejects.toMatchObject({
        code: 'option_invalid',
        params: { option: '--digest-time' },
      });
      await h.engine.scheduleRecurring();
      const pending = await db.prisma.scheduledReminder.findMany({
        where: { kind: 'digest.daily', state: 'pending', params: { path: ['communityId'], equals: c.community.id } },
      });
      expect(pending).toHaveLength(1);
      const local = new Intl.DateTimeFormat('en-GB', { timeZone: 'Asia/Shanghai', hour: '2-digit', minute: '2-digit' }).format(
        pending[0]!.dueAt,
      );
      expect(local).toBe('07:30');
      expect(await db.prisma.community.findUniqueOrThrow({ where: { id: c.community.id } })).toMatchObject({
        quietHoursStart: '23:00',
        quietHoursEnd: '07:00',
      });
    });
  });
  describe('racing the scheduler', () => {
    it('a /close and the deadline at the same moment close the poll once, neither failing', async () => {
      for (let round = 0; round < 5; round++) {
        await h.say(c.staff.head1, c.chats.b1, `/poll 第${round}轮：周末大扫除？ | 好 | 不好 --hours 1`);
        const poll = await db.prisma.poll.findFirstOrThrow({ where: { communityId: c.community.id }, orderBy: { id: 'desc' } });
        h.clock.set(poll.closesAt);
        const [closed, fired] = await Promise.all([
          h.say(c.staff.head1, c.chats.b1, `/close ${poll.number}`),
          h.engine.fireReminder(`poll.close:${poll.id}`),
        ]);
        expect(closed.status).not.toBe('failed');
        expect(fired.status).not.toBe('failed');
        expect(await db.prisma.auditEntry.count({ where: { action: 'poll.closed', subjectId: poll.id } })).toBe(1);
      }
    });

    it('gives a follow-up sent back for another round its reminders again', async () => {
      await h.say(c.residents.r6, c.chats.b1, '/issue 消防通道被占用');
      const issue = await db.prisma.issue.findFirstOrThrow({ where: { communityId: c.community.id }, orderBy: { id: 'desc' } });
      await h.say(c.staff.committee, c.chats.committee, `/assign ${issue.number} 物业 2`);
      await h.engine.operate((tx, now) => reopen({ tx, now, settings: h.engine.settings, community: null, notices: [] }, issue, 'ratings'));
      const followUps = await db.prisma.followUp.findMany({ where: { issueId: issue.id }, orderBy: { id: 'asc' } });
      expect(followUps).toHaveLength(2);
      const keys = (
        await db.prisma.scheduledReminder.findMany({ where: { key: { endsWith: `:${followUps[1]!.id}`, startsWith: 'followup.' } } })
      )
        .map((row) => row.key)
        .sort();
      expect(keys).toEqual([`followup.overdue:${followUps[1]!.id}`, `followup.remind:${followUps[1]!.id}`]);
    });
  });
});
