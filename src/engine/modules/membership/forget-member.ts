import type { CommandContext } from '../../context.js';
import { audit, reply, requirePrivate } from '../../context.js';

/**
 * `/forgetme` in a private chat asks for confirmation; `/forgetme confirm` (or the button) deletes the member:
 * claims, roles and drafts go; issues, supports and ratings stay as community data without the link to the person;
 * ballots already cast stay counted, their voter key replaced so it names no one. Emits member.forget_requested
 * or member.forgotten; throws private_only.
 */
export async function forgetMember(ctx: CommandContext, action: { confirmed: boolean }): Promise<void> {
  requirePrivate(ctx);
  if (!action.confirmed) {
    reply(ctx, { type: 'member.forget_requested', params: {} }, [{ kind: 'forget_confirm' }]);
    return;
  }
  const memberId = ctx.member.id;
  const ballotsKept = await ctx.tx.$executeRaw`
    UPDATE "Ballot" SET "voterKey" = 'forgotten:' || "id", "memberId" = NULL, "castById" = NULL
    WHERE "voterKey" = ${`member:${memberId}`} OR "memberId" = ${memberId} OR "castById" = ${memberId}`;
  await ctx.tx.member.delete({ where: { id: memberId } });
  await audit(ctx, { communityId: null, actorMemberId: memberId, action: 'member.forgotten', subjectType: 'member', subjectId: memberId });
  reply(ctx, { type: 'member.forgotten', params: { ballotsKept } });
}
