import { DomainError } from '../../../core/errors.js';
import type { CommandContext } from '../../context.js';
import { reply, requireCommunity } from '../../context.js';
import type { IssueDetail, Level } from '../../notices.js';
import { hasRole, isCommunityMember, rolesIn } from '../membership/permissions.js';
import { findIssue, summarise, supportingHouseholds } from './issue-queries.js';
import { openStatuses } from './raise-issue.js';

/** Reading is open to anyone in a bound chat (it is that chat's business); in a private chat, to members only. */
async function requireReader(ctx: CommandContext): Promise<void> {
  const community = requireCommunity(ctx);
  if (ctx.chat.kind === 'private' && !(await isCommunityMember(ctx.tx, ctx.member.id, community.id))) {
    throw new DomainError('not_a_member', { community: community.name });
  }
}

/** `/issues`: the open issues here (a building chat: its building's and the community-wide ones). Emits issue.listed. */
export async function listIssues(ctx: CommandContext): Promise<void> {
  const community = requireCommunity(ctx);
  await requireReader(ctx);
  const buildingId = ctx.chat.binding === 'building' ? ctx.chat.buildingId : undefined;
  const issues = await ctx.tx.issue.findMany({
    where: {
      communityId: community.id,
      status: { in: [...openStatuses, 'resolved'] },
      ...(buildingId ? { OR: [{ buildingId }, { buildingId: null }] } : {}),
    },
    orderBy: { number: 'desc' },
    take: 20,
  });
  reply(ctx, { type: 'issue.listed', params: { issues: await summarise(ctx.tx, issues) } });
}

/** `/show <n>`: one issue in full, with its follow-up. The committee also sees hidden ones. Emits issue.shown; throws issue_not_found. */
export async function showIssue(ctx: CommandContext, action: { number: number }): Promise<void> {
  const community = requireCommunity(ctx);
  await requireReader(ctx);
  const isCommittee = hasRole(await rolesIn(ctx.tx, ctx.member.id, community.id), 'committee');
  const found = await findIssue(ctx, action.number, { includeHidden: isCommittee });
  const issue = await ctx.tx.issue.findUniqueOrThrow({
    where: { id: found.id },
    include: {
      category: true,
      building: true,
      followUps: { include: { party: true }, orderBy: { id: 'desc' }, take: 1 },
      escalations: { include: { by: true }, orderBy: { id: 'asc' } },
      agendaItems: { where: { dropped: false, position: { not: null } }, include: { meeting: true }, orderBy: { id: 'asc' } },
    },
  });
  const followUp = issue.followUps[0];
  const detail: IssueDetail = {
    number: issue.number,
    text: issue.text,
    status: issue.status,
    category: issue.category?.code ?? null,
    scope: { building: issue.building?.name ?? null },
    level: issue.level as Level,
    triage: issue.triage,
    supporters: await supportingHouseholds(ctx.tx, issue),
    createdAt: issue.createdAt.toISOString(),
    followUp: followUp ? { party: followUp.party.name, deadline: followUp.deadline.toISOString(), response: followUp.response } : null,
    hiddenReason: isCommittee ? issue.hiddenReason : null,
    steps: issue.escalations.map((step) => ({ to: step.toLevel as Level, cause: step.cause, by: step.by?.displayName ?? null })),
    meetings: issue.agendaItems.map((item) => ({
      meeting: item.meeting.number,
      startsAt: item.meeting.startsAt.toISOString(),
      outcome: item.outcome,
      decision: item.decision,
      sentUpTo: item.sentUpTo,
    })),
  };
  reply(ctx, { type: 'issue.shown', params: detail });
}
