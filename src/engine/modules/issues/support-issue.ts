import { DomainError } from '../../../core/errors.js';
import type { EscalationLevel, Issue } from '../../../db/generated/client.js';
import type { CommandContext } from '../../context.js';
import { audit, reply, requireCommunity } from '../../context.js';
import { requireMember } from '../membership/permissions.js';
import { moveUp } from './escalate.js';
import { findIssue, householdsInScope, supporterHousehold, supportingHouseholds } from './issue-queries.js';
import { nextLevel, startingLevel } from './levels.js';
import { householdsNeeded } from './thresholds.js';

export const supportable = new Set(['open', 'in_progress', 'answered']);

/**
 * `/support <n>` or the support button: one support per member per issue, counted for the member's household in the
 * issue's scope; a member without one there is refused (their support would not count, and a support is what makes
 * a neighbour a rater of the outcome). When the households backing it reach the community's threshold, the issue
 * moves up one level from where it entered (further steps are for the building head, group head, representatives or
 * committee to take). Emits issue.supported and maybe issue.escalated; throws issue_not_found, issue_not_open,
 * not_a_member, already_supported, support_out_of_scope.
 */
export async function supportIssue(ctx: CommandContext, action: { number: number }): Promise<void> {
  const issue = await findIssue(ctx, action.number);
  if (!supportable.has(issue.status)) throw new DomainError('issue_not_open', { number: issue.number });
  await requireMember(ctx);
  const existing = await ctx.tx.support.findUnique({ where: { issueId_memberId: { issueId: issue.id, memberId: ctx.member.id } } });
  if (existing) throw new DomainError('already_supported', { number: issue.number });
  const householdId = await supporterHousehold(ctx.tx, ctx.member.id, issue);
  if (householdId === null) throw new DomainError('support_out_of_scope', { number: issue.number, scope: await scopeName(ctx, issue) });
  await ctx.tx.support.create({ data: { issueId: issue.id, memberId: ctx.member.id, householdId, createdAt: ctx.now } });
  await audit(ctx, {
    communityId: issue.communityId,
    actorMemberId: ctx.member.id,
    action: 'issue.supported',
    subjectType: 'issue',
    subjectId: issue.id,
  });
  const { households, needed } = await escalateIfSupported(ctx, issue);
  reply(ctx, { type: 'issue.supported', params: { number: issue.number, households, threshold: needed } });
}

/** Moves the issue up one level if it is still where it entered and enough households back it. */
export async function escalateIfSupported(ctx: CommandContext, issue: Issue): Promise<{ households: number; needed: number }> {
  const community = requireCommunity(ctx);
  const households = await supportingHouseholds(ctx.tx, issue);
  const inScope = await householdsInScope(ctx.tx, issue);
  const needed = householdsNeeded({ kind: community.supportThresholdKind, value: community.supportThresholdValue }, inScope);
  const to = escalationBySupport(issue, households, needed);
  if (to) await moveUp(ctx, issue, to, 'support', null, null);
  return { households, needed };
}

/** The level enough support moves an issue to: one up, and only from where it entered. */
export function escalationBySupport(issue: Issue, households: number, needed: number): EscalationLevel | null {
  const to = nextLevel(issue.level);
  return to && issue.level === startingLevel(issue) && supportable.has(issue.status) && households >= needed ? to : null;
}

/** Where an issue's supporters must live, by name: its building, or the whole community. */
async function scopeName(ctx: CommandContext, issue: Issue): Promise<string> {
  if (issue.buildingId === null) return requireCommunity(ctx).name;
  return (await ctx.tx.building.findUniqueOrThrow({ where: { id: issue.buildingId }, select: { name: true } })).name;
}

/**
 * The raiser's own support of the issue they raise, counted for their household in its scope if they have one there
 * (the raiser rates the outcome in any case).
 */
export async function recordSupport(ctx: CommandContext, issue: Issue): Promise<void> {
  await ctx.tx.support.create({
    data: {
      issueId: issue.id,
      memberId: ctx.member.id,
      householdId: await supporterHousehold(ctx.tx, ctx.member.id, issue),
      createdAt: ctx.now,
    },
  });
}
