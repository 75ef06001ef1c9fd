import { DomainError } from '../../../core/errors.js';
import type { CodePurpose, OneTimeCode } from '../../../db/generated/client.js';
import type { CommandContext } from '../../context.js';
import { hashCode } from './codes.js';

/**
 * Finds a code and marks it used by the member, in one statement that locks it first: of two members racing with one
 * code, the second waits for the first and is told it was used; a code burned by being shown in public
 * (burnExposedCode) never redeems. Throws code_invalid, code_exposed, code_wrong_purpose, code_used, code_expired.
 */
export async function redeemCode(ctx: CommandContext, typed: string, purpose: CodePurpose): Promise<OneTimeCode> {
  const [code] = await ctx.tx.$queryRaw<Array<OneTimeCode & { redeemed: boolean }>>`
    WITH found AS (
      SELECT * FROM "OneTimeCode" WHERE "codeHash" = ${hashCode(typed)} FOR UPDATE
    ), redeemed AS (
      UPDATE "OneTimeCode" c SET "usedAt" = ${ctx.now}, "usedById" = ${ctx.member.id}
      FROM found
      WHERE c."id" = found."id" AND found."exposedAt" IS NULL AND found."purpose" = ${purpose}::"CodePurpose"
        AND found."usedAt" IS NULL AND found."expiresAt" > ${ctx.now}
      RETURNING c."id"
    )
    SELECT found.*, EXISTS (SELECT FROM redeemed) AS "redeemed" FROM found`;
  // The refusals in the order they are given; a code that passes them all was redeemed by the statement.
  if (!code) throw new DomainError('code_invalid');
  if (code.exposedAt) throw new DomainError('code_exposed');
  if (code.purpose !== purpose) throw new DomainError('code_wrong_purpose');
  if (code.usedAt) throw new DomainError('code_used');
  if (code.expiresAt <= ctx.now) throw new DomainError('code_expired');
  if (!code.redeemed) throw new Error(`code ${code.id} passed every rule but was not redeemed`);
  const { redeemed: _, ...redeemed } = code;
  return redeemed;
}
