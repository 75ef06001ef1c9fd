import { DomainError } from '../../../core/errors.js';
import type { Community, Meeting, RsvpAnswer } from '../../../db/generated/client.js';
import { announce, audit, type CommandContext, type EffectContext, optionalText, replyInChat, requireCommunity } from '../../context.js';
import type { Button } from '../../notices.js';
import { outsideQuietHours } from '../reminders/quiet-hours.js';
import { type Reminder, scheduleReminders } from '../reminders/schedule.js';
import { agendaEntries, assembleAgenda } from './agenda.js';
import {
  attendance,
  committeeChats,
  currentMeeting,
  meetingByNumber,
  partyChats,
  sittingParties,
  speakingParty,
} from './meeting-queries.js';

const hour = 3_600_000;
/** Hours before the meeting when parties that have not answered are reminded (the first also checks the quorum). */
const rsvpReminderHours = [24, 1];

const noticeKey = (meetingId: number) => `meeting.notice:${meetingId}`;

export const rsvpButtons = (meeting: number): Button[] => [
  { kind: 'rsvp', meeting, answer: 'attend' },
  { kind: 'rsvp', meeting, answer: 'absent' },
];

/**
 * A new meeting's notice to the parties and its RSVP reminders, as reminder rows (outside quiet hours). A meeting
 * scheduled inside its notice period gets its notice halfway to the start, leaving the committee time to build and
 * lock the agenda (locking sends it at once).
 */
export async function scheduleMeetingReminders(ctx: EffectContext, meeting: Meeting, community: Community): Promise<void> {
  const due = (at: number) => outsideQuietHours(new Date(at), community, meeting.startsAt, ctx.now);
  const start = meeting.startsAt.getTime();
  const noticeAt = Math.max(start - community.meetingNoticeHours * hour, ctx.now.getTime() + (start - ctx.now.getTime()) / 2);
  const notice = due(noticeAt) ?? new Date(noticeAt);
  const reminders: Reminder[] = [{ key: noticeKey(meeting.id), kind: 'meeting.notice', dueAt: notice, params: { meetingId: meeting.id } }];
  for (const hours of rsvpReminderHours) {
    const dueAt = due(start - hours * hour);
    if (dueAt && dueAt > ctx.now)
      reminders.push({
        key: `meeting.rsvp:${meeting.id}:${hours}`,
        kind: 'meeting.rsvp_reminder',
        dueAt,
        params: { meetingId: meeting.id, hours },
      });
  }
  await scheduleReminders(ctx.tx, reminders);
}

/** Sends the locked agenda to every sitting party's chat with the RSVP buttons, once. */
export async function sendNotice(ctx: EffectContext, meeting: Meeting, community: Community): Promise<void> {
  const { count } = await ctx.tx.meeting.updateMany({ where: { id: meeting.id, noticeSentAt: null }, data: { noticeSentAt: ctx.now } });
  if (count === 0) return;
  const parties = await sittingParties(ctx.tx, community.id);
  const body = {
    type: 'meeting.notice' as const,
    params: {
      meeting: meeting.number,
      startsAt: meeting.startsAt.toISOString(),
      place: meeting.place,
      items: (await agendaEntries(ctx, meeting)).map((item) => ({ position: item.position, number: item.number, text: item.text })),
    },
  };
  for (const chat of await partyChats(
    ctx.tx,
    parties.map((party) => party.id),
  ))
    announce(ctx, chat, body, rsvpButtons(meeting.number));
  // Sent when the committee locked the agenda inside the notice period: its reminder must not send it again.
  await ctx.tx.scheduledReminder.updateMany({ where: { key: noticeKey(meeting.id), state: 'pending' }, data: { state: 'cancelled' } });
}

/** The scheduler's notice time: the agenda is locked if the committee has not locked it, and sent to the parties. */
export async function noticeDue(ctx: EffectContext, { meetingId }: { meetingId: number }): Promise<void> {
  const meeting = await ctx.tx.meeting.findUnique({ where: { id: meetingId }, include: { community: true } });
  if (!meeting || meeting.status === 'closed') return;
  ctx.community = meeting.community;
  let locked: Meeting = meeting;
  if (meeting.status === 'scheduled') {
    await assembleAgenda(ctx, meeting);
    locked = await ctx.tx.meeting.update({ where: { id: meeting.id }, data: { status: 'locked', lockedAt: ctx.now } });
    for (const chat of await committeeChats(ctx.tx, meeting.communityId))
      announce(ctx, chat, { type: 'meeting.auto_locked', params: { meeting: meeting.number } });
  }
  await sendNotice(ctx, locked, meeting.community);
}

