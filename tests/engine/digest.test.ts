import { test } from '@fast-check/vitest';
import fc from 'fast-check';
import { DateTime } from 'luxon';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Community } from '../../src/db/generated/client.js';
import { type EffectContext, writeNotices } from '../../src/engine/context.js';
import { composeDailyDigest, digestNotice, sendDailyDigest } from '../../src/engine/modules/digests/daily-digest.js';
import { nextDigestAt, nextWeeklyAt, weeklyRollupSchedule } from '../../src/engine/modules/digests/digest-time.js';
import { composeWeeklyRollup, sendWeeklyRollup } from '../../src/engine/modules/digests/weekly-rollup.js';
import type { DailyDigest, NoticeBody } from '../../src/engine/notices.js';
import { createI18n, type Locale } from '../../src/i18n/index.js';
import { documentToText, renderNotice } from '../../src/render/index.js';
import { describeEachDatabase, openTestDatabase, type TestDatabase } from '../helpers/database.js';
import { buildCommunity, createHarness, group, type Harness, uniqueChatId } from '../helpers/engine.js';

const hour = 3_600_000;
const day = 24 * hour;
const i18n = createI18n();
const render = (locale: Locale, notice: NoticeBody) =>
  documentToText(renderNotice(i18n.getFixedT(locale), notice, { timeZone: 'Asia/Shanghai' }));

