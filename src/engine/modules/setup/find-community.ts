import { OperatorError } from '../../../core/errors.js';
import type { Community } from '../../../db/generated/client.js';
import type { Tx } from '../../context.js';

export async function findCommunity(tx: Tx, slug: string): Promise<Community> {
  const community = await tx.community.findUnique({ where: { slug } });
  if (!community) throw new OperatorError('community_not_found', { slug });
  return community;
}

export function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}
