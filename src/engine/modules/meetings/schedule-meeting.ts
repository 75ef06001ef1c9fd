import { DomainError } from '../../../core/errors.js';
import type { Community, Meeting } from '../../../db/generated/client.js';
import { announce, audit, type CommandContext, type EffectContext, optionalText, reply, requireCommunity } from '../../context.js';
import { nextNumber } from '../../numbering.js';
import { requireCommittee } from '../membership/permissions.js';
import { scheduleReminders } from '../reminders/schedule.js';
import { attendance, committeeChats, partyChats, sittingParties } from './meeting-queries.js';
import { localInstant, nextMonthly, parseTime } from './meeting-time.js';
import { requireMeetingRole } from './permissions.js';
import { scheduleMeetingReminders } from './rsvp.js';

/** Days of the month a monthly meeting may fall on: every month has them. */
const maxMonthlyDay = 28;

/**
 * Puts a meeting on the calendar (numbered per community), with its notice and RSVP reminders, and tells the parties.
 * Null when the community already has a meeting at that time (a monthly series meeting made twice).
 */
async function createMeeting(
  ctx: EffectContext,
  community: Community,
  meeting: { startsAt: Date; place: string | null; recurring: boolean; createdById: number | null },
): Promise<Meeting | null> {
  const clash = await ctx.tx.meeting.findUnique({
    where: { communityId_startsAt: { communityId: community.id, startsAt: meeting.startsAt } },
  });
  if (clash) return null;
  const number = await nextNumber(ctx.tx, community.id, 'lastMeetingNumber');
  const created = await ctx.tx.meeting.create({ data: { communityId: community.id, number, ...meeting, createdAt: ctx.now } });
  await scheduleMeetingReminders(ctx, created, community);
  await audit(ctx, {
    communityId: community.id,
    actorMemberId: meeting.createdById,
    ...(meeting.createdById === null ? { actorLabel: 'scheduler' } : {}),
    action: 'meeting.scheduled',
    subjectType: 'meeting',
    subjectId: created.id,
    data: { number, startsAt: created.startsAt.toISOString(), recurring: meeting.recurring },
  });
  const body = scheduledBody(created, community);
  const parties = await sittingParties(ctx.tx, community.id);
  const chats = [
    ...(await committeeChats(ctx.tx, community.id)),
    ...(await partyChats(
      ctx.tx,
      parties.map((party) => party.id),
    )),
  ];
  // Whoever typed /meeting is answered in their chat (below); every other committee and party chat is told here.
  for (const chat of chats.filter((candidate) => candidate.id !== ctx.chat?.id)) announce(ctx, chat, body);
  return created;
}

function scheduledBody(meeting: Meeting, community: Community) {
  return {
    type: 'meeting.scheduled' as const,
    params: {
      meeting: meeting.number,
      startsAt: meeting.startsAt.toISOString(),
      place: meeting.place,
      monthly:
        meeting.recurring && community.meetingMonthlyDay !== null
          ? { day: community.meetingMonthlyDay, time: community.meetingMonthlyTime! }
          : null,
    },
  };
}

/**
 * `/meeting <YYYY-MM-DD> <HH:MM> [place]` (committee): schedules a joint meeting at the community's local time;
 * `/meeting monthly <day> <HH:MM> [place]` schedules one every month (the next now, each following one when its
 * predecessor starts). Emits meeting.scheduled to the committee and the parties; throws committee_only,
 * meeting_time_invalid, meeting_in_past, meeting_exists, monthly_day_invalid.
 */
