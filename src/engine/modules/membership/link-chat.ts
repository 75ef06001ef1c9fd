import type { CommandContext } from '../../context.js';
import { audit, reply, requireGroup } from '../../context.js';
import { burnExposedCode } from './burn-exposed-code.js';
import { redeemCode } from './redeem-code.js';

/**
 * `/link <code>` in a group: binds the chat to what the code was made for (a building, the community, the
 * committee, a party or the community's subdistrict). Re-linking a chat replaces its binding. Emits chat.linked.
 * A live household claim code sent here has been shown to the group: it is burned instead (see burnExposedCode:
 * emits code.exposed and code.exposure_reported). In a private chat only the bot saw the code, so nothing is
 * burned. Throws group_only and the code errors (code_invalid, code_exposed, code_wrong_purpose, code_used,
 * code_expired).
 */
export async function linkChat(ctx: CommandContext, action: { code: string }): Promise<void> {
  requireGroup(ctx);
  if (await burnExposedCode(ctx, action.code, ['household_claim'])) return;
  const code = await redeemCode(ctx, action.code, 'chat_link');
  // A subdistrict's chat (the weekly roll-up) is linked through one of its communities.
  const subdistrictId =
    code.binding === 'subdistrict' && code.communityId !== null
      ? ((await ctx.tx.community.findUnique({ where: { id: code.communityId } }))?.subdistrictId ?? null)
      : null;
  const chat = await ctx.tx.chat.update({
    where: { id: ctx.chat.id },
    data: {
      binding: code.binding,
      communityId: code.communityId,
      buildingId: code.buildingId,
      partyId: code.partyId,
      subdistrictId,
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
