import type { CommandContext } from '../../context.js';
import { audit, reply, requirePrivate } from '../../context.js';
import { burnExposedCode } from './burn-exposed-code.js';
import { redeemCode } from './redeem-code.js';

/**
 * `/claim <code>` in a private chat: the member becomes a verified resident of the code's household (several
 * members of one family may each claim it with their own code). Emits household.claimed. Anywhere else the code
 * has been shown to others: a live code of either purpose is burned (see burnExposedCode: emits code.exposed and
 * code.exposure_reported); any other text is refused with private_only. Throws private_only and the code errors
 * (code_invalid, code_exposed, code_wrong_purpose, code_used, code_expired).
 */
export async function claimHousehold(ctx: CommandContext, action: { code: string }): Promise<void> {
  if (ctx.chat.kind !== 'private' && (await burnExposedCode(ctx, action.code, ['household_claim', 'chat_link']))) return;
  requirePrivate(ctx);
  const code = await redeemCode(ctx, action.code, 'household_claim');
  const household = await ctx.tx.household.findUniqueOrThrow({
    where: { id: code.householdId ?? -1 },
    include: { building: { include: { community: true } } },
  });
  await ctx.tx.householdClaim.upsert({
    where: { memberId_householdId: { memberId: ctx.member.id, householdId: household.id } },
    create: { memberId: ctx.member.id, householdId: household.id, claimedAt: ctx.now },
    update: {},
  });
  ctx.community = household.building.community;
  ctx.locale = ctx.member.locale ?? household.building.community.locale;
  await audit(ctx, {
    communityId: household.building.communityId,
    actorMemberId: ctx.member.id,
    action: 'household.claimed',
    subjectType: 'household',
    subjectId: household.id,
  });
  reply(ctx, {
    type: 'household.claimed',
    params: { community: household.building.community.name, building: household.building.name, unit: household.unit },
  });
}
