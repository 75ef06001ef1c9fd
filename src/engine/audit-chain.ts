import { createHash } from 'node:crypto';
import type { AuditEntry, Prisma } from '../db/generated/client.js';

/** JSON with object keys sorted at every depth, so equal content always hashes the same. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value ?? null);
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, inner]) => inner !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([key, inner]) => `${JSON.stringify(key)}:${canonicalJson(inner)}`).join(',')}}`;
}

export type AuditContent = {
  communityId: number | null;
  actorMemberId: number | null;
  actorLabel: string | null;
  action: string;
  subjectType: string | null;
  subjectId: number | null;
  data: Prisma.JsonValue;
  createdAt: Date;
};

/** The hash of an entry: SHA-256 over the previous entry's hash and the entry's canonical content. */
export function entryHash(prevHash: string | null, entry: AuditContent): string {
  const content = canonicalJson({ ...entry, createdAt: entry.createdAt.toISOString() });
  return createHash('sha256')
    .update(`${prevHash ?? ''}\n${content}`)
    .digest('hex');
}

function contentOf(entry: AuditEntry): AuditContent {
  const { communityId, actorMemberId, actorLabel, action, subjectType, subjectId, data, createdAt } = entry;
  return { communityId, actorMemberId, actorLabel, action, subjectType, subjectId, data, createdAt };
}

export type ChainCheck = { entries: number; head: string | null; broken: null | { id: number; reason: 'content' | 'link' } };

/**
 * Walks one community's chain oldest first. An edited entry no longer matches its hash ("content"); a deleted or
 * reordered one leaves the next entry pointing at a hash that is not its predecessor's ("link").
 */
export function verifyChain(entries: AuditEntry[]): ChainCheck {
  let previous: string | null = null;
  for (const entry of entries) {
    if (entry.prevHash !== previous) return { entries: entries.length, head: previous, broken: { id: entry.id, reason: 'link' } };
    if (entry.hash !== entryHash(entry.prevHash, contentOf(entry)))
      return { entries: entries.length, head: previous, broken: { id: entry.id, reason: 'content' } };
    previous = entry.hash;
  }
  return { entries: entries.length, head: previous, broken: null };
}
