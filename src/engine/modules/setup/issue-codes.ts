import { OperatorError } from '../../../core/errors.js';
import type { ChatBinding } from '../../../db/generated/client.js';
import { audit, type Tx } from '../../context.js';
import { generateCode, hashCode } from '../membership/codes.js';
import { findCommunity } from './find-community.js';

const day = 86_400_000;

export type ClaimCode = { building: string; unit: string; owner: string; code: string; expiresAt: string };

/**
 * `yishi codes claim`: one single-use claim code per household (of one building if given, of one unit of it if given
 * too, of unclaimed households only if asked), for the committee to hand out. One unit's code is how a family member
 * joins a household already claimed: each member claims with a code of their own. Only hashes are stored, so this
 * list is the only copy. Throws community_not_found, building_not_found, unit_needs_building, unit_not_found.
 */
export async function issueClaimCodes(
  tx: Tx,
  slug: string,
  options: { building?: string; unit?: string; unclaimedOnly?: boolean; days: number },
  now: Date,
): Promise<ClaimCode[]> {
  const community = await findCommunity(tx, slug);
  if (options.unit !== undefined && !options.building) throw new OperatorError('unit_needs_building', { unit: options.unit });
  const building = options.building
    ? await tx.building.findUnique({ where: { communityId_name: { communityId: community.id, name: options.building } } })
    : null;
  if (options.building && !building) throw new OperatorError('building_not_found', { building: options.building, community: slug });
  if (
    building &&
    options.unit !== undefined &&
    !(await tx.household.findUnique({ where: { buildingId_unit: { buildingId: building.id, unit: options.unit } } }))
  ) {
    throw new OperatorError('unit_not_found', { unit: options.unit, building: building.name, community: slug });
  }
  const households = await tx.household.findMany({
    where: {
      building: { communityId: community.id, ...(options.building ? { name: options.building } : {}) },
      ...(options.unit !== undefined ? { unit: options.unit } : {}),
      ...(options.unclaimedOnly ? { claims: { none: {} } } : {}),
    },
    include: { building: true },
    orderBy: [{ building: { name: 'asc' } }, { unit: 'asc' }],
  });
  const expiresAt = new Date(now.getTime() + options.days * day);
  const codes = households.map((household) => ({ household, code: generateCode() }));
  await tx.oneTimeCode.createMany({
    data: codes.map(({ household, code }) => ({
      purpose: 'household_claim' as const,
      codeHash: hashCode(code),
      communityId: community.id,
      householdId: household.id,
      expiresAt,
      createdAt: now,
    })),
  });
  await audit(
    { tx, now },
    {
      communityId: community.id,
      actorLabel: 'cli',
      action: 'codes.claim_issued',
      data: { count: codes.length, building: options.building ?? null, unit: options.unit ?? null },
    },
  );
  return codes.map(({ household, code }) => ({
    building: household.building.name,
    unit: household.unit,
    owner: household.ownerName,
    code,
    expiresAt: expiresAt.toISOString(),
  }));
}

/**
 * `yishi codes link`: a single-use code that binds a group chat to the community, the committee, one building or
 * one party when sent there as `/link <code>`. Throws community_not_found, building_not_found, party_not_found.
 */
export async function issueLinkCode(
  tx: Tx,
  slug: string,
  target: { binding: ChatBinding; name?: string; days: number },
  now: Date,
): Promise<{ code: string; expiresAt: string }> {
  const community = await findCommunity(tx, slug);
  let buildingId: number | null = null;
  let partyId: number | null = null;
  if (target.binding === 'building') {
    const building = await tx.building.findFirst({ where: { communityId: community.id, name: target.name ?? '' } });
    if (!building) throw new OperatorError('building_not_found', { building: target.name ?? '', community: slug });
    buildingId = building.id;
  }
  if (target.binding === 'party') {
    const party = await tx.party.findFirst({ where: { communityId: community.id, name: target.name ?? '' } });
    if (!party) throw new OperatorError('party_not_found', { party: target.name ?? '', community: slug });
    partyId = party.id;
  }
  if (target.binding === 'subdistrict' && community.subdistrictId === null)
    throw new OperatorError('community_without_subdistrict', { community: slug });
  const code = generateCode();
  const expiresAt = new Date(now.getTime() + target.days * day);
  await tx.oneTimeCode.create({
    data: {
      purpose: 'chat_link',
      codeHash: hashCode(code),
      communityId: community.id,
      binding: target.binding,
      buildingId,
      partyId,
      expiresAt,
      createdAt: now,
    },
  });
  await audit(
    { tx, now },
    {
      communityId: community.id,
      actorLabel: 'cli',
      action: 'codes.link_issued',
      data: { binding: target.binding, buildingId, partyId },
    },
  );
  return { code, expiresAt: expiresAt.toISOString() };
}
