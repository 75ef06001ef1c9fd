import { DomainError } from '../../../core/errors.js';
import type { AgendaItem, AgendaSource, Community, Meeting } from '../../../db/generated/client.js';
import { announce, audit, type CommandContext, type EffectContext, optionalText, reply, requireCommunity } from '../../context.js';
import type { AgendaEntry, Level } from '../../notices.js';
import { buildingSizes, householdsInScopeOf } from '../../scope.js';
import { backingHouseholds, findIssue } from '../issues/issue-queries.js';
import { openStatuses } from '../issues/raise-issue.js';
import { requireCommittee } from '../membership/permissions.js';
import { committeeChats, currentMeeting, speakingParty } from './meeting-queries.js';
import { sendNotice } from './rsvp.js';

const day = 86_400_000;

/** Categories taken first at equal support: what endangers people before what inconveniences them. */
const urgentCategories = new Set(['safety', 'elderly_services', 'facilities']);

/** When one issue qualifies for several reasons, the one shown: the most telling first. */
const sourceRank: AgendaSource[] = ['carried', 'reopened', 'overdue', 'escalated', 'proposed', 'added'];

type Ranked = { issueId: number; share: number; urgent: boolean; createdAt: Date };

/**
 * The agenda's order: support (households backing the issue as a share of the households in its scope), then urgency
 * (its category), then age (oldest first), then issue number.
 */
export function agendaOrder(a: Ranked & { number: number }, b: Ranked & { number: number }): number {
  return b.share - a.share || Number(b.urgent) - Number(a.urgent) || a.createdAt.getTime() - b.createdAt.getTime() || a.number - b.number;
}

/**
 * Adds to a meeting still being prepared the issues that belong on it and are not there yet (never one the committee
 * dropped): issues at the joint-meeting level still open and not decided at an earlier meeting, issues with an
 * overdue follow-up, issues sent back after low ratings (退回重办), and items an earlier meeting deferred. New items
 * join the end of the agenda in the agenda's order.
 */
export async function assembleAgenda(ctx: EffectContext, meeting: Meeting): Promise<void> {
  // An issue decided or sent up at an earlier meeting comes back only for an overdue action item or as deferred.
  const candidates = await ctx.tx.$queryRaw<Array<{ issueId: number; source: AgendaSource }>>`
    WITH open_issue AS (
      SELECT i.*, EXISTS (
          SELECT 1 FROM "AgendaItem" a JOIN "Meeting" m ON m."id" = a."meetingId"
          WHERE a."issueId" = i."id" AND m."status" = 'closed' AND a."outcome" IN ('decided', 'sent_up')) AS "decided"
      FROM "Issue" i
      WHERE i."communityId" = ${meeting.communityId} AND i."status"::text = ANY(${[...openStatuses]}::text[])
    )
    SELECT "id" AS "issueId", 'escalated'::text AS "source" FROM open_issue WHERE "level" = 'joint_meeting' AND NOT "decided"
    UNION ALL
    SELECT DISTINCT f."issueId", 'overdue' FROM "FollowUp" f JOIN open_issue i ON i."id" = f."issueId"
      WHERE f."respondedAt" IS NULL AND f."deadline" < ${ctx.now}
    UNION ALL
    SELECT "id", 'reopened' FROM open_issue WHERE "round" > 1 AND NOT "decided"
    UNION ALL
    SELECT DISTINCT a."issueId", 'carried' FROM "AgendaItem" a JOIN "Meeting" m ON m."id" = a."meetingId" JOIN open_issue i ON i."id" = a."issueId"
      WHERE m."status" = 'closed' AND a."outcome" = 'deferred' AND m."startsAt" < ${meeting.startsAt} AND NOT i."decided"`;
  const present = new Set(
    (await ctx.tx.agendaItem.findMany({ where: { meetingId: meeting.id }, select: { issueId: true } })).map((item) => item.issueId),
  );
  const sources = new Map<number, AgendaSource>();
  for (const { issueId, source } of candidates) {
    if (present.has(issueId)) continue;
    const known = sources.get(issueId);
    if (!known || sourceRank.indexOf(source) < sourceRank.indexOf(known)) sources.set(issueId, source);
  }
  if (sources.size === 0) return;
  const ranked = (await rankIssues(ctx, meeting.communityId, [...sources.keys()])).sort(agendaOrder);
  const last = await ctx.tx.agendaItem.aggregate({ where: { meetingId: meeting.id }, _max: { position: true } });
  await ctx.tx.agendaItem.createMany({
    data: ranked.map((entry, index) => ({
      meetingId: meeting.id,
      issueId: entry.issueId,
      source: sources.get(entry.issueId)!,
      position: (last._max.position ?? 0) + index + 1,
      createdAt: ctx.now,
    })),
    skipDuplicates: true,
  });
}

