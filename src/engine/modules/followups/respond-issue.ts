import { DomainError } from '../../../core/errors.js';
import type { CommandContext } from '../../context.js';
import { announce, audit, checkText, reply, requireCommunity } from '../../context.js';
import { findIssue, originChat } from '../issues/issue-queries.js';
import { rolesIn } from '../membership/permissions.js';
import { answeringParties } from './permissions.js';

/**
 * `/respond <n> <text>`: a member of the assigned body answers; the answer is posted back where the issue was
 * raised, so residents see it. Emits issue.responded; throws issue_not_found, no_open_follow_up, not_responder,
 * text_empty, text_too_long.
 */
export async function respondIssue(ctx: CommandContext, action: { number: number; text: string }): Promise<void> {
  const community = requireCommunity(ctx);
  const issue = await findIssue(ctx, action.number);
  const open = await ctx.tx.followUp.findMany({
    where: { issueId: issue.id, respondedAt: null },
    include: { party: true },
    orderBy: { id: 'asc' },
  });
  if (open.length === 0) throw new DomainError('no_open_follow_up', { number: issue.number });
  const roles = rolesIn(ctx, community.id);
  const partyIds = answeringParties(roles);
  const followUp = open.find((candidate) => partyIds.has(candidate.partyId));
  if (!followUp) throw new DomainError('not_responder', { number: issue.number, party: open.map((f) => f.party.name).join(', ') });
  const response = checkText(ctx, action.text);
  await ctx.tx.followUp.update({ where: { id: followUp.id }, data: { response, respondedAt: ctx.now, respondedById: ctx.member.id } });
  await ctx.tx.issue.update({ where: { id: issue.id }, data: { status: 'answered', updatedAt: ctx.now } });
  await audit(ctx, {
    communityId: community.id,
    actorMemberId: ctx.member.id,
    action: 'issue.responded',
    subjectType: 'issue',
    subjectId: issue.id,
    data: { followUpId: followUp.id },
  });
  const body = {
    type: 'issue.responded' as const,
    params: { number: issue.number, party: followUp.party.name, response, late: ctx.now > followUp.deadline },
  };
  reply(ctx, body);
  const origin = await originChat(ctx.tx, issue);
  if (origin) announce(ctx, origin, body);
}
