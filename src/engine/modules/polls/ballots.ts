import { DomainError } from '../../../core/errors.js';
import type { BallotSource, PollOption } from '../../../db/generated/client.js';
import type { AuditInput, Tx } from '../../context.js';
import type { ClaimedHousehold } from '../membership/households.js';
import { type PollWithOptions, secretVoterKey } from './poll-queries.js';

// How a vote becomes ballots, for one tap (cast-vote.ts) and a batch of taps (vote-taps.ts) alike: whose ballots a
// voter writes, what a tap does to them, what the audit log may say, and how they are read and written.

/** A ballot as it is read, changed in memory and written back (`id` null until it exists). */
export type BallotState = {
  id: number | null;
  pollId: number;
  voterKey: string;
  householdId: number | null;
  memberId: number | null;
  castById: number | null;
  choices: number[];
};

/** A ballot a voter writes: one per household of theirs in an owners' vote, else their own. */
export type Cast = Omit<BallotState, 'id' | 'choices'> & { household: ClaimedHousehold | null };

/**
 * Whose ballots a vote writes: each of the member's households in the scope in an owners' vote; in a secret poll a
 * keyed voter key that names no one (`secret` is the installation's ballot secret); the member otherwise.
 */
export function castsOf(memberId: number, poll: PollWithOptions, households: ClaimedHousehold[], secret: string): Cast[] {
  const base = { pollId: poll.id, householdId: null, memberId: null, castById: null };
  if (poll.kind === 'owners_vote')
    return households.map((household) => ({
      ...base,
      voterKey: `household:${household.id}`,
      householdId: household.id,
      castById: memberId,
      household,
    }));
  if (poll.secret) return [{ ...base, voterKey: secretVoterKey(secret, poll.id, memberId), household: null }];
  return [{ ...base, voterKey: `member:${memberId}`, memberId, castById: memberId, household: null }];
}

/**
 * The option a vote tap chooses, once the rules for voting in an open poll hold, in the order their refusals are
 * given: an option the poll has, and a voter with a household in its scope (`households`, already narrowed to it).
 */
export function votedOption(poll: PollWithOptions, position: number, households: ClaimedHousehold[]): PollOption {
  const option = poll.options.find((candidate) => candidate.position === position);
  if (!option) throw new DomainError('poll_option_invalid', { number: poll.number });
  if (households.length === 0) throw new DomainError('not_a_voter', { number: poll.number });
  return option;
}

/** A tap's effect on a voter's choices: in a multi-choice poll it toggles the option, otherwise it replaces the choice. */
export function nextChoices(multi: boolean, had: number[], optionId: number): number[] {
  if (!multi) return [optionId];
  return had.includes(optionId) ? had.filter((id) => id !== optionId) : [...had, optionId];
}

/**
 * A vote tap on `option`: each cast's ballot after it (from the ballots as they stand, by `pollId:voterKey`), and the
 * audit entry for each, which in a secret poll names neither the voter nor the choice.
 */
export function applyVote(
  poll: PollWithOptions,
  memberId: number,
  casts: Cast[],
  ballots: Map<string, BallotState>,
  option: PollOption,
): Array<{ cast: Cast; previous: BallotState | undefined; next: BallotState; audit: AuditInput }> {
  return casts.map((cast) => {
    const { household, ...ballot } = cast;
    const previous = ballots.get(`${poll.id}:${cast.voterKey}`);
    const choices = nextChoices(poll.multi, previous?.choices ?? [], option.id);
    return {
      cast,
      previous,
      next: { ...ballot, id: previous?.id ?? null, choices },
      audit: {
        communityId: poll.communityId,
        actorMemberId: poll.kind === 'owners_vote' || !poll.secret ? memberId : null,
        action: 'ballot.cast',
        subjectType: 'poll',
        subjectId: poll.id,
        data: household
          ? { householdId: household.id, choice: option.label, source: 'chat' }
          : poll.secret
            ? { secret: true }
            : { choices: choices.length },
      },
    };
  });
}