export async function scheduleMeeting(
  ctx: CommandContext,
  action: { date: string; time: string; place?: string } | { monthlyDay: number; time: string; place?: string },
): Promise<void> {
  const community = requireCommunity(ctx);
  await requireCommittee(ctx);
  const place = optionalText(ctx, action.place);
  let meeting: Meeting | null;
  if ('monthlyDay' in action) {
    if (!Number.isInteger(action.monthlyDay) || action.monthlyDay < 1 || action.monthlyDay > maxMonthlyDay)
      throw new DomainError('monthly_day_invalid', { max: maxMonthlyDay });
    if (!parseTime(action.time)) throw new DomainError('meeting_time_invalid', { typed: action.time });
    const series = await ctx.tx.community.update({
      where: { id: community.id },
      data: { meetingMonthlyDay: action.monthlyDay, meetingMonthlyTime: action.time, meetingMonthlyPlace: place },
    });
    ctx.community = series;
    const startsAt = nextMonthly(series.timezone, action.monthlyDay, action.time, ctx.now);
    meeting =
      (await createMeeting(ctx, series, { startsAt, place, recurring: true, createdById: ctx.member.id })) ??
      (await ctx.tx.meeting.findUniqueOrThrow({ where: { communityId_startsAt: { communityId: community.id, startsAt } } }));
    await scheduleNextInSeries(ctx, series, meeting);
  } else {
    const startsAt = localInstant(community.timezone, action.date, action.time);
    if (!startsAt) throw new DomainError('meeting_time_invalid', { typed: `${action.date} ${action.time}` });
    if (startsAt <= ctx.now) throw new DomainError('meeting_in_past', { typed: `${action.date} ${action.time}` });
    meeting = await createMeeting(ctx, community, { startsAt, place, recurring: false, createdById: ctx.member.id });
    if (!meeting) throw new DomainError('meeting_exists', { typed: `${action.date} ${action.time}` });
  }
  reply(ctx, scheduledBody(meeting, ctx.community ?? community));
}

/** The series' next meeting, made by a reminder due when `previous` starts (keyed: made once, whatever restarts). */
async function scheduleNextInSeries(ctx: EffectContext, community: Community, previous: Meeting): Promise<void> {
  if (community.meetingMonthlyDay === null || community.meetingMonthlyTime === null) return;
  const startsAt = nextMonthly(community.timezone, community.meetingMonthlyDay, community.meetingMonthlyTime, previous.startsAt);
  await scheduleReminders(ctx.tx, [
    {
      key: `meeting.series:${community.id}:${startsAt.toISOString()}`,
      kind: 'meeting.series',
      dueAt: previous.startsAt,
      params: { communityId: community.id, startsAt: startsAt.toISOString() },
    },
  ]);
}

/** The scheduler's turn of a monthly series: makes its meeting (unless the series changed since) and plans the next. */
export async function seriesDue(ctx: EffectContext, { communityId, startsAt }: { communityId: number; startsAt: string }): Promise<void> {
  const community = await ctx.tx.community.findUnique({ where: { id: communityId } });
  if (!community || community.meetingMonthlyDay === null || community.meetingMonthlyTime === null) return;
  const at = new Date(startsAt);
  const expected = nextMonthly(community.timezone, community.meetingMonthlyDay, community.meetingMonthlyTime, new Date(at.getTime() - 1));
  if (expected.getTime() !== at.getTime()) return;
  ctx.community = community;
  const meeting = await createMeeting(ctx, community, {
    startsAt: at,
    place: community.meetingMonthlyPlace,
    recurring: true,
    createdById: null,
  });
  await scheduleNextInSeries(
    ctx,
    community,
    meeting ?? (await ctx.tx.meeting.findUniqueOrThrow({ where: { communityId_startsAt: { communityId, startsAt: at } } })),
  );
}

/**
 * `/meetings` (the committee and the parties' members): upcoming meetings with their RSVP state, then the last few
 * held. Emits meeting.listed; throws meeting_role_required.
 */
export async function listMeetings(ctx: CommandContext): Promise<void> {
  const community = requireCommunity(ctx);
  await requireMeetingRole(ctx, community);
  const upcoming = await ctx.tx.meeting.findMany({
    where: { communityId: community.id, status: { not: 'closed' } },
    orderBy: { startsAt: 'asc' },
  });
  const past = await ctx.tx.meeting.findMany({
    where: { communityId: community.id, status: 'closed' },
    orderBy: { startsAt: 'desc' },
    take: 5,
  });
  const entry = async (meeting: Meeting) => {
    const state = await attendance(ctx, meeting, community);
    const items = await ctx.tx.agendaItem.count({ where: { meetingId: meeting.id, dropped: false, position: { not: null } } });
    return {
      meeting: meeting.number,
      startsAt: meeting.startsAt.toISOString(),
      place: meeting.place,
      status: meeting.status,
      items,
      attending: state.attending,
      answered: state.parties.filter((party) => party.answer !== null).length,
      parties: state.parties.length,
      quorum: state.quorum,
    };
  };
  const params = { upcoming: [] as Awaited<ReturnType<typeof entry>>[], past: [] as Awaited<ReturnType<typeof entry>>[] };
  for (const meeting of upcoming) params.upcoming.push(await entry(meeting));
  for (const meeting of past) params.past.push(await entry(meeting));
  reply(ctx, { type: 'meeting.listed', params });
}
