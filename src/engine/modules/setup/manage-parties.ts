import { OperatorError } from '../../../core/errors.js';
import type { Party, PartyKind } from '../../../db/generated/client.js';
import { audit, type Tx } from '../../context.js';
import { findCommunity } from './find-community.js';

/**
 * `yishi party add`: a body that sits on the joint meeting or answers follow-ups (a department usually only the
 * latter). Its name is what the committee types in `/assign`. Throws community_not_found, party_exists.
 */
export async function addParty(
  tx: Tx,
  slug: string,
  input: { kind: PartyKind; name: string; inJointMeeting?: boolean },
  now: Date,
): Promise<Party> {
  const community = await findCommunity(tx, slug);
  const name = input.name.trim();
  if (await tx.party.findUnique({ where: { communityId_name: { communityId: community.id, name } } })) {
    throw new OperatorError('party_exists', { party: name, community: slug });
  }
  const party = await tx.party.create({
    data: {
      communityId: community.id,
      kind: input.kind,
      name,
      inJointMeeting: input.inJointMeeting ?? input.kind !== 'department',
      createdAt: now,
    },
  });
  await audit(
    { tx, now },
    {
      communityId: community.id,
      actorLabel: 'cli',
      action: 'party.added',
      subjectType: 'party',
      subjectId: party.id,
    },
  );
  return party;
}

export function listParties(tx: Tx, communityId: number): Promise<Party[]> {
  return tx.party.findMany({ where: { communityId }, orderBy: { name: 'asc' } });
}
