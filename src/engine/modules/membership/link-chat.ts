import type { CommandContext } from '../../context.js';
import { audit, reply, requireGroup } from '../../context.js';
import { redeemCode } from './redeem-code.js';

/**
 * `/link <code>` in a group: binds the chat to what the code was made for (a building, the community, the
 * committee or a party). Re-linking a chat replaces its binding. Emits chat.linked; throws group_only and the
 * code errors.
 */
export async function linkChat(ctx: CommandContext, action: { code: string }): Promise<void> {
  requireGroup(ctx);
  const code = await redeemCode(ctx, action.code, 'chat_link');
  const chat = await ctx.tx.chat.update({
    where: { id: ctx.chat.id },
    data: {
      binding: code.binding,
      communityId: code.communityId,
      buildingId: code.buildingId,
      partyId: code.partyId,
      boundAt: ctx.now,
      leftAt: null,
    },
    include: { community: true, building: true, party: true },
  });
  ctx.chat = chat;
  ctx.community = chat.community;
  ctx.locale = ctx.member.locale ?? chat.locale ?? chat.community?.locale ?? ctx.locale;
  await audit(ctx, {
    communityId: code.communityId,
    actorMemberId: ctx.member.id,
    action: 'chat.linked',
    subjectType: 'chat',
    subjectId: chat.id,
    data: { binding: code.binding, buildingId: code.buildingId, partyId: code.partyId },
  });
  reply(ctx, {
    type: 'chat.linked',
    params: {
      binding: code.binding ?? 'community',
      community: chat.community?.name ?? '',
      building: chat.building?.name ?? null,
      party: chat.party?.name ?? null,
    },
  });
}
