import { DomainError } from '../../../core/errors.js';
import type { Role, RoleKind } from '../../../db/generated/client.js';
import { type CommandContext, requireCommunity } from '../../context.js';

/** The actor's roles in a community, as the command began. */
export function rolesIn(ctx: Pick<CommandContext, 'roles'>, communityId: number): Role[] {
  return ctx.roles.filter((role) => role.communityId === communityId);
}

export function hasRole(roles: Role[], kind: RoleKind, scope?: { buildingId?: number | null; partyId?: number }): boolean {
  return roles.some(
    (role) =>
      role.kind === kind &&
      (scope?.buildingId === undefined || scope.buildingId === null || role.buildingId === scope.buildingId) &&
      (scope?.partyId === undefined || role.partyId === scope.partyId),
  );
}

/** Refuses unless the actor is a verified member of the command's community (DOMAIN rule 6: a household or a role). */
export async function requireMember(ctx: CommandContext): Promise<void> {
  const community = requireCommunity(ctx);
  if (!ctx.memberOf.has(community.id)) throw new DomainError('not_a_member', { community: community.name });
}

export async function requireCommittee(ctx: CommandContext): Promise<Role[]> {
  const community = requireCommunity(ctx);
  const roles = rolesIn(ctx, community.id);
  if (!hasRole(roles, 'committee')) throw new DomainError('committee_only');
  return roles;
}
