import { DomainError } from '../../../core/errors.js';
import type { AgendaItem, Community, Meeting, Party, Stance } from '../../../db/generated/client.js';
import { announce, audit, type CommandContext, checkText, optionalText, reply, replyInChat, requireCommunity } from '../../context.js';
import type { Button } from '../../notices.js';
import { scheduleFollowUpReminders } from '../followups/follow-up-reminders.js';
import { answeringParties } from '../followups/permissions.js';
import { originChat } from '../issues/issue-queries.js';
import { hasRole, requireCommittee, rolesIn } from '../membership/permissions.js';
import { agendaEntries, assembleAgenda } from './agenda.js';
import { attendance, committeeChats, currentMeeting, meetingByNumber, partyChats, partyNamed, speakingParty } from './meeting-queries.js';

const day = 86_400_000;

export const stances: Stance[] = ['agree', 'object', 'abstain'];

const positionButtons = (meeting: number, item: number): Button[] => stances.map((stance) => ({ kind: 'position', meeting, item, stance }));

/** The current meeting, which must have its agenda locked (minutes are taken on the version sent out). */
async function meetingInSession(ctx: CommandContext, community: Community): Promise<Meeting> {
  const meeting = await currentMeeting(ctx, community);
  if (meeting.status !== 'locked') throw new DomainError('agenda_not_locked', { meeting: meeting.number });
  return meeting;
}

/** Item <position> of the meeting's agenda. Throws agenda_item_not_found. */
async function agendaItem(ctx: CommandContext, meeting: Meeting, position: number) {
  const item = await ctx.tx.agendaItem.findFirst({
    where: { meetingId: meeting.id, position, dropped: false },
    include: { issue: true },
  });
  if (!item) throw new DomainError('agenda_item_not_found', { item: position, meeting: meeting.number });
  return item;
}

function requireDecided(item: AgendaItem, meeting: Meeting): void {
  if (item.outcome !== 'decided') throw new DomainError('item_not_decided', { item: item.position!, meeting: meeting.number });
}

/**
 * `/decide <item> <text>` (committee, during the meeting): records the decision on an agenda item; the attending
 * parties' chats get it with buttons for their position. Emits meeting.decided; throws committee_only, no_meeting,
 * agenda_not_locked, agenda_item_not_found, text_empty, text_too_long.
 */
export async function decideItem(ctx: CommandContext, action: { item: number; text: string }): Promise<void> {
  const community = requireCommunity(ctx);
  await requireCommittee(ctx);
  const meeting = await meetingInSession(ctx, community);
  const item = await agendaItem(ctx, meeting, action.item);
  const decision = checkText(ctx, action.text);
  await ctx.tx.agendaItem.update({ where: { id: item.id }, data: { decision, outcome: 'decided', decidedAt: ctx.now, sentUpTo: null } });
  await audit(ctx, {
    communityId: community.id,
    actorMemberId: ctx.member.id,
    action: 'agenda.decided',
    subjectType: 'meeting',
    subjectId: meeting.id,
    data: { item: action.item, issue: item.issue.number, decision },
  });
  const body = {
    type: 'meeting.decided' as const,
    params: { meeting: meeting.number, item: action.item, number: item.issue.number, text: item.issue.text, decision },
  };
  reply(ctx, body);
  const state = await attendance(ctx, meeting, community);
  const attending = state.parties.filter((party) => party.answer === 'attend' || party.answer === 'delegate').map((party) => party.partyId);
  for (const chat of await partyChats(ctx.tx, attending)) announce(ctx, chat, body, positionButtons(meeting.number, action.item));
}

/**
 * `/position <item> agree|object|abstain [remark]` or the decision's buttons (a member of a sitting party, for their
 * own party), or `/position <item> <party> agree|object|abstain [remark]` (the committee, for a party present in the
 * room): a party's position on an item's decision; the last one counts. Emits meeting.position_recorded; throws
 * no_meeting, meeting_not_found, meeting_closed, agenda_not_locked, agenda_item_not_found, item_not_decided,
 * not_party_member, party_not_at_meeting, party_ambiguous, committee_only, responder_not_found.
 */