/**
 * The scheduler's RSVP reminder `hours` before a meeting: to each sitting party that has not answered, with the
 * buttons; at the first one the committee is warned if the parties attending so far cannot make the quorum.
 */
export async function rsvpReminderDue(ctx: EffectContext, { meetingId, hours }: { meetingId: number; hours: number }): Promise<void> {
  const meeting = await ctx.tx.meeting.findUnique({ where: { id: meetingId }, include: { community: true } });
  if (!meeting || meeting.status === 'closed') return;
  ctx.community = meeting.community;
  const state = await attendance(ctx, meeting, meeting.community);
  // Parties are reminded of a notice they have had; the committee is warned in any case.
  const unanswered = state.parties.filter((party) => party.answer === null);
  const remind = meeting.noticeSentAt === null ? [] : unanswered;
  const body = {
    type: 'meeting.rsvp_reminder' as const,
    params: { meeting: meeting.number, startsAt: meeting.startsAt.toISOString(), hours },
  };
  for (const chat of await partyChats(
    ctx.tx,
    remind.map((party) => party.partyId),
  ))
    announce(ctx, chat, body, rsvpButtons(meeting.number));
  if (hours === rsvpReminderHours[0] && !state.met) {
    const warning = {
      type: 'meeting.quorum_warning' as const,
      params: {
        meeting: meeting.number,
        startsAt: meeting.startsAt.toISOString(),
        attending: state.attending,
        quorum: state.quorum,
        unanswered: unanswered.map((party) => party.party),
      },
    };
    for (const chat of await committeeChats(ctx.tx, meeting.communityId)) announce(ctx, chat, warning);
  }
}

/**
 * `/rsvp attend|absent [reason]|delegate <name>` or the notice's buttons (a member of a sitting party, for their own
 * party): the party's answer to the meeting's notice; the last answer counts. The committee's chats hear who comes
 * and whether the quorum of parties is met. Emits meeting.rsvp_recorded; throws no_meeting, meeting_not_found,
 * meeting_closed, not_party_member, party_not_at_meeting, party_ambiguous, delegate_missing.
 */
export async function answerRsvp(
  ctx: CommandContext,
  action: { meeting?: number; answer: RsvpAnswer; delegate?: string; reason?: string },
): Promise<void> {
  const community = requireCommunity(ctx);
  const party = await speakingParty(ctx, community);
  const meeting = action.meeting ? await meetingByNumber(ctx.tx, community, action.meeting) : await currentMeeting(ctx, community);
  if (meeting.status === 'closed') throw new DomainError('meeting_closed', { meeting: meeting.number });
  const delegate = action.answer === 'delegate' ? optionalText(ctx, action.delegate) : null;
  if (action.answer === 'delegate' && !delegate) throw new DomainError('delegate_missing');
  const reason = action.answer === 'absent' ? optionalText(ctx, action.reason) : null;
  const data = { answer: action.answer, delegate, reason, answeredById: ctx.member.id, answeredAt: ctx.now };
  await ctx.tx.rsvp.upsert({
    where: { meetingId_partyId: { meetingId: meeting.id, partyId: party.id } },
    create: { meetingId: meeting.id, partyId: party.id, ...data },
    update: data,
  });
  await audit(ctx, {
    communityId: community.id,
    actorMemberId: ctx.member.id,
    action: 'meeting.rsvp',
    subjectType: 'meeting',
    subjectId: meeting.id,
    data: { partyId: party.id, answer: action.answer },
  });
  const state = await attendance(ctx, meeting, community);
  const body = {
    type: 'meeting.rsvp_recorded' as const,
    params: {
      meeting: meeting.number,
      party: party.name,
      answer: action.answer,
      delegate,
      reason,
      attending: state.attending,
      quorum: state.quorum,
    },
  };
  // A party's answer is the party's: its chat hears it, though one member tapped it.
  replyInChat(ctx, body);
  for (const chat of await committeeChats(ctx.tx, community.id)) announce(ctx, chat, body);
}
