import { DomainError } from '../../../core/errors.js';
import type { CodePurpose, OneTimeCode } from '../../../db/generated/client.js';
import type { CommandContext } from '../../context.js';
import { hashCode } from './codes.js';

/**
 * Finds a code and marks it used by the member, atomically: of two members racing with one code, one wins and the
 * other is told it was used. Throws code_invalid, code_wrong_purpose, code_expired, code_used.
 */
export async function redeemCode(ctx: CommandContext, typed: string, purpose: CodePurpose): Promise<OneTimeCode> {
  const code = await ctx.tx.oneTimeCode.findUnique({ where: { codeHash: hashCode(typed) } });
  if (!code) throw new DomainError('code_invalid');
  if (code.purpose !== purpose) throw new DomainError('code_wrong_purpose');
  if (code.usedAt) throw new DomainError('code_used');
  if (code.expiresAt <= ctx.now) throw new DomainError('code_expired');
  const { count } = await ctx.tx.oneTimeCode.updateMany({
    where: { id: code.id, usedAt: null },
    data: { usedAt: ctx.now, usedById: ctx.member.id },
  });
  if (count !== 1) throw new DomainError('code_used');
  return code;
}