export async function recordPosition(
  ctx: CommandContext,
  action: { meeting?: number; item: number; stance: Stance; party?: string; remark?: string },
): Promise<void> {
  const community = requireCommunity(ctx);
  let party: Party;
  if (action.party !== undefined) {
    await requireCommittee(ctx);
    party = await partyNamed(ctx.tx, community.id, action.party);
    if (!party.inJointMeeting) throw new DomainError('party_not_at_meeting');
  } else {
    const roles = rolesIn(ctx, community.id);
    // The committee records a party's position by naming the party: shown the command's form, not "not a party member".
    if (hasRole(roles, 'committee') && answeringParties(roles).size === 0) throw new DomainError('usage', { command: 'position' });
    party = await speakingParty(ctx, community);
  }
  const meeting = action.meeting ? await meetingByNumber(ctx.tx, community, action.meeting) : await currentMeeting(ctx, community);
  if (meeting.status === 'closed') throw new DomainError('meeting_closed', { meeting: meeting.number });
  if (meeting.status !== 'locked') throw new DomainError('agenda_not_locked', { meeting: meeting.number });
  const item = await agendaItem(ctx, meeting, action.item);
  requireDecided(item, meeting);
  const remark = optionalText(ctx, action.remark);
  const data = { stance: action.stance, remark, recordedById: ctx.member.id, recordedAt: ctx.now };
  await ctx.tx.partyPosition.upsert({
    where: { agendaItemId_partyId: { agendaItemId: item.id, partyId: party.id } },
    create: { agendaItemId: item.id, partyId: party.id, ...data },
    update: data,
  });
  await audit(ctx, {
    communityId: community.id,
    actorMemberId: ctx.member.id,
    action: 'agenda.position',
    subjectType: 'meeting',
    subjectId: meeting.id,
    data: { item: action.item, partyId: party.id, stance: action.stance },
  });
  const body = {
    type: 'meeting.position_recorded' as const,
    params: { meeting: meeting.number, item: action.item, number: item.issue.number, party: party.name, stance: action.stance, remark },
  };
  // A party's answer is the party's: its chat hears it, though one member tapped it.
  replyInChat(ctx, body);
  if (action.party === undefined) for (const chat of await committeeChats(ctx.tx, community.id)) announce(ctx, chat, body);
}

/**
 * `/action <item> <party> <days> <task>` (committee): an action item on a decided agenda item, which becomes a
 * supervised follow-up (督办) of the issue by that party, with its deadline, reminders and overdue escalation. Emits
 * meeting.action_assigned to the committee and the party's chats; throws committee_only, no_meeting,
 * agenda_not_locked, agenda_item_not_found, item_not_decided, responder_not_found, days_invalid, text_empty.
 */
export async function assignAction(
  ctx: CommandContext,
  action: { item: number; party: string; days: number; task: string },
): Promise<void> {
  const community = requireCommunity(ctx);
  await requireCommittee(ctx);
  const meeting = await meetingInSession(ctx, community);
  const item = await agendaItem(ctx, meeting, action.item);
  requireDecided(item, meeting);
  const party = await partyNamed(ctx.tx, community.id, action.party);
  if (!Number.isInteger(action.days) || action.days < 1 || action.days > ctx.settings.maxFollowUpDays)
    throw new DomainError('days_invalid', { max: ctx.settings.maxFollowUpDays });
  const task = checkText(ctx, action.task);
  const deadline = new Date(ctx.now.getTime() + action.days * day);
  const followUp = await ctx.tx.followUp.create({
    data: {
      issueId: item.issueId,
      partyId: party.id,
      assignedById: ctx.member.id,
      deadline,
      agendaItemId: item.id,
      task,
      createdAt: ctx.now,
    },
  });
  await scheduleFollowUpReminders(ctx.tx, followUp, community, ctx.now);
  if (item.issue.status === 'open')
    await ctx.tx.issue.update({ where: { id: item.issueId }, data: { status: 'in_progress', updatedAt: ctx.now } });
  await audit(ctx, {
    communityId: community.id,
    actorMemberId: ctx.member.id,
    action: 'agenda.action',
    subjectType: 'meeting',
    subjectId: meeting.id,
    data: { item: action.item, issue: item.issue.number, partyId: party.id, deadline: deadline.toISOString() },
  });
  const body = {
    type: 'meeting.action_assigned' as const,
    params: {
      meeting: meeting.number,
      item: action.item,
      number: item.issue.number,
      party: party.name,
      task,
      deadline: deadline.toISOString(),
    },
  };
  reply(ctx, body);
  for (const chat of await partyChats(ctx.tx, [party.id])) announce(ctx, chat, body);
}

/**
 * `/defer <item>` (committee): the item goes to the next meeting with its history; `/sendup <item> <to>`: it is sent
 * up to the subdistrict or a department, as typed. Emits meeting.item_deferred or meeting.item_sent_up; throws
 * committee_only, no_meeting, agenda_not_locked, agenda_item_not_found, text_empty.
 */
