import { DomainError } from '../../../core/errors.js';
import type { Issue, RoleKind } from '../../../db/generated/client.js';
import type { CommandContext } from '../../context.js';
import { hasRole, rolesIn } from '../membership/permissions.js';

/**
 * Who moves an issue up by hand: the role that speaks for its current level (`role`; a building head only for the
 * issue's building), or the committee. Throws escalate_role_required.
 */
export async function requireEscalator(
  ctx: CommandContext,
  issue: Pick<Issue, 'number' | 'communityId' | 'buildingId'>,
  role: RoleKind,
): Promise<void> {
  const roles = rolesIn(ctx, issue.communityId);
  const allowed =
    hasRole(roles, 'committee') || hasRole(roles, role, role === 'building_head' ? { buildingId: issue.buildingId } : undefined);
  if (!allowed) throw new DomainError('escalate_role_required', { role, number: issue.number });
}
