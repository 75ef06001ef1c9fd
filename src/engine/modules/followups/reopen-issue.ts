import { DomainError } from '../../../core/errors.js';
import type { CommandContext } from '../../context.js';
import { audit } from '../../context.js';
import { findIssue } from '../issues/issue-queries.js';
import { ratersOf } from './raters.js';
import { reopen } from './reopen.js';

/**
 * `/reopen <n>`: the raiser or a supporter reopens a closed issue. Emits issue.reopened; throws issue_not_found,
 * issue_not_closed, not_a_supporter.
 */
export async function reopenIssue(ctx: CommandContext, action: { number: number }): Promise<void> {
  const issue = await findIssue(ctx, action.number);
  if (issue.status !== 'closed') throw new DomainError('issue_not_closed', { number: issue.number });
  // The same people who rate it: the raiser and the supporters whose support counted (a household in its scope).
  const raters = (await ratersOf(ctx.tx, [issue])).get(issue.id) ?? [];
  if (!raters.includes(ctx.member.id)) throw new DomainError('not_a_supporter', { number: issue.number });
  await audit(ctx, {
    communityId: issue.communityId,
    actorMemberId: ctx.member.id,
    action: 'issue.reopened',
    subjectType: 'issue',
    subjectId: issue.id,
    data: { cause: 'supporters' },
  });
  await reopen(ctx, issue, 'supporters');
}