/** What the agenda's order is made of, per issue. */
async function rankIssues(ctx: Pick<EffectContext, 'tx'>, communityId: number, issueIds: number[]) {
  const issues = await ctx.tx.issue.findMany({ where: { id: { in: issueIds } }, include: { category: true } });
  const backing = await backingHouseholds(ctx.tx, issueIds);
  const buildings = await buildingSizes(ctx.tx, [communityId]);
  return issues.map((issue) => {
    const households = backing.get(issue.id) ?? 0;
    const inScope = householdsInScopeOf(issue, buildings);
    return {
      issueId: issue.id,
      number: issue.number,
      households,
      inScope,
      share: inScope === 0 ? 0 : households / inScope,
      urgent: urgentCategories.has(issue.category?.code ?? ''),
      category: issue.category?.code ?? null,
      createdAt: issue.createdAt,
    };
  });
}

/** The meeting's agenda as shown: items in order, each with why it is there and where it stands, and its history. */
export async function agendaEntries(ctx: Pick<EffectContext, 'tx' | 'now'>, meeting: Meeting): Promise<AgendaEntry[]> {
  const items = await ctx.tx.agendaItem.findMany({
    where: { meetingId: meeting.id, dropped: false, position: { not: null } },
    orderBy: { position: 'asc' },
    include: {
      issue: { include: { originChat: true, escalations: { orderBy: { id: 'asc' }, include: { by: true } } } },
      proposedByParty: true,
      positions: { include: { party: true }, orderBy: { id: 'asc' } },
      followUps: { include: { party: true }, orderBy: { id: 'asc' } },
    },
  });
  const ranks = new Map(
    (
      await rankIssues(
        ctx,
        meeting.communityId,
        items.map((item) => item.issueId),
      )
    ).map((r) => [r.issueId, r]),
  );
  return items.map((item) => {
    const rank = ranks.get(item.issueId)!;
    return {
      position: item.position!,
      number: item.issue.number,
      text: item.issue.text,
      source: item.source,
      note: item.note,
      proposedBy: item.proposedByParty?.name ?? null,
      households: rank.households,
      inScope: rank.inScope,
      category: rank.category,
      ageDays: Math.floor((ctx.now.getTime() - item.issue.createdAt.getTime()) / day),
      raisedIn: item.issue.originChat?.title ?? null,
      steps: item.issue.escalations.map((step) => ({ to: step.toLevel as Level, cause: step.cause, by: step.by?.displayName ?? null })),
      outcome: item.outcome,
      decision: item.decision,
      sentUpTo: item.sentUpTo,
      positions: item.positions.map((p) => ({ party: p.party.name, stance: p.stance, remark: p.remark })),
      actions: item.followUps.map((f) => ({ party: f.party.name, task: f.task, deadline: f.deadline.toISOString() })),
    };
  });
}

/** The agenda notice of a meeting, for a reply or a post. */
export async function agendaBody(ctx: Pick<EffectContext, 'tx' | 'now'>, meeting: Meeting) {
  return {
    type: 'meeting.agenda' as const,
    params: {
      meeting: meeting.number,
      startsAt: meeting.startsAt.toISOString(),
      place: meeting.place,
      locked: meeting.status !== 'scheduled',
      items: await agendaEntries(ctx, meeting),
      proposals: (
        await ctx.tx.agendaItem.findMany({
          where: { meetingId: meeting.id, position: null, dropped: false },
          include: { issue: true, proposedByParty: true },
          orderBy: { id: 'asc' },
        })
      ).map((item) => ({ number: item.issue.number, text: item.issue.text, party: item.proposedByParty?.name ?? null, note: item.note })),
    },
  };
}

/** The items of a meeting still being prepared, renumbered 1..n in the given order. */
async function renumber(ctx: EffectContext, items: Array<Pick<AgendaItem, 'id'>>): Promise<void> {
  // Two steps, so that no two items share a position on the way.
  for (const [index, item] of items.entries()) await ctx.tx.agendaItem.update({ where: { id: item.id }, data: { position: -1 - index } });
  for (const [index, item] of items.entries()) await ctx.tx.agendaItem.update({ where: { id: item.id }, data: { position: index + 1 } });
}

function requireEditable(meeting: Meeting): void {
  if (meeting.status !== 'scheduled') throw new DomainError('agenda_locked', { meeting: meeting.number });
}

export type AgendaAction =
  | { op: 'show' }
  | { op: 'add'; number: number }
  | { op: 'drop'; number: number }
  | { op: 'move'; number: number; position: number }
  | { op: 'lock' };

/**
 * `/agenda` (committee): shows the current meeting's agenda, assembled first while it is still being prepared;
 * `/agenda add <issue>` (also accepts a party's proposal), `/agenda drop <issue>`, `/agenda move <issue> <position>`,
 * `/agenda lock` (the version sent to the parties). Emits meeting.agenda (and meeting.notice when locking inside the
 * notice period); throws committee_only, no_meeting, agenda_locked, issue_not_found, issue_not_open, not_on_agenda,
 * position_invalid.
 */
