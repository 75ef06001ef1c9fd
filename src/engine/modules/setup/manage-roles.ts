import { OperatorError } from '../../../core/errors.js';
import type { Member, RoleKind } from '../../../db/generated/client.js';
import { audit, type Tx } from '../../context.js';
import { findCommunity } from './find-community.js';

export type RoleTarget = { member: string; role: RoleKind; building?: string; party?: string };

/** A member named as `telegram:12345` (platform and platform user id) or `#17` (yishi's member number). */
export async function findMember(tx: Tx, reference: string): Promise<Member> {
  const byNumber = /^#(\d+)$/.exec(reference);
  const byPlatform = /^(telegram|slack|local):(.+)$/.exec(reference);
  const member = byNumber
    ? await tx.member.findUnique({ where: { id: Number(byNumber[1]) } })
    : byPlatform
      ? await tx.member.findUnique({
          where: { platform_platformUserId: { platform: byPlatform[1] as Member['platform'], platformUserId: byPlatform[2]! } },
        })
      : null;
  if (!member) throw new OperatorError('member_not_found', { member: reference });
  return member;
}

/** Building heads hold their role for one building; party members and responders for one party; the rest community-wide. */
async function resolveScope(tx: Tx, communityId: number, slug: string, target: RoleTarget) {
  const needsBuilding = target.role === 'building_head';
  const needsParty = target.role === 'party_member' || target.role === 'responder';
  if (needsBuilding !== Boolean(target.building) || needsParty !== Boolean(target.party)) {
    throw new OperatorError('role_scope_invalid', { role: target.role });
  }
  if (target.building) {
    const building = await tx.building.findUnique({ where: { communityId_name: { communityId, name: target.building } } });
    if (!building) throw new OperatorError('building_not_found', { building: target.building, community: slug });
    return { buildingId: building.id, partyId: null, scopeKey: `building:${building.id}` };
  }
  if (target.party) {
    const party = await tx.party.findUnique({ where: { communityId_name: { communityId, name: target.party } } });
    if (!party) throw new OperatorError('party_not_found', { party: target.party, community: slug });
    return { buildingId: null, partyId: party.id, scopeKey: `party:${party.id}` };
  }
  return { buildingId: null, partyId: null, scopeKey: 'community' };
}

/**
 * `yishi role grant`: gives a member a role in a community (granting one already held changes nothing).
 * Throws community_not_found, member_not_found, role_scope_invalid, building_not_found, party_not_found.
 */
export async function grantRole(tx: Tx, slug: string, target: RoleTarget, now: Date): Promise<{ created: boolean }> {
  const community = await findCommunity(tx, slug);
  const member = await findMember(tx, target.member);
  const scope = await resolveScope(tx, community.id, slug, target);
  const key = { memberId: member.id, kind: target.role, communityId: community.id, scopeKey: scope.scopeKey };
  if (await tx.role.findUnique({ where: { memberId_kind_communityId_scopeKey: key } })) return { created: false };
  await tx.role.create({ data: { ...key, buildingId: scope.buildingId, partyId: scope.partyId, grantedAt: now } });
  await audit(
    { tx, now },
    {
      communityId: community.id,
      actorLabel: 'cli',
      action: 'role.granted',
      subjectType: 'member',
      subjectId: member.id,
      data: { role: target.role, scope: scope.scopeKey },
    },
  );
  return { created: true };
}

/** `yishi role revoke`: the reverse; revoking a role not held changes nothing. */
export async function revokeRole(tx: Tx, slug: string, target: RoleTarget, now: Date): Promise<{ removed: boolean }> {
  const community = await findCommunity(tx, slug);
  const member = await findMember(tx, target.member);
  const scope = await resolveScope(tx, community.id, slug, target);
  const { count } = await tx.role.deleteMany({
    where: { memberId: member.id, kind: target.role, communityId: community.id, scopeKey: scope.scopeKey },
  });
  if (count > 0) {
    await audit(
      { tx, now },
      {
        communityId: community.id,
        actorLabel: 'cli',
        action: 'role.revoked',
        subjectType: 'member',
        subjectId: member.id,
        data: { role: target.role, scope: scope.scopeKey },
      },
    );
  }
  return { removed: count > 0 };
}
