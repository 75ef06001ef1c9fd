import type { Role } from '../../../db/generated/client.js';

/** The parties a member answers for: those they are a responder or a member of. */
export function answeringParties(roles: Role[]): Set<number> {
  return new Set(
    roles
      .filter((role) => (role.kind === 'responder' || role.kind === 'party_member') && role.partyId !== null)
      .map((role) => role.partyId!),
  );
}
