import { DomainError } from '../../../core/errors.js';
import type { Chat, Community, Meeting, Party } from '../../../db/generated/client.js';
import type { CommandContext, EffectContext, Tx } from '../../context.js';
import { answeringParties } from '../followups/permissions.js';
import { rolesIn } from '../membership/permissions.js';

/**
 * The meeting the committee is preparing or holding: the community's earliest one not yet closed, locked for the
 * rest of the transaction. Throws no_meeting.
 */
export async function currentMeeting(ctx: CommandContext, community: Community): Promise<Meeting> {
  const [meeting] = await ctx.tx.$queryRaw<Meeting[]>`
    SELECT * FROM "Meeting" WHERE "communityId" = ${community.id} AND "status" <> 'closed'
    ORDER BY "startsAt", "id" LIMIT 1 FOR UPDATE`;
  if (!meeting) throw new DomainError('no_meeting');
  return meeting;
}

/** Meeting #number of the community, locked. Throws meeting_not_found. */
export async function meetingByNumber(tx: Tx, community: Community, number: number): Promise<Meeting> {
  const [meeting] = await tx.$queryRaw<Meeting[]>`
    SELECT * FROM "Meeting" WHERE "communityId" = ${community.id} AND "number" = ${number} FOR UPDATE`;
  if (!meeting) throw new DomainError('meeting_not_found', { number });
  return meeting;
}

/** The parties that sit at the community's joint meeting, by name. */
export function sittingParties(tx: Tx, communityId: number): Promise<Party[]> {
  return tx.party.findMany({ where: { communityId, inJointMeeting: true }, orderBy: { name: 'asc' } });
}

/** A party of the community by its name as typed (case-insensitive). Throws responder_not_found with the names known. */
export async function partyNamed(tx: Tx, communityId: number, name: string): Promise<Party> {
  const parties = await tx.party.findMany({ where: { communityId }, orderBy: { name: 'asc' } });
  const party = parties.find((candidate) => candidate.name.toLowerCase() === name.trim().toLowerCase());
  if (!party) throw new DomainError('responder_not_found', { name, known: parties.map((p) => p.name).join(', ') || '-' });
  return party;
}

/**
 * The sitting party a member speaks for here: the party of the party chat they typed in, else their only sitting
 * party. Throws not_party_member (no such party of theirs), party_not_at_meeting (theirs does not sit), party_ambiguous.
 */
export async function speakingParty(ctx: CommandContext, community: Community): Promise<Party> {
  const theirs = answeringParties(rolesIn(ctx, community.id));
  const candidates = ctx.chat.partyId !== null ? [ctx.chat.partyId] : [...theirs];
  const mine = candidates.filter((id) => theirs.has(id));
  if (mine.length === 0) throw new DomainError('not_party_member');
  const sitting = (await sittingParties(ctx.tx, community.id)).filter((party) => mine.includes(party.id));
  if (sitting.length === 0) throw new DomainError('party_not_at_meeting');
  if (sitting.length > 1) throw new DomainError('party_ambiguous', { parties: sitting.map((p) => p.name).join(', ') });
  return sitting[0]!;
}

/** The live chats of the committee, or of these parties. */
export function committeeChats(tx: Tx, communityId: number): Promise<Chat[]> {
  return tx.chat.findMany({ where: { communityId, binding: 'committee', leftAt: null }, orderBy: { id: 'asc' } });
}

export function partyChats(tx: Tx, partyIds: number[]): Promise<Chat[]> {
  return tx.chat.findMany({ where: { binding: 'party', partyId: { in: partyIds }, leftAt: null }, orderBy: { id: 'asc' } });
}

/** Who comes: each sitting party's answer, and whether the parties attending (themselves or by a delegate) make the quorum. */
export async function attendance(ctx: Pick<EffectContext, 'tx'>, meeting: Meeting, community: Community) {
  const parties = await sittingParties(ctx.tx, community.id);
  const rsvps = await ctx.tx.rsvp.findMany({ where: { meetingId: meeting.id } });
  const entries = parties.map((party) => {
    const rsvp = rsvps.find((candidate) => candidate.partyId === party.id);
    return {
      partyId: party.id,
      party: party.name,
      answer: rsvp?.answer ?? null,
      delegate: rsvp?.delegate ?? null,
      reason: rsvp?.reason ?? null,
    };
  });
  const attending = entries.filter((entry) => entry.answer === 'attend' || entry.answer === 'delegate').length;
  const quorum = community.meetingQuorum;
  return { parties: entries, attending, quorum, met: attending >= quorum };
}
