import { Prisma } from '../../../db/generated/client.js';

export type SupportThreshold = { kind: 'count' | 'share'; value: Prisma.Decimal | string | number };

/**
 * Households whose support moves an issue up: a fixed count, or a share of the households in the scope,
 * rounded up (a 10% share of 23 households needs 3). Never below 1. Decimal arithmetic, so shares are exact.
 */
export function householdsNeeded(threshold: SupportThreshold, householdsInScope: number): number {
  const value = new Prisma.Decimal(threshold.value);
  if (threshold.kind === 'count') return Math.max(1, value.toNumber());
  return Math.max(1, value.mul(householdsInScope).ceil().toNumber());
}
