import { DomainError } from '../../../core/errors.js';
import type { CodePurpose, OneTimeCode } from '../../../db/generated/client.js';
import type { CommandContext } from '../../context.js';
import { hashCode } from './codes.js';

/**
 * Finds a code and marks it used by the member, atomically: of two members racing with one code, one wins and the
 * other is told it was used; a code burned by being shown in public (burnExposedCode) never redeems. Throws
 * code_invalid, code_exposed, code_wrong_purpose, code_used, code_expired.
 */
export async function redeemCode(ctx: CommandContext, typed: string, purpose: CodePurpose): Promise<OneTimeCode> {
  const code = await ctx.tx.oneTimeCode.findUnique({ where: { codeHash: hashCode(typed) } });
  if (!code) throw new DomainError('code_invalid');
  if (code.exposedAt) throw new DomainError('code_exposed');
  if (code.purpose !== purpose) throw new DomainError('code_wrong_purpose');
  if (code.usedAt) throw new DomainError('code_used');
  if (code.expiresAt <= ctx.now) throw new DomainError('code_expired');
  const { count } = await ctx.tx.oneTimeCode.updateMany({
    where: { id: code.id, usedAt: null, exposedAt: null },
    data: { usedAt: ctx.now, usedById: ctx.member.id },
  });
  if (count !== 1) {
    // Lost a race: to another member's redemption, or to the code being burned in a group meanwhile.
    const current = await ctx.tx.oneTimeCode.findUnique({ where: { id: code.id }, select: { exposedAt: true } });
    throw new DomainError(current?.exposedAt ? 'code_exposed' : 'code_used');
  }
  return code;
}
