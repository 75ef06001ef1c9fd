import { DomainError } from '../../../core/errors.js';
import { type CodePurpose, type OneTimeCode, Prisma } from '../../../db/generated/client.js';
import type { CommandContext } from '../../context.js';
import { hashCode } from './codes.js';

/**
 * Finds a code and marks it used by the member, in one statement that locks it first: of two members racing with one
 * code, the second waits for the first and is told it was used; a code burned by being shown in public
 * (burnExposedCode) never redeems. Throws code_invalid, code_exposed, code_wrong_purpose, code_used, code_expired.
 */
export async function redeemCode(ctx: CommandContext, typed: string, purpose: CodePurpose): Promise<OneTimeCode> {
  const [code] = await ctx.tx.$queryRaw<Redemption[]>`
    WITH ${redemptionSql(ctx, typed, purpose)}
    SELECT found.*, EXISTS (SELECT FROM redeemed) AS "redeemed" FROM found`;
  return redeemed(ctx, code, purpose);
}

/** A code as `redemptionSql`'s "found" reads it, and whether its "redeemed" used it up. */
export type Redemption = OneTimeCode & { redeemed: boolean };

/**
 * The common table expressions that redeem a code: "found" (the code, locked) and "redeemed" (its id, if it passed
 * every rule and is now used by the member). A statement can go on from them (a claim inserts from "redeemed"), and
 * `redeemed` then gives its answer.
 */
export function redemptionSql(ctx: CommandContext, typed: string, purpose: CodePurpose): Prisma.Sql {
  return Prisma.sql`found AS (
      SELECT * FROM "OneTimeCode" WHERE "codeHash" = ${hashCode(typed)} FOR UPDATE
    ), redeemed AS (
      UPDATE "OneTimeCode" c SET "usedAt" = ${ctx.now}, "usedById" = ${ctx.member.id}
      FROM found
      WHERE c."id" = found."id" AND found."exposedAt" IS NULL AND found."purpose" = ${purpose}::"CodePurpose"
        AND found."usedAt" IS NULL AND found."expiresAt" > ${ctx.now}
      RETURNING c."id", c."householdId"
    )`;
}

/** The redeemed code, or the refusal for one that is not (in the order the refusals are given). */
export function redeemed(ctx: CommandContext, code: Redemption | undefined, purpose: CodePurpose): OneTimeCode {
  if (!code) throw new DomainError('code_invalid');
  if (code.exposedAt) throw new DomainError('code_exposed');
  if (code.purpose !== purpose) throw new DomainError('code_wrong_purpose');
  if (code.usedAt) throw new DomainError('code_used');
  if (code.expiresAt <= ctx.now) throw new DomainError('code_expired');
  if (!code.redeemed) throw new Error(`code ${code.id} passed every rule but was not redeemed`);
  const { redeemed: _, ...used } = code;
  return used;
}