export async function settleItem(
  ctx: CommandContext,
  action: { item: number; outcome: 'deferred' | 'sent_up'; to?: string },
): Promise<void> {
  const community = requireCommunity(ctx);
  await requireCommittee(ctx);
  const meeting = await meetingInSession(ctx, community);
  const item = await agendaItem(ctx, meeting, action.item);
  const to = action.outcome === 'sent_up' ? checkText(ctx, action.to ?? '') : null;
  await ctx.tx.agendaItem.update({ where: { id: item.id }, data: { outcome: action.outcome, sentUpTo: to, decidedAt: ctx.now } });
  await audit(ctx, {
    communityId: community.id,
    actorMemberId: ctx.member.id,
    action: action.outcome === 'deferred' ? 'agenda.deferred' : 'agenda.sent_up',
    subjectType: 'meeting',
    subjectId: meeting.id,
    data: { item: action.item, issue: item.issue.number, ...(to ? { to } : {}) },
  });
  const params = { meeting: meeting.number, item: action.item, number: item.issue.number, text: item.issue.text };
  reply(
    ctx,
    action.outcome === 'deferred'
      ? { type: 'meeting.item_deferred', params }
      : { type: 'meeting.item_sent_up', params: { ...params, to: to! } },
  );
}

/**
 * `/minutes` (committee): closes the current meeting. The minutes (attendance with delegates, per item the decision,
 * the positions, the action items with owners and deadlines, what was deferred or sent up) go to the committee and
 * every sitting party's chat and into the audit log; each decided item is reported back where its issue was raised;
 * items left open are deferred to the next meeting, on whose agenda they are put at once if it is already scheduled.
 * Emits meeting.minutes and meeting.report_back; throws committee_only, no_meeting, agenda_not_locked.
 */
export async function closeMeeting(ctx: CommandContext): Promise<void> {
  const community = requireCommunity(ctx);
  await requireCommittee(ctx);
  const meeting = await meetingInSession(ctx, community);
  await ctx.tx.agendaItem.updateMany({
    where: { meetingId: meeting.id, dropped: false, position: { not: null }, outcome: 'open' },
    data: { outcome: 'deferred', decidedAt: ctx.now },
  });
  const closed = await ctx.tx.meeting.update({ where: { id: meeting.id }, data: { status: 'closed', closedAt: ctx.now } });
  const state = await attendance(ctx, closed, community);
  const items = await agendaEntries(ctx, closed);
  const minutes = {
    type: 'meeting.minutes' as const,
    params: {
      meeting: closed.number,
      startsAt: closed.startsAt.toISOString(),
      place: closed.place,
      attendance: state.parties.map(({ party, answer, delegate, reason }) => ({ party, answer, delegate, reason })),
      quorum: state.quorum,
      quorumMet: state.met,
      items,
    },
  };
  await audit(ctx, {
    communityId: community.id,
    actorMemberId: ctx.member.id,
    action: 'meeting.minutes',
    subjectType: 'meeting',
    subjectId: closed.id,
    data: { minutes: minutes.params },
  });
  reply(ctx, minutes);
  for (const chat of await committeeChats(ctx.tx, community.id)) announce(ctx, chat, minutes);
  for (const chat of await partyChats(
    ctx.tx,
    state.parties.map((party) => party.partyId),
  ))
    announce(ctx, chat, minutes);

  const decided = await ctx.tx.agendaItem.findMany({
    where: { meetingId: closed.id, outcome: { in: ['decided', 'sent_up'] } },
    include: { issue: true, followUps: { include: { party: true }, orderBy: { id: 'asc' } } },
  });
  for (const item of decided) {
    const origin = await originChat(ctx.tx, item.issue);
    if (!origin || origin.leftAt) continue;
    // One report per item, several to one chat when several of its issues were decided: not announce(), which keeps one per chat.
    ctx.notices.push({
      chatId: origin.id,
      locale: origin.locale ?? community.locale,
      type: 'meeting.report_back',
      params: {
        meeting: closed.number,
        number: item.issue.number,
        text: item.issue.text,
        decision: item.decision,
        sentUpTo: item.sentUpTo,
        actions: item.followUps.map((f) => ({ party: f.party.name, task: f.task, deadline: f.deadline.toISOString() })),
      },
    });
  }
  const next = await ctx.tx.meeting.findFirst({
    where: { communityId: community.id, status: 'scheduled', startsAt: { gt: closed.startsAt } },
    orderBy: { startsAt: 'asc' },
  });
  if (next) await assembleAgenda(ctx, next);
}
