import { DomainError } from '../../../core/errors.js';
import type { Community } from '../../../db/generated/client.js';
import type { CommandContext } from '../../context.js';
import { answeringParties } from '../followups/permissions.js';
import { hasRole, rolesIn } from '../membership/permissions.js';

/** Who follows the joint meetings: the committee and the members of the parties. Throws meeting_role_required. */
export async function requireMeetingRole(ctx: CommandContext, community: Community): Promise<void> {
  const roles = rolesIn(ctx, community.id);
  if (!hasRole(roles, 'committee') && answeringParties(roles).size === 0) throw new DomainError('meeting_role_required');
}