describe('nextDigestAt', () => {
  const shanghai = (digestTime: string) => ({ timezone: 'Asia/Shanghai', digestTime });
  const berlin = (digestTime: string) => ({ timezone: 'Europe/Berlin', digestTime });
  const newYork = (digestTime: string) => ({ timezone: 'America/New_York', digestTime });

  describe.each([
    // Asia/Shanghai has no daylight saving: always UTC+8.
    ['Shanghai, later the same day', shanghai('08:00'), '2026-11-29T23:59:59.000Z', '2026-11-30T00:00:00.000Z', '2026-11-30'],
    [
      'Shanghai, strictly after: at 08:00 the next is tomorrow',
      shanghai('08:00'),
      '2026-11-30T00:00:00.000Z',
      '2026-12-01T00:00:00.000Z',
      '2026-12-01',
    ],
    ['Shanghai, a local date ahead of UTC', shanghai('00:15'), '2026-11-30T16:00:00.000Z', '2026-11-30T16:15:00.000Z', '2026-12-01'],
    ['Shanghai, late evening', shanghai('23:30'), '2026-11-30T15:00:00.000Z', '2026-11-30T15:30:00.000Z', '2026-11-30'],
    // Berlin springs forward on 29 March 2026 at 02:00 CET (01:00 UTC) to 03:00 CEST.
    ['Berlin, the day before spring-forward (CET)', berlin('08:00'), '2026-03-27T12:00:00.000Z', '2026-03-28T07:00:00.000Z', '2026-03-28'],
    ['Berlin, spring-forward day (CEST)', berlin('08:00'), '2026-03-28T12:00:00.000Z', '2026-03-29T06:00:00.000Z', '2026-03-29'],
    [
      'Berlin, 02:30 does not exist: first instant after the gap',
      berlin('02:30'),
      '2026-03-28T12:00:00.000Z',
      '2026-03-29T01:00:00.000Z',
      '2026-03-29',
    ],
    ['Berlin, 02:00 does not exist either', berlin('02:00'), '2026-03-28T12:00:00.000Z', '2026-03-29T01:00:00.000Z', '2026-03-29'],
    ['Berlin, 03:00 is the first valid time', berlin('03:00'), '2026-03-28T12:00:00.000Z', '2026-03-29T01:00:00.000Z', '2026-03-29'],
    // Berlin falls back on 25 October 2026 at 03:00 CEST (01:00 UTC) to 02:00 CET: 02:00-02:59 come twice.
    ['Berlin, fall-back day: the first 02:30', berlin('02:30'), '2026-10-24T12:00:00.000Z', '2026-10-25T00:30:00.000Z', '2026-10-25'],
    [
      'Berlin, fall-back day: never the second 02:30',
      berlin('02:30'),
      '2026-10-25T00:30:00.000Z',
      '2026-10-26T01:30:00.000Z',
      '2026-10-26',
    ],
    ['Berlin, fall-back day (CET)', berlin('08:00'), '2026-10-24T12:00:00.000Z', '2026-10-25T07:00:00.000Z', '2026-10-25'],
    // New York springs forward on 8 March 2026 (02:00 EST -> 03:00 EDT) and falls back on 1 November (02:00 EDT -> 01:00 EST).
    ['New York, spring-forward gap', newYork('02:30'), '2026-03-08T00:00:00.000Z', '2026-03-08T07:00:00.000Z', '2026-03-08'],
    ['New York, fall-back: the first 01:30 (EDT)', newYork('01:30'), '2026-11-01T04:00:00.000Z', '2026-11-01T05:30:00.000Z', '2026-11-01'],
    [
      'New York, fall-back: after the first, the next day',
      newYork('01:30'),
      '2026-11-01T05:30:00.000Z',
      '2026-11-02T06:30:00.000Z',
      '2026-11-02',
    ],
  ])('%s', (_name, community, after, dueAt, period) => {
    it(`gives ${dueAt} for ${period}`, () => {
      const next = nextDigestAt(community, new Date(after));
      expect(next.dueAt.toISOString()).toBe(dueAt);
      expect(next.period).toBe(period);
    });
  });

  test.prop(
    [
      fc.constantFrom('Asia/Shanghai', 'Europe/Berlin', 'America/New_York', 'Australia/Lord_Howe', 'America/Santiago'),
      fc.integer({ min: 0, max: 23 }),
      fc.constantFrom(0, 15, 30, 59),
      fc.integer({ min: Date.UTC(2025, 0, 1), max: Date.UTC(2028, 11, 31) }),
    ],
    { numRuns: 400 },
  )('is strictly after, within about a day, on its period, at the time unless the time does not exist', (zone, h, m, at) => {
    const digestTime = `${String(h).padStart(2, '0')}:${String(m).padStart(2, '0')}`;
    const after = new Date(at);
    const { dueAt, period } = nextDigestAt({ timezone: zone, digestTime }, after);
    expect(dueAt.getTime()).toBeGreaterThan(after.getTime());
    expect(dueAt.getTime() - after.getTime()).toBeLessThanOrEqual(day + 2 * hour);
    const local = DateTime.fromJSDate(dueAt, { zone });
    expect(local.toISODate()).toBe(period);
    const wall = DateTime.fromISO(`${period}T${digestTime}`, { zone: 'utc' }).toMillis();
    const shown = DateTime.fromISO(local.toFormat("yyyy-MM-dd'T'HH:mm"), { zone: 'utc' }).toMillis();
    if (shown !== wall) {
      // Only in a spring-forward gap: the clock just jumped past the time, so a minute earlier it showed less.
      expect(shown).toBeGreaterThan(wall);
      const before = DateTime.fromJSDate(new Date(dueAt.getTime() - 60_000), { zone });
      expect(before.offset).toBeLessThan(local.offset);
    }
    // Nothing earlier would do: no instant strictly after `after` and before dueAt shows the time on a later date.
    const previousDay = nextDigestAt({ timezone: zone, digestTime }, new Date(after.getTime() - 1));
    expect(previousDay.dueAt.getTime()).toBeLessThanOrEqual(dueAt.getTime());
  });

  it('refuses a time that is not HH:MM and a zone that does not exist', () => {
    expect(() => nextDigestAt({ timezone: 'Asia/Shanghai', digestTime: '8:00' }, new Date())).toThrow(/HH:MM/);
    expect(() => nextDigestAt({ timezone: 'Asia/Shanghai', digestTime: '24:00' }, new Date())).toThrow(/HH:MM/);
    expect(() => nextDigestAt({ timezone: 'Mars/Olympus', digestTime: '08:00' }, new Date())).toThrow(/time zone/);
  });
});

