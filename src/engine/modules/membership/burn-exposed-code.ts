import type { CodePurpose } from '../../../db/generated/client.js';
import { announce, audit, type CommandContext, reply } from '../../context.js';
import type { ExposedCode } from '../../notices.js';
import { hashCode, isLiveCode } from './codes.js';

/**
 * A code typed where others can read it (any chat but a private one with the bot): when `typed` is a live code of
 * one of `purposes`, burns it for good (it can no longer be redeemed, see redeemCode), tells the chat it is void
 * without naming the household or binding it was for, and tells the committee's chats of the code's community
 * whose code was shown, where and by whom. Returns false and changes nothing when `typed` is no live code of those
 * purposes (not a code, used, expired, already burned): the caller then refuses as it would have anyway.
 * Emits code.exposed and code.exposure_reported. Throws nothing: a refusal would roll the burn back.
 */
export async function burnExposedCode(ctx: CommandContext, typed: string, purposes: CodePurpose[]): Promise<boolean> {
  const code = await ctx.tx.oneTimeCode.findUnique({
    where: { codeHash: hashCode(typed) },
    include: { community: true, household: { include: { building: true } }, building: true, party: true },
  });
  if (!code || !purposes.includes(code.purpose) || !isLiveCode(code, ctx.now)) return false;
  // Of a burn and a redemption racing for one code, exactly one wins; a lost burn leaves nothing to protect.
  const { count } = await ctx.tx.oneTimeCode.updateMany({
    where: { id: code.id, usedAt: null, exposedAt: null },
    data: { exposedAt: ctx.now },
  });
  if (count !== 1) return false;

  const exposed: ExposedCode =
    code.purpose === 'household_claim'
      ? { purpose: 'household_claim', building: code.household?.building.name ?? '', unit: code.household?.unit ?? '' }
      : {
          purpose: 'chat_link',
          binding: code.binding ?? 'community',
          building: code.building?.name ?? null,
          party: code.party?.name ?? null,
        };
  await audit(ctx, {
    communityId: code.communityId,
    actorMemberId: ctx.member.id,
    action: 'code.exposed',
    subjectType: 'code',
    subjectId: code.id,
    data: {
      purpose: code.purpose,
      householdId: code.householdId,
      binding: code.binding,
      buildingId: code.buildingId,
      partyId: code.partyId,
      chatId: ctx.chat.id,
      command: ctx.command.action.type,
    },
  });
  reply(ctx, { type: 'code.exposed', params: { purpose: code.purpose } });
  const committeeChats = await ctx.tx.chat.findMany({
    where: { communityId: code.communityId, binding: 'committee', leftAt: null },
    orderBy: { id: 'asc' },
  });
  const report = { ...exposed, by: ctx.member.displayName, chat: ctx.chat.title };
  for (const chat of committeeChats)
    announce({ notices: ctx.notices, community: code.community, locale: ctx.locale }, chat, {
      type: 'code.exposure_reported',
      params: report,
    });
  return true;
}
