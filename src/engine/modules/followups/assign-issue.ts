import { DomainError } from '../../../core/errors.js';
import type { CommandContext } from '../../context.js';
import { announce, audit, reply, requireCommunity } from '../../context.js';
import { findIssue, originChat } from '../issues/issue-queries.js';
import { openStatuses } from '../issues/raise-issue.js';
import { requireCommittee } from '../membership/permissions.js';
import { scheduleFollowUpReminders } from './follow-up-reminders.js';

const day = 86_400_000;

/**
 * `/assign <n> <responder> <days>` (committee): supervised follow-up (督办) of a big matter by a party or department,
 * with a deadline. An untriaged issue is triaged big by the same decision. The body's chats and the raising chat
 * are told. Emits issue.assigned; throws committee_only, issue_not_found, issue_not_open, triage_small_not_assignable,
 * days_invalid, responder_not_found.
 */
export async function assignIssue(ctx: CommandContext, action: { number: number; responder: string; days: number }): Promise<void> {
  const community = requireCommunity(ctx);
  await requireCommittee(ctx);
  const issue = await findIssue(ctx, action.number);
  if (!(openStatuses as readonly string[]).includes(issue.status)) throw new DomainError('issue_not_open', { number: issue.number });
  if (issue.triage === 'small') throw new DomainError('triage_small_not_assignable', { number: issue.number });
  if (!Number.isInteger(action.days) || action.days < 1 || action.days > ctx.settings.maxFollowUpDays) {
    throw new DomainError('days_invalid', { max: ctx.settings.maxFollowUpDays });
  }
  const parties = await ctx.tx.party.findMany({ where: { communityId: community.id }, orderBy: { name: 'asc' } });
  const wanted = action.responder.trim().toLowerCase();
  const party = parties.find((candidate) => candidate.name.toLowerCase() === wanted);
  if (!party) throw new DomainError('responder_not_found', { name: action.responder, known: parties.map((p) => p.name).join(', ') || '-' });

  const deadline = new Date(ctx.now.getTime() + action.days * day);
  const followUp = await ctx.tx.followUp.create({
    data: { issueId: issue.id, partyId: party.id, assignedById: ctx.member.id, deadline, createdAt: ctx.now },
  });
  await scheduleFollowUpReminders(ctx.tx, followUp, community, ctx.now);
  await ctx.tx.issue.update({
    where: { id: issue.id },
    data: {
      status: 'in_progress',
      updatedAt: ctx.now,
      ...(issue.triage === null ? { triage: 'big', triagedById: ctx.member.id, triagedAt: ctx.now } : {}),
    },
  });
  await audit(ctx, {
    communityId: community.id,
    actorMemberId: ctx.member.id,
    action: 'issue.assigned',
    subjectType: 'issue',
    subjectId: issue.id,
    data: { partyId: party.id, deadline: deadline.toISOString() },
  });
  const body = {
    type: 'issue.assigned' as const,
    params: { number: issue.number, text: issue.text, party: party.name, deadline: deadline.toISOString(), days: action.days },
  };
  reply(ctx, body);
  const origin = await originChat(ctx.tx, issue);
  if (origin) announce(ctx, origin, body);
  for (const chat of await ctx.tx.chat.findMany({ where: { binding: 'party', partyId: party.id, leftAt: null } }))
    announce(ctx, chat, body);
}