/** The ballots of these voters in these polls, by `pollId:voterKey`; one statement. */
export async function loadBallots(tx: Tx, pollIds: number[], voterKeys: string[]): Promise<Map<string, BallotState>> {
  const rows = await tx.$queryRaw<BallotState[]>`
    SELECT b."id", b."pollId", b."voterKey", b."householdId", b."memberId", b."castById",
      coalesce(array_agg(c."optionId") FILTER (WHERE c."optionId" IS NOT NULL), '{}')::int[] AS "choices"
    FROM "Ballot" b LEFT JOIN "BallotChoice" c ON c."ballotId" = b."id"
    WHERE b."pollId" = ANY(${pollIds}::int[]) AND b."voterKey" = ANY(${voterKeys}::text[])
    GROUP BY b."id"`;
  return new Map(rows.map((ballot) => [`${ballot.pollId}:${ballot.voterKey}`, ballot]));
}

/**
 * Writes ballots as they now stand: created or updated on their (poll, voter key), with their choices replaced; a
 * ballot left with no choice (a multi-choice poll's last option toggled off) is deleted. Concurrent taps by one voter
 * meet on the unique key.
 */
export async function writeBallots(
  tx: Tx,
  now: Date,
  ballots: Array<BallotState & { source: BallotSource; note: string | null }>,
): Promise<void> {
  const kept = ballots.filter((ballot) => ballot.choices.length > 0);
  const emptied = ballots.filter((ballot) => ballot.choices.length === 0 && ballot.id !== null).map((ballot) => ballot.id!);
  // Households' ballots move their owners' vote's running totals (database triggers); taking the polls first, in
  // one order, keeps two writers of the same totals from deadlocking.
  const ownersPolls = [...new Set(ballots.filter((ballot) => ballot.householdId !== null).map((ballot) => ballot.pollId))];
  if (ownersPolls.length > 0)
    await tx.$queryRaw`SELECT "id" FROM "Poll" WHERE "id" = ANY(${ownersPolls}::int[]) ORDER BY "id" FOR NO KEY UPDATE`;
  if (kept.length > 0) {
    const ids = await tx.$queryRaw<Array<{ id: number; pollId: number; voterKey: string }>>`
      INSERT INTO "Ballot" ("pollId", "voterKey", "householdId", "memberId", "castById", "source", "note", "createdAt", "updatedAt")
      SELECT p, k, h, m, c, s::"BallotSource", n, ${now}, ${now}
      FROM unnest(${kept.map((b) => b.pollId)}::int[], ${kept.map((b) => b.voterKey)}::text[], ${kept.map((b) => b.householdId)}::int[],
                  ${kept.map((b) => b.memberId)}::int[], ${kept.map((b) => b.castById)}::int[], ${kept.map((b) => b.source)}::text[],
                  ${kept.map((b) => b.note)}::text[]) AS t(p, k, h, m, c, s, n)
      ON CONFLICT ("pollId", "voterKey") DO UPDATE
        SET "source" = EXCLUDED."source", "castById" = EXCLUDED."castById", "note" = EXCLUDED."note", "updatedAt" = EXCLUDED."updatedAt"
      RETURNING "id", "pollId", "voterKey"`;
    const idOf = new Map(ids.map((row) => [`${row.pollId}:${row.voterKey}`, row.id]));
    const choices = kept.flatMap((b) => b.choices.map((optionId) => [idOf.get(`${b.pollId}:${b.voterKey}`)!, optionId] as const));
    await tx.$executeRaw`DELETE FROM "BallotChoice" WHERE "ballotId" = ANY(${ids.map((row) => row.id)}::int[])`;
    await tx.$executeRaw`
      INSERT INTO "BallotChoice" ("ballotId", "optionId")
      SELECT * FROM unnest(${choices.map(([ballotId]) => ballotId)}::int[], ${choices.map(([, optionId]) => optionId)}::int[])`;
  }
  if (emptied.length > 0) await tx.$executeRaw`DELETE FROM "Ballot" WHERE "id" = ANY(${emptied}::int[])`;
}
