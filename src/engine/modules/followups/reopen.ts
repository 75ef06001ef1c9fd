import type { Issue } from '../../../db/generated/client.js';
import type { EffectContext } from '../../context.js';
import { announce } from '../../context.js';
import { originChat } from '../issues/issue-queries.js';
import { scheduleFollowUpReminders } from './follow-up-reminders.js';

const day = 86_400_000;

/**
 * Sends an issue back (退回重办): a new round, and if a body was handling it, a fresh follow-up for that body
 * with as many days as it had before. The raising chat and the body's chats are told.
 */
export async function reopen(ctx: EffectContext, issue: Issue, cause: 'ratings' | 'supporters'): Promise<void> {
  const last = await ctx.tx.followUp.findFirst({ where: { issueId: issue.id }, orderBy: { id: 'desc' } });
  await ctx.tx.issue.update({
    where: { id: issue.id },
    data: { status: last ? 'in_progress' : 'open', round: { increment: 1 }, resolvedAt: null, closedAt: null, updatedAt: ctx.now },
  });
  const body = { type: 'issue.reopened' as const, params: { number: issue.number, cause } };
  const origin = await originChat(ctx.tx, issue);
  if (origin) announce(ctx, origin, body);
  if (!last) return;
  const days = Math.max(1, Math.round((last.deadline.getTime() - last.createdAt.getTime()) / day));
  const followUp = await ctx.tx.followUp.create({
    data: {
      issueId: issue.id,
      partyId: last.partyId,
      assignedById: last.assignedById,
      deadline: new Date(ctx.now.getTime() + days * day),
      createdAt: ctx.now,
    },
  });
  const community = await ctx.tx.community.findUniqueOrThrow({ where: { id: issue.communityId } });
  await scheduleFollowUpReminders(ctx.tx, followUp, community, ctx.now);
  for (const chat of await ctx.tx.chat.findMany({ where: { binding: 'party', partyId: last.partyId, leftAt: null } }))
    announce(ctx, chat, body);
}
