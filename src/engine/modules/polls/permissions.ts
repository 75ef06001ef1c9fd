import { DomainError } from '../../../core/errors.js';
import type { Poll } from '../../../db/generated/client.js';
import type { CommandContext } from '../../context.js';
import { hasRole, requireCommittee, rolesIn } from '../membership/permissions.js';

/** Who opens a poll: the committee anywhere, a building head in their own building's group. Throws poll_role_required. */
export async function requirePollOpener(ctx: CommandContext, communityId: number, buildingId: number | null): Promise<void> {
  const roles = rolesIn(ctx, communityId);
  if (!hasRole(roles, 'committee') && !(buildingId !== null && hasRole(roles, 'building_head', { buildingId })))
    throw new DomainError('poll_role_required');
}

/** Who opens an owners' vote: the committee. Throws committee_only. */
export const requireOwnersVoteOpener = requireCommittee;

/** Who closes a poll early or reminds its chat: its creator, or the committee. Throws poll_creator_only. */
export async function requirePollOwner(ctx: CommandContext, poll: Pick<Poll, 'number' | 'createdById' | 'communityId'>): Promise<void> {
  if (poll.createdById === ctx.member.id) return;
  if (!hasRole(rolesIn(ctx, poll.communityId), 'committee')) throw new DomainError('poll_creator_only', { number: poll.number });
}

/**
 * Who follows an owners' vote's turnout and records paper ballots: the committee (every building) or a building
 * head (their own buildings, `headOf`). Throws turnout_role_required.
 */
export async function requireTurnoutRole(ctx: CommandContext, communityId: number): Promise<{ committee: boolean; headOf: number[] }> {
  const roles = rolesIn(ctx, communityId);
  const committee = hasRole(roles, 'committee');
  const headOf = roles.filter((role) => role.kind === 'building_head' && role.buildingId !== null).map((role) => role.buildingId!);
  if (!committee && headOf.length === 0) throw new DomainError('turnout_role_required');
  return { committee, headOf };
}
