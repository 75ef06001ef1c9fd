import type { CommandContext } from '../../context.js';
import { announce, audit, checkText, reply } from '../../context.js';
import { privateChatOf } from '../membership/households.js';
import { requireCommittee } from '../membership/permissions.js';
import { findIssue, originChat } from './issue-queries.js';

/**
 * `/hide <n> <reason>` (committee): takes an abusive or off-topic issue out of every list. The reason goes to the
 * audit log and to the raiser (privately if they have a private chat with the bot, else where they raised it).
 * Emits issue.hidden; throws committee_only, issue_not_found, reason_required, text_too_long.
 */
export async function hideIssue(ctx: CommandContext, action: { number: number; reason: string }): Promise<void> {
  await requireCommittee(ctx);
  const reason = checkText(ctx, action.reason, 'reason_required');
  const issue = await findIssue(ctx, action.number);
  await ctx.tx.issue.update({ where: { id: issue.id }, data: { status: 'hidden', hiddenReason: reason, updatedAt: ctx.now } });
  await audit(ctx, {
    communityId: issue.communityId,
    actorMemberId: ctx.member.id,
    action: 'issue.hidden',
    subjectType: 'issue',
    subjectId: issue.id,
    data: { reason, previousStatus: issue.status },
  });
  const body = { type: 'issue.hidden' as const, params: { number: issue.number, reason } };
  reply(ctx, body);
  const raiserChat =
    (issue.raisedById !== null ? await privateChatOf(ctx.tx, issue.raisedById) : null) ?? (await originChat(ctx.tx, issue));
  if (raiserChat) {
    const raiser = issue.raisedById !== null ? await ctx.tx.member.findUnique({ where: { id: issue.raisedById } }) : null;
    announce(ctx, { id: raiserChat.id, locale: raiser?.locale ?? raiserChat.locale }, body);
  }
}
