import { type ChainCheck, verifyChain } from '../../audit-chain.js';
import type { Tx } from '../../context.js';
import { findCommunity } from './find-community.js';

/** `yishi audit verify`: recomputes a community's hash chain; any edit or deletion shows as the first broken entry. */
export async function verifyAuditLog(tx: Tx, slug: string): Promise<ChainCheck> {
  const community = await findCommunity(tx, slug);
  return verifyChain(await tx.auditEntry.findMany({ where: { communityId: community.id }, orderBy: { id: 'asc' } }));
}

/**
 * `yishi audit export`: the evidence file for an owners' assembly filing or a dispute: every entry with its hashes,
 * the verification, and the head hash to keep on paper (a later export must still contain it).
 */
export async function exportAuditLog(tx: Tx, slug: string, now: Date) {
  const community = await findCommunity(tx, slug);
  const entries = await tx.auditEntry.findMany({ where: { communityId: community.id }, orderBy: { id: 'asc' } });
  const check = verifyChain(entries);
  return {
    format: 'yishi.audit-export.v1',
    generatedAt: now.toISOString(),
    community: { slug: community.slug, name: community.name },
    hashing:
      'sha256(prevHash + "\\n" + canonical JSON of {actorLabel, actorMemberId, action, communityId, createdAt, data, subjectId, subjectType})',
    verification: check,
    entries: entries.map((entry) => ({ ...entry, createdAt: entry.createdAt.toISOString() })),
  };
}
