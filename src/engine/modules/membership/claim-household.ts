import type { Community } from '../../../db/generated/client.js';
import { communityColumns } from '../../aliased-columns.js';
import type { CommandContext } from '../../context.js';
import { audit, reply, requirePrivate } from '../../context.js';
import { burnExposedCode } from './burn-exposed-code.js';
import { type Redemption, redeemed, redemptionSql } from './redeem-code.js';
import { resolveLocale } from './set-language.js';

type ClaimedHousehold = { id: number; unit: string; building: string };

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
  // Redeemed, claimed, and read back with the household's building name and community, in one statement. A second
  // claim of the same household by the same member (a family member's code, say) changes nothing.
  const [row] = await ctx.tx.$queryRaw<Array<Redemption & Record<string, unknown> & { household: ClaimedHousehold | null }>>`
    WITH ${redemptionSql(ctx, action.code, 'household_claim')}, claimed AS (
      INSERT INTO "HouseholdClaim" ("memberId", "householdId", "claimedAt")
      SELECT ${ctx.member.id}, "householdId", ${ctx.now} FROM redeemed WHERE "householdId" IS NOT NULL
      ON CONFLICT ("memberId", "householdId") DO NOTHING
    )
    SELECT found.*, EXISTS (SELECT FROM redeemed) AS "redeemed", ${communityColumns.sql},
      CASE WHEN h."id" IS NOT NULL THEN json_build_object('id', h."id", 'unit', h."unit", 'building', b."name") END AS "household"
    FROM found LEFT JOIN "Household" h ON h."id" = found."householdId"
      LEFT JOIN "Building" b ON b."id" = h."buildingId" LEFT JOIN "Community" o ON o."id" = b."communityId"`;
  const code = redeemed(ctx, row, 'household_claim');
  ctx.changedOwnContextOnly = true;
  const household = row!.household;
  const community = communityColumns.rowOf<Community>(row!);
  if (!household || !community) throw new Error(`claim code ${code.id} names no household`);
  ctx.community = community;
  ctx.locale = resolveLocale(ctx.member, ctx.chat, community, ctx.command.actor.languageHint);
  await audit(ctx, {
    communityId: community.id,
    actorMemberId: ctx.member.id,
    action: 'household.claimed',
    subjectType: 'household',
    subjectId: household.id,
  });
  reply(ctx, {
    type: 'household.claimed',
    params: { community: community.name, building: household.building, unit: household.unit },
  });
}
