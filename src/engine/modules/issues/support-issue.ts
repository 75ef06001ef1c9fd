import { DomainError } from '../../../core/errors.js';
import type { Community, EscalationLevel, Issue } from '../../../db/generated/client.js';
import type { AuditInput, CommandContext } from '../../context.js';
import { audit, requireCommunity } from '../../context.js';
import { buildingSizes, householdsInScopeOf } from '../../scope.js';
import type { ClaimedHousehold } from '../membership/households.js';
import { moveUp } from './escalate.js';
import { acknowledgeSupport, cardEdits, type SupportCount } from './issue-card.js';
import { backingHouseholds, findIssue, supporterHousehold } from './issue-queries.js';
import { nextLevel, startingLevel } from './levels.js';
import { householdsNeeded } from './thresholds.js';

export const supportable = new Set(['open', 'in_progress', 'answered']);

type Buildings = Awaited<ReturnType<typeof buildingSizes>>;

/**
 * The rules a support must pass, in the order their refusals are given (after issue_not_found), for the general path
 * and the tap batch alike; returns the household the support counts for.
 */
export function supportedHousehold(
  issue: Issue,
  supporter: { isMember: boolean; alreadySupported: boolean; households: ClaimedHousehold[] },
  community: Community,
  buildings: Buildings,
): number {
  if (!supportable.has(issue.status)) throw new DomainError('issue_not_open', { number: issue.number });
  if (!supporter.isMember) throw new DomainError('not_a_member', { community: community.name });
  if (supporter.alreadySupported) throw new DomainError('already_supported', { number: issue.number });
  const householdId = supporterHousehold(supporter.households, issue);
  if (householdId === null) {
    // Where the issue's supporters must live, by name: its building, or the whole community.
    const scope = issue.buildingId === null ? community.name : (buildings.find((b) => b.buildingId === issue.buildingId)?.name ?? '');
    throw new DomainError('support_out_of_scope', { number: issue.number, scope });
  }
  return householdId;
}

/** Households that must back the issue for it to move up: the community's threshold over the issue's scope. */
export function supportNeeded(issue: Issue, community: Community, buildings: Buildings): number {
  return householdsNeeded(
    { kind: community.supportThresholdKind, value: community.supportThresholdValue },
    householdsInScopeOf(issue, buildings),
  );
}

export function supportAudit(issue: Issue, memberId: number): AuditInput {
  return { communityId: issue.communityId, actorMemberId: memberId, action: 'issue.supported', subjectType: 'issue', subjectId: issue.id };
}

/**
 * `/support <n>` or the support button: one support per member per issue, counted for the member's household in the
 * issue's scope; a member without one there is refused (their support would not count, and a support is what makes
 * a neighbour a rater of the outcome). When the households backing it reach the community's threshold, the issue
 * moves up one level from where it entered (further steps are for the building head, group head, representatives or
 * committee to take). Emits issue.supported and maybe issue.escalated; throws issue_not_found, issue_not_open,
 * not_a_member, already_supported, support_out_of_scope.
 */
export async function supportIssue(ctx: CommandContext, action: { number: number }): Promise<void> {
  const community = requireCommunity(ctx);
  const issue = await findIssue(ctx, action.number);
  const existing = await ctx.tx.support.findUnique({ where: { issueId_memberId: { issueId: issue.id, memberId: ctx.member.id } } });
  const supporter = {
    isMember: ctx.memberOf.has(community.id),
    alreadySupported: existing !== null,
    households: ctx.households,
  };
  const buildings = await buildingSizes(ctx.tx, [community.id]);
  const householdId = supportedHousehold(issue, supporter, community, buildings);
  await ctx.tx.support.create({ data: { issueId: issue.id, memberId: ctx.member.id, householdId, createdAt: ctx.now } });
  await audit(ctx, supportAudit(issue, ctx.member.id));
  const count = await supportCount(ctx, issue, buildings);
  acknowledgeSupport({ ...ctx, community }, issue, count);
  const level = await escalateIfSupported(ctx, issue, count);
  ctx.notices.push(...(await cardEdits(ctx, [{ issue, level, count }])));
}

/** The households backing the issue, and how many it needs to move up. */
export async function supportCount(ctx: CommandContext, issue: Issue, buildings?: Buildings): Promise<SupportCount> {
  const community = requireCommunity(ctx);
  const households = (await backingHouseholds(ctx.tx, [issue.id])).get(issue.id)!;
  return { households, needed: supportNeeded(issue, community, buildings ?? (await buildingSizes(ctx.tx, [community.id]))) };
}

/** Moves the issue up one level if it is still where it entered and enough households back it; returns its level. */
export async function escalateIfSupported(ctx: CommandContext, issue: Issue, count: SupportCount): Promise<EscalationLevel> {
  const to = escalationBySupport(issue, count.households, count.needed);
  if (to) await moveUp(ctx, issue, to, 'support', null, null);
  return to ?? issue.level;
}

/** The level enough support moves an issue to: one up, and only from where it entered. */
export function escalationBySupport(issue: Issue, households: number, needed: number): EscalationLevel | null {
  const to = nextLevel(issue.level);
  return to && issue.level === startingLevel(issue) && supportable.has(issue.status) && households >= needed ? to : null;
}