export async function editAgenda(ctx: CommandContext, action: AgendaAction): Promise<void> {
  const community = requireCommunity(ctx);
  await requireCommittee(ctx);
  let meeting = await currentMeeting(ctx, community);
  if (meeting.status === 'scheduled') await assembleAgenda(ctx, meeting);
  if (action.op !== 'show') {
    requireEditable(meeting);
    meeting = await changeAgenda(ctx, community, meeting, action);
    await audit(ctx, {
      communityId: community.id,
      actorMemberId: ctx.member.id,
      action: `agenda.${action.op}`,
      subjectType: 'meeting',
      subjectId: meeting.id,
      data: 'number' in action ? { issue: action.number, ...('position' in action ? { position: action.position } : {}) } : {},
    });
  }
  reply(ctx, await agendaBody(ctx, meeting));
}

async function changeAgenda(ctx: CommandContext, community: Community, meeting: Meeting, action: Exclude<AgendaAction, { op: 'show' }>) {
  const listed = () =>
    ctx.tx.agendaItem.findMany({ where: { meetingId: meeting.id, dropped: false, position: { not: null } }, orderBy: { position: 'asc' } });
  if (action.op === 'lock') {
    const locked = await ctx.tx.meeting.update({ where: { id: meeting.id }, data: { status: 'locked', lockedAt: ctx.now } });
    if (ctx.now.getTime() >= meeting.startsAt.getTime() - community.meetingNoticeHours * 3_600_000)
      await sendNotice(ctx, locked, community);
    return locked;
  }
  const issue = await findIssue(ctx, action.number);
  const item = await ctx.tx.agendaItem.findUnique({ where: { meetingId_issueId: { meetingId: meeting.id, issueId: issue.id } } });
  if (action.op === 'add') {
    if (!(openStatuses as readonly string[]).includes(issue.status)) throw new DomainError('issue_not_open', { number: issue.number });
    const items = await listed();
    if (item && item.position !== null && !item.dropped) return meeting;
    const position = items.length + 1;
    if (item) await ctx.tx.agendaItem.update({ where: { id: item.id }, data: { dropped: false, position } });
    else
      await ctx.tx.agendaItem.create({ data: { meetingId: meeting.id, issueId: issue.id, source: 'added', position, createdAt: ctx.now } });
    return meeting;
  }
  if (!item || item.dropped || item.position === null)
    throw new DomainError('not_on_agenda', { number: issue.number, meeting: meeting.number });
  const items = await listed();
  if (action.op === 'drop') {
    await ctx.tx.agendaItem.update({ where: { id: item.id }, data: { dropped: true, position: null } });
    await renumber(
      ctx,
      items.filter((candidate) => candidate.id !== item.id),
    );
    return meeting;
  }
  if (!Number.isInteger(action.position) || action.position < 1 || action.position > items.length)
    throw new DomainError('position_invalid', { max: items.length });
  const others = items.filter((candidate) => candidate.id !== item.id);
  others.splice(action.position - 1, 0, item);
  await renumber(ctx, others);
  return meeting;
}

/**
 * `/propose <issue> [why]` (a member of a sitting party): proposes an issue for the current meeting's agenda; the
 * committee accepts it with /agenda add. Emits meeting.proposed to the proposer and the committee's chats; throws
 * no_meeting, not_party_member, party_not_at_meeting, party_ambiguous, agenda_locked, issue_not_found, issue_not_open,
 * already_on_agenda.
 */
export async function proposeItem(ctx: CommandContext, action: { number: number; why?: string }): Promise<void> {
  const community = requireCommunity(ctx);
  const party = await speakingParty(ctx, community);
  const meeting = await currentMeeting(ctx, community);
  requireEditable(meeting);
  const issue = await findIssue(ctx, action.number);
  if (!(openStatuses as readonly string[]).includes(issue.status)) throw new DomainError('issue_not_open', { number: issue.number });
  const existing = await ctx.tx.agendaItem.findUnique({ where: { meetingId_issueId: { meetingId: meeting.id, issueId: issue.id } } });
  if (existing && !existing.dropped) throw new DomainError('already_on_agenda', { number: issue.number, meeting: meeting.number });
  const note = optionalText(ctx, action.why);
  if (existing)
    await ctx.tx.agendaItem.update({
      where: { id: existing.id },
      data: { dropped: false, source: 'proposed', proposedByPartyId: party.id, note },
    });
  else
    await ctx.tx.agendaItem.create({
      data: {
        meetingId: meeting.id,
        issueId: issue.id,
        source: 'proposed',
        proposedByPartyId: party.id,
        note,
        position: null,
        createdAt: ctx.now,
      },
    });
  await audit(ctx, {
    communityId: community.id,
    actorMemberId: ctx.member.id,
    action: 'agenda.proposed',
    subjectType: 'meeting',
    subjectId: meeting.id,
    data: { issue: issue.number, partyId: party.id },
  });
  const body = {
    type: 'meeting.proposed' as const,
    params: { meeting: meeting.number, number: issue.number, text: issue.text, party: party.name, note },
  };
  reply(ctx, body);
  for (const chat of await committeeChats(ctx.tx, community.id)) announce(ctx, chat, body);
}