describe('nextWeeklyAt', () => {
  it.each([
    ['a Sunday', '2026-11-29T12:00:00.000Z', '2026-11-30T00:00:00.000Z', '2026-W48'],
    ['the Monday, before 08:00 China time', '2026-11-29T23:00:00.000Z', '2026-11-30T00:00:00.000Z', '2026-W48'],
    ['the Monday at 08:00 (strictly after)', '2026-11-30T00:00:00.000Z', '2026-12-07T00:00:00.000Z', '2026-W49'],
    ['New Year: 2026 has 53 ISO weeks', '2027-01-01T00:00:00.000Z', '2027-01-04T00:00:00.000Z', '2026-W53'],
  ])('after %s gives the next Monday 08:00 in Asia/Shanghai and the week that ended', (_name, after, dueAt, period) => {
    const next = nextWeeklyAt(weeklyRollupSchedule, new Date(after));
    expect(next.dueAt.toISOString()).toBe(dueAt);
    expect(next.period).toBe(period);
  });

  it('follows another schedule across daylight saving', () => {
    // Monday 30 March 2026 in Berlin is the first Monday in CEST.
    expect(nextWeeklyAt({ timezone: 'Europe/Berlin', digestTime: '09:00' }, new Date('2026-03-27T00:00:00Z'))).toEqual({
      dueAt: new Date('2026-03-30T07:00:00Z'),
      period: '2026-W13',
    });
  });
});

// 30 November 2026, 10:00 in Shanghai: the harness's start. The digest is made on 4 December at 08:00 (00:00 UTC).
const T0 = new Date('2026-11-30T02:00:00Z');
const digestAt = new Date('2026-12-04T00:00:00Z');

