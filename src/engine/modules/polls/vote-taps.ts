import { DomainError } from '../../../core/errors.js';
import type { Community, Poll, PollOption } from '../../../db/generated/client.js';
import { type AuditInput, announce } from '../../context.js';
import type { Notice } from '../../notices.js';
import type { ActorHousehold, TapContext, TapHandler } from '../../tap-batch.js';
import { householdInScope, numberedSubjects } from '../../tap-scope.js';
import { milestoneReached, nextChoices, voteConfirmation } from './cast-vote.js';
import { ballotSecret, isOpen, openedKey, ownersTurnout, type PollWithOptions, refreshLiveCounts, secretVoterKey } from './poll-queries.js';
import { type BuildingTurnout, centi, ownersChoices, tallyOwners } from './tally.js';

type BallotState = {
  id: number | null;
  pollId: number;
  voterKey: string;
  householdId: number | null;
  memberId: number | null;
  castById: number | null;
  choices: number[];
};

/**
 * A batch of vote taps, decided as `castVote` decides one: same voters, voter keys, refusals, confirmations and
 * audit entries; the live counts of each poll are refreshed once for the batch. A tap on a closed poll (answered
 * with its result) and one that carries an owners' vote past a turnout milestone (announced) go to the general path.
 */
export const voteTaps: TapHandler<{ type: 'poll.vote'; number: number; position: number }> = async (tx, now, settings, taps) => {
  const { communityIds, numbers } = numberedSubjects(taps);
  const rows = await tx.$queryRaw<Poll[]>`
    SELECT * FROM "Poll"
    WHERE ("communityId", "number") IN (SELECT * FROM unnest(${communityIds}::int[], ${numbers}::int[]))
    ORDER BY "id" FOR KEY SHARE`;
  const options = await tx.$queryRaw<PollOption[]>`
    SELECT * FROM "PollOption" WHERE "pollId" = ANY(${rows.map((poll) => poll.id)}::int[]) ORDER BY "position"`;
  const pollList: PollWithOptions[] = rows.map((poll) => ({ ...poll, options: options.filter((option) => option.pollId === poll.id) }));
  const polls = new Map(pollList.map((poll) => [`${poll.communityId}:${poll.number}`, poll]));
  const secret = pollList.some((poll) => poll.secret) ? await ballotSecret(tx, settings.ballotSecret) : '';

  /** Whose ballot a tap writes: each household of the member in an owners' vote, a keyed stranger in a secret poll, the member otherwise. */
  const castsOf = (ctx: TapContext, poll: PollWithOptions, households: ActorHousehold[]) => {
    const base = { pollId: poll.id, householdId: null, memberId: null, castById: null };
    if (poll.kind === 'owners_vote')
      return households.map((household) => ({
        ...base,
        voterKey: `household:${household.id}`,
        householdId: household.id,
        castById: ctx.member.id,
        household,
      }));
    if (poll.secret) return [{ ...base, voterKey: secretVoterKey(secret, poll.id, ctx.member.id), household: null }];
    return [{ ...base, voterKey: `member:${ctx.member.id}`, memberId: ctx.member.id, castById: ctx.member.id, household: null }];
  };
  const keys = new Set<string>();
  for (const { ctx, action } of taps) {
    const poll = polls.get(`${ctx.community.id}:${action.number}`);
    if (poll)
      for (const cast of castsOf(
        ctx,
        poll,
        ctx.households.filter((h) => householdInScope(poll, h)),
      ))
        keys.add(cast.voterKey);
  }
  const ballots = new Map<string, BallotState>();
  for (const ballot of await tx.$queryRaw<BallotState[]>`
    SELECT b."id", b."pollId", b."voterKey", b."householdId", b."memberId", b."castById",
      coalesce(array_agg(c."optionId") FILTER (WHERE c."optionId" IS NOT NULL), '{}')::int[] AS "choices"
    FROM "Ballot" b LEFT JOIN "BallotChoice" c ON c."ballotId" = b."id"
    WHERE b."pollId" = ANY(${pollList.map((poll) => poll.id)}::int[]) AND b."voterKey" = ANY(${[...keys]}::text[])
    GROUP BY b."id"`)
    ballots.set(`${ballot.pollId}:${ballot.voterKey}`, ballot);
  const privateChats = new Map<number, { id: number; locale: string | null }>();
  for (const chat of await tx.$queryRaw<Array<{ id: number; memberId: number; locale: string | null }>>`
    SELECT DISTINCT ON ("memberId") "memberId", "id", "locale" FROM "Chat"
    WHERE "memberId" = ANY(${taps.map(({ ctx }) => ctx.member.id)}::int[]) AND "kind" = 'private' AND "leftAt" IS NULL
    ORDER BY "memberId", "id" DESC`)
    privateChats.set(chat.memberId, chat);
  const turnout = new Map<number, BuildingTurnout[]>();
  for (const poll of pollList.filter((candidate) => candidate.kind === 'owners_vote')) turnout.set(poll.id, await ownersTurnout(tx, poll));

  /** An owners' vote's turnout by building after some households' ballots change, as a new copy. */
  const turnoutAfter = (poll: PollWithOptions, changes: Array<{ household: ActorHousehold; from: number | null; to: number }>) => {
    const position = (optionId: number) => ownersChoices[poll.options.find((option) => option.id === optionId)!.position]!;
    return turnout.get(poll.id)!.map((building) => {
      const copy = {
        ...building,
        voted: { ...building.voted },
        byChoice: { yes: { ...building.byChoice.yes }, no: { ...building.byChoice.no }, abstain: { ...building.byChoice.abstain } },
      };
      for (const { household, from, to } of changes.filter((change) => change.household.buildingId === building.buildingId)) {
        const area = centi(household.areaM2);
        if (from === null) {
          copy.voted.households += 1;
          copy.voted.area += area;
        } else {
          copy.byChoice[position(from)].households -= 1;
          copy.byChoice[position(from)].area -= area;
        }
        copy.byChoice[position(to)].households += 1;
        copy.byChoice[position(to)].area += area;
      }
      return copy;
    });
  };

  const touched = new Map<number, { poll: PollWithOptions; community: Community }>();
  const dirty = new Set<string>();
  return {
    subject: (ctx, action) => `poll:${ctx.community.id}:${action.number}`,
    apply(ctx, action) {
      const poll = polls.get(`${ctx.community.id}:${action.number}`);
      if (!poll) throw new DomainError('poll_not_found', { number: action.number });
      if (!isOpen(poll, now)) return false;
      const option = poll.options.find((candidate) => candidate.position === action.position);
      if (!option) throw new DomainError('poll_option_invalid', { number: poll.number });
      const households = ctx.households.filter((household) => householdInScope(poll, household));
      if (households.length === 0) throw new DomainError('not_a_voter', { number: poll.number });

      const casts = castsOf(ctx, poll, households).map((cast) => {
        const previous = ballots.get(`${poll.id}:${cast.voterKey}`);
        return { cast, previous, choices: nextChoices(poll.multi, previous?.choices ?? [], option.id) };
      });
      let newTurnout: BuildingTurnout[] | null = null;
      if (poll.kind === 'owners_vote') {
        newTurnout = turnoutAfter(
          poll,
          casts.map(({ cast, previous, choices }) => ({ household: cast.household!, from: previous?.choices[0] ?? null, to: choices[0]! })),
        );
        const reached = milestoneReached(tallyOwners(poll.matterClass ?? 'ordinary', newTurnout));
        if (reached > poll.turnoutMilestone && poll.chatId !== null) return false;
        turnout.set(poll.id, newTurnout);
      }

      for (const { cast, previous, choices } of casts) {
        const { household, ...ballot } = cast;
        ballots.set(`${poll.id}:${cast.voterKey}`, { ...ballot, id: previous?.id ?? null, choices });
        dirty.add(`${poll.id}:${cast.voterKey}`);
        const entry: AuditInput = {
          communityId: poll.communityId,
          actorMemberId: poll.kind === 'owners_vote' || !poll.secret ? ctx.member.id : null,
          action: 'ballot.cast',
          subjectType: 'poll',
          subjectId: poll.id,
          data: household
            ? { householdId: household.id, choice: option.label, source: 'chat' }
            : poll.secret
              ? { secret: true }
              : { choices: choices.length },
        };
        ctx.pendingAudit.push(entry);
      }
      if (poll.kind !== 'owners_vote' && poll.secret) ctx.redactInbox = true;
      touched.set(poll.id, { poll, community: ctx.community });

      const choices = casts.at(-1)!.choices;
      const own = privateChats.get(ctx.member.id);
      const confirmation = voteConfirmation(
        poll,
        choices,
        poll.kind === 'owners_vote' ? households.map((h) => ({ unit: h.unit, building: { name: h.buildingName } })) : [],
      );
      if (own) announce(ctx, { id: own.id, locale: ctx.member.locale ?? own.locale }, confirmation);
      return true;
    },
    async flush() {
      const changed = [...dirty].map((key) => ballots.get(key)!);
      const kept = changed.filter((ballot) => ballot.choices.length > 0);
      const emptied = changed.filter((ballot) => ballot.choices.length === 0 && ballot.id !== null).map((ballot) => ballot.id!);
      if (kept.length > 0) {
        const ids = await tx.$queryRaw<Array<{ id: number; pollId: number; voterKey: string }>>`
          INSERT INTO "Ballot" ("pollId", "voterKey", "householdId", "memberId", "castById", "source", "note", "createdAt", "updatedAt")
          SELECT p, k, h, m, c, 'chat', NULL, ${now}, ${now}
          FROM unnest(${kept.map((b) => b.pollId)}::int[], ${kept.map((b) => b.voterKey)}::text[], ${kept.map((b) => b.householdId)}::int[],
                      ${kept.map((b) => b.memberId)}::int[], ${kept.map((b) => b.castById)}::int[]) AS t(p, k, h, m, c)
          ON CONFLICT ("pollId", "voterKey") DO UPDATE
            SET "source" = 'chat', "castById" = EXCLUDED."castById", "note" = NULL, "updatedAt" = EXCLUDED."updatedAt"
          RETURNING "id", "pollId", "voterKey"`;
        const idOf = new Map(ids.map((row) => [`${row.pollId}:${row.voterKey}`, row.id]));
        const choices = kept.flatMap((b) => b.choices.map((optionId) => [idOf.get(`${b.pollId}:${b.voterKey}`)!, optionId] as const));
        await tx.$executeRaw`DELETE FROM "BallotChoice" WHERE "ballotId" = ANY(${ids.map((row) => row.id)}::int[])`;
        await tx.$executeRaw`
          INSERT INTO "BallotChoice" ("ballotId", "optionId")
          SELECT * FROM unnest(${choices.map(([ballotId]) => ballotId)}::int[], ${choices.map(([, optionId]) => optionId)}::int[])`;
      }
      if (emptied.length > 0) await tx.$executeRaw`DELETE FROM "Ballot" WHERE "id" = ANY(${emptied}::int[])`;
      const notices: Notice[] = [];
      const opened = new Map(
        (
          await tx.$queryRaw<Array<{ dedupeKey: string; chatId: number; locale: string }>>`
            SELECT "dedupeKey", "chatId", "locale" FROM "OutboxNotice" WHERE "dedupeKey" = ANY(${[...touched.keys()].map(openedKey)}::text[])`
        ).map((row) => [row.dedupeKey, row]),
      );
      for (const { poll, community } of touched.values())
        await refreshLiveCounts({ tx, now, settings, community, notices }, poll, false, opened.get(openedKey(poll.id)) ?? null);
      return notices;
    },
  };
};
