import { DomainError } from '../../../core/errors.js';
import type { CommandContext } from '../../context.js';
import { announce, audit, reply } from '../../context.js';
import { requireCommittee } from '../membership/permissions.js';
import { findIssue, originChat } from './issue-queries.js';
import { openStatuses } from './raise-issue.js';

/**
 * `/triage <n> small|big` (committee): small matters residents settle, big ones go to a responsible body (rule 1).
 * The decision and who made it are recorded, and the chat the issue came from is told. Emits issue.triaged;
 * throws committee_only, issue_not_found, issue_not_open.
 */
export async function triageIssue(ctx: CommandContext, action: { number: number; triage: 'small' | 'big' }): Promise<void> {
  await requireCommittee(ctx);
  const issue = await findIssue(ctx, action.number);
  if (!(openStatuses as readonly string[]).includes(issue.status)) throw new DomainError('issue_not_open', { number: issue.number });
  await ctx.tx.issue.update({
    where: { id: issue.id },
    data: { triage: action.triage, triagedById: ctx.member.id, triagedAt: ctx.now, updatedAt: ctx.now },
  });
  await audit(ctx, {
    communityId: issue.communityId,
    actorMemberId: ctx.member.id,
    action: 'issue.triaged',
    subjectType: 'issue',
    subjectId: issue.id,
    data: { triage: action.triage, previous: issue.triage },
  });
  const body = { type: 'issue.triaged' as const, params: { number: issue.number, triage: action.triage, by: ctx.member.displayName } };
  reply(ctx, body);
  const origin = await originChat(ctx.tx, issue);
  if (origin) announce(ctx, origin, body);
}