describeEachDatabase('daily digest', (kind) => {
  let db: TestDatabase;
  let h: Harness;
  let c: Awaited<ReturnType<typeof buildCommunity>>;
  let quiet: Awaited<ReturnType<typeof buildCommunity>>;
  let community: Community;
  let quietCommunity: Community;

  const effect = <T>(work: (ctx: EffectContext) => Promise<T>) =>
    h.engine.operate(async (tx, now) => {
      const ctx: EffectContext = { tx, now, settings: h.engine.settings, community: null, notices: [] };
      const result = await work(ctx);
      await writeNotices(tx, ctx.notices);
      return { result, notices: ctx.notices };
    });

  beforeAll(async () => {
    db = await openTestDatabase(kind);
    h = createHarness(db);
    c = await buildCommunity(h);
    quiet = await buildCommunity(h);
    await db.prisma.community.update({ where: { id: quiet.community.id }, data: { name: '平安社区' } });
    const { r1, r1b, r2, r3, r4, r5, r6, s1 } = c.residents;
    const { committee, head1, propertyStaff } = c.staff;
    const done = async (result: Promise<{ status: string; error?: string }>) => {
      const outcome = await result;
      if (outcome.status !== 'done') throw new Error(`setup step failed: ${JSON.stringify(outcome)}`);
    };

    // 30 November: three issues; #2 goes to the city department for 2 days, #3 to the property manager for 5.
    await done(h.say(r1, c.chats.b1, '/issue 电梯坏了'));
    await done(h.say(r2, c.chats.b1, '/issue 楼道堆放杂物'));
    await done(h.say(r3, c.chats.community, '/issue 路灯不亮'));
    await done(h.say(r4, c.chats.b1, '/support 1'));
    await done(h.say(committee, c.chats.committee, '/assign 2 街道城管科 2'));
    await done(h.say(committee, c.chats.committee, '/assign 3 物业 5'));
    // 1 December: the property manager answers in time and resolves #3; its raiser is satisfied.
    h.clock.set(new Date(T0.getTime() + day));
    await done(h.say(propertyStaff, c.chats.property, '/respond 3 已更换灯泡'));
    await done(h.say(propertyStaff, c.chats.property, '/resolve 3'));
    await done(h.say(r3, c.chats.community, '/rate 3 5'));
    // 3 December, 20:00 in Shanghai: within the digest's 24 hours.
    h.clock.set(new Date('2026-12-03T12:00:00Z'));
    await done(h.say(r5, c.chats.b1, '/issue 垃圾桶满了'));
    await done(h.say(r2, c.chats.b1, '/support 4'));
    await done(h.say(r1b, c.chats.b1, '/support 1')); // same household as r1: not a new household
    await done(h.say(r5, c.chats.b1, '/support 1'));
    await done(h.say(r6, c.chats.b1, '/support 1'));
    await done(h.say(head1, c.chats.b1, '/escalate 1 楼里很多人反映'));
    await done(h.say(head1, c.chats.b1, '/poll 楼道要不要粉刷？ | 要 | 不要 --hours 24'));
    await done(h.say(committee, c.chats.community, '/ownersvote major 使用维修资金更换电梯 --hours 36'));
    await done(h.say(head1, c.chats.b1, '/poll 周末活动去哪里？ | 公园 | 博物馆'));
    await done(h.tap(r1, c.chats.b1, 'v:1:0'));
    await done(h.tap(r2, c.chats.b1, 'v:1:1'));
    await done(h.tap(r1, c.chats.community, 'v:2:0'));
    await done(h.tap(s1, c.chats.community, 'v:2:1'));
    await db.prisma.meeting.createMany({
      data: [
        { communityId: c.community.id, number: 1, startsAt: new Date(digestAt.getTime() + 2 * day), place: '社区会议室' },
        { communityId: c.community.id, number: 2, startsAt: new Date(digestAt.getTime() + 8 * day) },
        { communityId: c.community.id, number: 3, startsAt: new Date(digestAt.getTime() + day), status: 'closed' },
        { communityId: quiet.community.id, number: 1, startsAt: new Date(digestAt.getTime() + 9 * day) },
      ],
    });
    h.clock.set(digestAt);
    community = await db.prisma.community.findUniqueOrThrow({ where: { id: c.community.id } });
    quietCommunity = await db.prisma.community.findUniqueOrThrow({ where: { id: quiet.community.id } });
  }, 120_000);
  afterAll(() => db?.close());

  const expected: DailyDigest = {
    community: '幸福社区',
    period: '2026-12-04',
    newIssues: [{ number: 4, text: '垃圾桶满了' }],
    supportGains: [
      { number: 1, text: '电梯坏了', households: 4, added: 2 },
      { number: 4, text: '垃圾桶满了', households: 2, added: 1 },
    ],
    escalations: [{ number: 1, from: 'building', to: 'resident_group', cause: 'manual' }],
    pollsClosing: [
      { kind: 'ordinary', number: 1, question: '楼道要不要粉刷？', closesAt: '2026-12-04T12:00:00.000Z', voters: 2, eligible: 7 },
      {
        kind: 'owners_vote',
        number: 2,
        question: '使用维修资金更换电梯',
        closesAt: '2026-12-05T00:00:00.000Z',
        households: { participating: 2, total: 9, needed: 6 },
        area: { participating: '208.50', total: '891.00', needed: '594.00' },
        quorumMet: false,
      },
    ],
    overdueFollowUps: [{ number: 2, party: '街道城管科', deadline: '2026-12-02T02:00:00.000Z', daysOverdue: 2 }],
    meetings: [
      {
        meeting: 1,
        startsAt: '2026-12-06T00:00:00.000Z',
        place: '社区会议室',
        status: 'scheduled',
        items: 0,
        attending: 0,
        answered: 0,
        // 物业 sits at the joint meeting; 街道城管科, a department, does not.
        parties: 1,
        quorum: 3,
      },
    ],
    rates: {
      // #3 answered in time; #2 overdue and unanswered.
      response: { numerator: 1, denominator: 2 },
      // #3 resolved of #1-#4.
      resolution: { numerator: 1, denominator: 4 },
      satisfaction: { numerator: 1, denominator: 1 },
    },
  };

  describe('composeDailyDigest', () => {
    it('gives the last 24 hours, what is due soon and the 30-day rates, exactly', async () => {
      const digest = await h.engine.operate((tx, now) => composeDailyDigest(tx, community, now));
      expect(digest).toEqual(expected);
    });

    it('leaves out what is past', async () => {
      // 13 hours later: the day's events are over 24 hours old and the ordinary poll has closed by time.
      const digest = await h.engine.operate((tx) => composeDailyDigest(tx, community, new Date(digestAt.getTime() + 13 * hour)));
      expect(digest.newIssues).toEqual([]);
      expect(digest.supportGains).toEqual([]);
      expect(digest.escalations).toEqual([]);
      expect(digest.pollsClosing.map((p) => p.number)).toEqual([2, 3]);
      expect(digest.overdueFollowUps).toEqual([{ number: 2, party: '街道城管科', deadline: '2026-12-02T02:00:00.000Z', daysOverdue: 3 }]);
      expect(digest.meetings.map((m) => m.meeting)).toEqual([1]);
    });

    it('renders in Chinese with the numbers, counts and exact rates', () => {
      const text = render('zh-CN', digestNotice(expected));
      expect(text.split('\n')[0]).toBe('每日简报 · 幸福社区 · 2026-12-04');
      for (const phrase of [
        '新议题（1）：',
        '#4 垃圾桶满了',
        '#1 电梯坏了：现有 4 户附议，24 小时内新增 2 户',
        '#4 垃圾桶满了：现有 2 户附议，24 小时内新增 1 户',
        '#1：楼栋 → 居民小组（人工上报）',
        '#1 楼道要不要粉刷？：7 人中已投 2 人（28.6%）',
        '#2 业主表决“使用维修资金更换电梯”：已参与 2/9 户（三分之二为 6 户），面积 208.50/891.00 平方米（三分之二为 594.00 平方米），法定参与比例未达到',
        '#2 街道城管科：期限',
        '已逾期 2 天',
        '社区会议室；1 方中 0 方已回复、0 方出席，法定 3 方',
        '三率（近 30 天）：响应率 1/2（50.0%） · 解决率 1/4（25.0%） · 满意率 1/1（100.0%）',
      ])
        expect(text).toContain(phrase);
      expect(text).not.toMatch(/notices:|labels:|\{\{/);
    });

    it('renders in English with the numbers, counts and exact rates', () => {
      const text = render('en', digestNotice(expected));
      expect(text.split('\n')[0]).toBe('Daily digest · 幸福社区 · 2026-12-04');
      for (const phrase of [
        'New issues (1):',
        '#1 电梯坏了: backed by 4 households (2 new in the last 24 hours)',
        '#1: building → resident group (moved up by hand)',
        '#1 楼道要不要粉刷？: 2 of 7 voted (28.6%)',
        "#2 owners' vote, 使用维修资金更换电梯: 2 of 9 households (2/3 is 6), 208.50 of 891.00 m² (2/3 is 594.00 m²); quorum not reached",
        '#2 街道城管科: due',
        '2 days overdue',
        'Meeting #1:',
        '社区会议室; 0 of 1 party answered, 0 attending, quorum 3',
        'The three rates (last 30 days): response 1/2 (50.0%) · resolution 1/4 (25.0%) · satisfaction 1/1 (100.0%)',
      ])
        expect(text).toContain(phrase);
    });

    it('gives a quiet day as one line', async () => {
      const digest = await h.engine.operate((tx, now) => composeDailyDigest(tx, quietCommunity, now));
      expect(digest).toMatchObject({ community: '平安社区', newIssues: [], pollsClosing: [], meetings: [], overdueFollowUps: [] });
      const notice = digestNotice(digest);
      expect(notice).toEqual({ type: 'digest.daily_empty', params: { community: '平安社区', period: '2026-12-04' } });
      for (const locale of ['zh-CN', 'en'] as const) expect(render(locale, notice).split('\n')).toHaveLength(1);
      expect(render('zh-CN', notice)).toBe('每日简报 · 平安社区 · 2026-12-04：过去 24 小时没有新情况，近期也没有待办事项。');
    });
  });

  describe('sendDailyDigest', () => {
    it('posts to each live committee chat once per period, in the chat’s language', async () => {
      const committeeChat = await c.chatRow(c.chats.committee);
      const english = await db.prisma.chat.create({
        data: {
          platform: 'telegram',
          platformChatId: uniqueChatId(),
          kind: 'group',
          binding: 'committee',
          communityId: c.community.id,
          locale: 'en',
        },
      });
      await db.prisma.chat.create({
        data: {
          platform: 'telegram',
          platformChatId: uniqueChatId(),
          kind: 'group',
          binding: 'committee',
          communityId: c.community.id,
          leftAt: T0,
        },
      });
      const first = await effect((ctx) => sendDailyDigest(ctx, community, '2026-12-04'));
      expect(first.result).toBe(2);
      expect(first.notices.map((n) => [n.chatId, n.locale, n.type])).toEqual([
        [committeeChat.id, 'zh-CN', 'digest.daily'],
        [english.id, 'en', 'digest.daily'],
      ]);
      expect(first.notices[0]!.params).toEqual(expected);
      const outbox = await db.prisma.outboxNotice.findMany({ where: { type: 'digest.daily' }, orderBy: { id: 'asc' } });
      expect(outbox.map((n) => [n.chatId, n.locale])).toEqual([
        [committeeChat.id, 'zh-CN'],
        [english.id, 'en'],
      ]);

      const second = await effect((ctx) => sendDailyDigest(ctx, community, '2026-12-04'));
      expect(second).toEqual({ result: 0, notices: [] });
      expect(await db.prisma.outboxNotice.count({ where: { type: 'digest.daily' } })).toBe(2);
      expect(await db.prisma.sentDigest.count({ where: { kind: 'daily', period: '2026-12-04' } })).toBe(2);

      const nextDay = await effect((ctx) => sendDailyDigest(ctx, community, '2026-12-05'));
      expect(nextDay.result).toBe(2);

      // A scheduler catching up two days in one transaction posts both.
      const catchUp = await effect(async (ctx) => [
        await sendDailyDigest(ctx, community, '2026-12-06'),
        await sendDailyDigest(ctx, community, '2026-12-07'),
      ]);
      expect(catchUp.result).toEqual([2, 2]);
      expect(catchUp.notices.map((n) => [n.chatId, (n.params as DailyDigest).period])).toEqual([
        [committeeChat.id, '2026-12-06'],
        [english.id, '2026-12-06'],
        [committeeChat.id, '2026-12-07'],
        [english.id, '2026-12-07'],
      ]);
    });

    it('posts the quiet day as its one-line notice, and nothing where there is no committee chat', async () => {
      const sent = await effect((ctx) => sendDailyDigest(ctx, quietCommunity, '2026-12-04'));
      expect(sent.result).toBe(1);
      expect(sent.notices.map((n) => [n.type, n.params])).toEqual([
        ['digest.daily_empty', { community: '平安社区', period: '2026-12-04' }],
      ]);
      await db.prisma.chat.updateMany({ where: { communityId: quiet.community.id, binding: 'committee' }, data: { leftAt: digestAt } });
      const none = await effect((ctx) => sendDailyDigest(ctx, quietCommunity, '2026-12-05'));
      expect(none).toEqual({ result: 0, notices: [] });
      await db.prisma.chat.updateMany({ where: { communityId: quiet.community.id, binding: 'committee' }, data: { leftAt: null } });
    });
  });

  describe('/digest', () => {
    it('answers the committee in its chat at once, without marking the digest sent', async () => {
      const sentBefore = await db.prisma.sentDigest.count();
      const result = await h.say(c.staff.committee, c.chats.committee, '/digest');
      expect(result.status).toBe('done');
      const committeeChat = await c.chatRow(c.chats.committee);
      expect(result.notices).toHaveLength(1);
      expect(result.notices[0]).toMatchObject({ type: 'digest.daily', chatId: committeeChat.id, locale: 'zh-CN', params: expected });
      expect(result.notices[0]!.replyToMessageId).toBeDefined();
      expect(await db.prisma.sentDigest.count()).toBe(sentBefore);
    });

    it('gives the quiet community its one line', async () => {
      const result = await h.say(quiet.staff.committee, quiet.chats.committee, '/digest@yishi_bot');
      expect(result.status).toBe('done');
      expect(result.notices.map((n) => n.type)).toEqual(['digest.daily_empty']);
    });

    it.each([
      ['a resident in the committee chat', 'committee_only', (x: typeof c) => [x.residents.r1, x.chats.committee] as const],
      ['a building head in the committee chat', 'committee_only', (x: typeof c) => [x.staff.head1, x.chats.committee] as const],
      ['the committee in a building group', 'committee_chat_only', (x: typeof c) => [x.staff.committee, x.chats.b1] as const],
      ['the committee in the community group', 'committee_chat_only', (x: typeof c) => [x.staff.committee, x.chats.community] as const],
      [
        'the committee in a private chat',
        'committee_chat_only',
        (x: typeof c) => [x.staff.committee, h.privateChat(x.staff.committee)] as const,
      ],
      [
        'the committee of another community in this committee chat',
        'committee_only',
        (x: typeof c) => [quiet.staff.committee, x.chats.committee] as const,
      ],
    ])('refuses %s (%s) and writes nothing', async (_name, code, who) => {
      const [person, chat] = who(c);
      const before = {
        sent: await db.prisma.sentDigest.count(),
        outbox: await db.prisma.outboxNotice.count({ where: { type: 'digest.daily' } }),
      };
      const result = await h.say(person, chat, '/digest');
      expect(result).toMatchObject({ status: 'refused', error: code });
      expect(result.notices.map((n) => n.type)).toEqual(['command.refused']);
      expect({
        sent: await db.prisma.sentDigest.count(),
        outbox: await db.prisma.outboxNotice.count({ where: { type: 'digest.daily' } }),
      }).toEqual(before);
    });

    it('refuses in a group not linked to a community', async () => {
      const result = await h.say(c.staff.committee, group('随便一个群'), '/digest');
      expect(result).toMatchObject({ status: 'refused', error: 'chat_not_linked' });
    });

    it('answers a repeated delivery once', async () => {
      const first = await h.say(c.staff.committee, c.chats.committee, '/digest', `digest-${kind}-once`);
      const again = await h.say(c.staff.committee, c.chats.committee, '/digest', `digest-${kind}-once`);
      expect([first.status, again.status]).toEqual(['done', 'duplicate']);
    });

    it('is listed in the committee’s /help and not in a resident’s', async () => {
      const committeeHelp = await h.say(c.staff.committee, c.chats.committee, '/help');
      const residentHelp = await h.say(c.residents.r1, c.chats.b1, '/help');
      const commands = (result: typeof committeeHelp) => (result.notices[0]!.params as { commands: string[] }).commands;
      expect(commands(committeeHelp)).toContain('digest');
      expect(commands(residentHelp)).not.toContain('digest');
    });
  });

  describe('sendWeeklyRollup', () => {
    it('posts each community’s week and rates to the subdistrict’s chats once per period', async () => {
      const subdistrict = await db.prisma.subdistrict.create({ data: { name: `幸福街道-${kind}` } });
      await db.prisma.community.updateMany({
        where: { id: { in: [c.community.id, quiet.community.id] } },
        data: { subdistrictId: subdistrict.id },
      });
      const chat = (data: { subdistrictId?: number; communityId?: number; locale?: string; leftAt?: Date }) =>
        db.prisma.chat.create({
          data: { platform: 'telegram', platformChatId: uniqueChatId(), kind: 'group', binding: 'subdistrict', ...data },
        });
      const own = await chat({ subdistrictId: subdistrict.id });
      const byCommunity = await chat({ communityId: quiet.community.id, locale: 'en' });
      await chat({ subdistrictId: subdistrict.id, leftAt: T0 });
      const other = await db.prisma.subdistrict.create({ data: { name: `别的街道-${kind}` } });
      await chat({ subdistrictId: other.id });

      const rates = {
        response: { numerator: 1, denominator: 2 },
        resolution: { numerator: 1, denominator: 4 },
        satisfaction: { numerator: 1, denominator: 1 },
      };
      const none = { numerator: 0, denominator: 0 };
      const rollup = {
        subdistrict: `幸福街道-${kind}`,
        period: '2026-W48',
        communities: [
          { name: '幸福社区', newIssues: 4, escalations: 1, resolved: 1, overdueFollowUps: 1, rates },
          {
            name: '平安社区',
            newIssues: 0,
            escalations: 0,
            resolved: 0,
            overdueFollowUps: 0,
            rates: { response: none, resolution: none, satisfaction: none },
          },
        ],
      };
      expect(await h.engine.operate((tx, now) => composeWeeklyRollup(tx, subdistrict.id, now, '2026-W48'))).toEqual(rollup);

      const first = await effect((ctx) => sendWeeklyRollup(ctx, subdistrict.id, '2026-W48'));
      expect(first.result).toBe(2);
      expect(first.notices.map((n) => [n.chatId, n.locale, n.type])).toEqual([
        [own.id, 'zh-CN', 'digest.weekly'],
        [byCommunity.id, 'en', 'digest.weekly'],
      ]);
      expect(first.notices[0]!.params).toEqual(rollup);
      const again = await effect((ctx) => sendWeeklyRollup(ctx, subdistrict.id, '2026-W48'));
      expect(again).toEqual({ result: 0, notices: [] });
      expect(await db.prisma.sentDigest.count({ where: { kind: 'weekly' } })).toBe(2);

      const zh = render('zh-CN', { type: 'digest.weekly', params: rollup });
      expect(zh).toContain(`街道周报 · 幸福街道-${kind} · 2026-W48`);
      expect(zh).toContain(
        '幸福社区：新议题 4 件，上报 1 次，办结 1 件，督办逾期 1 件；响应率 1/2（50.0%） · 解决率 1/4（25.0%） · 满意率 1/1（100.0%）',
      );
      expect(zh).toContain('平安社区：新议题 0 件，上报 0 次，办结 0 件，督办逾期 0 件；响应率 暂无数据');
      const en = render('en', { type: 'digest.weekly', params: rollup });
      expect(en).toContain('幸福社区: new issues 4, moved up 1, resolved 1, follow-ups overdue 1; response 1/2 (50.0%)');
      expect(en).toContain('satisfaction no data yet');
    });
  });

  describe('when an issue is hidden', () => {
    it('counts it nowhere', async () => {
      expect((await h.say(c.staff.committee, c.chats.committee, '/hide 4 与社区无关')).status).toBe('done');
      const digest = await h.engine.operate((tx, now) => composeDailyDigest(tx, community, now));
      expect(digest.newIssues).toEqual([]);
      expect(digest.supportGains.map((i) => i.number)).toEqual([1]);
      expect(digest.rates.resolution).toEqual({ numerator: 1, denominator: 3 });
    });
  });
});
