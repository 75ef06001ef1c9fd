import { createHash, randomInt } from 'node:crypto';

// No 0/O, 1/I/L: codes are read aloud and copied from paper.
const alphabet = '23456789ABCDEFGHJKMNPQRSTUVWXYZ';

/** A one-time code such as "K7M2-Q9TX": 8 characters, about 40 bits. Only its hash is stored. */
export function generateCode(): string {
  const chars = Array.from({ length: 8 }, () => alphabet[randomInt(alphabet.length)]);
  return `${chars.slice(0, 4).join('')}-${chars.slice(4).join('')}`;
}

/** Case, spaces and dashes do not matter when a member types a code back. */
export function normaliseCode(typed: string): string {
  return typed.toUpperCase().replace(/[^0-9A-Z]/g, '');
}

export function hashCode(typed: string): string {
  return createHash('sha256').update(normaliseCode(typed)).digest('hex');
}

/** A code that can still be redeemed: not used, not burned by being shown in public, not expired. */
export function isLiveCode(code: { usedAt: Date | null; exposedAt: Date | null; expiresAt: Date }, now: Date): boolean {
  return code.usedAt === null && code.exposedAt === null && code.expiresAt > now;
}
