import { DomainError } from '../../../core/errors.js';
import type { Community, Poll, PollOption } from '../../../db/generated/client.js';
import { announce } from '../../context.js';
import type { Notice } from '../../notices.js';
import { householdInScope } from '../../scope.js';
import { numberedSubjects, type TapContext, type TapHandler } from '../../taps.js';
import { type ClaimedHousehold, privateChatsOf } from '../membership/households.js';
import { applyVote, castsOf, loadBallots, votedOption, writeBallots } from './ballots.js';
import { milestoneReached, voteConfirmation } from './cast-vote.js';
import { ballotSecret, isOpen, openedKey, ownersTurnout, type PollWithOptions, refreshLiveCounts } from './poll-queries.js';
import { type BuildingTurnout, centi, ownersChoices, tallyOwners } from './tally.js';

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

  const castsFor = (ctx: TapContext, poll: PollWithOptions) =>
    castsOf(
      ctx.member.id,
      poll,
      ctx.households.filter((household) => householdInScope(poll, household)),
      secret,
    );
  const keys = new Set<string>();
  for (const { ctx, action } of taps) {
    const poll = polls.get(`${ctx.community.id}:${action.number}`);
    if (poll) for (const cast of castsFor(ctx, poll)) keys.add(cast.voterKey);
  }
  const ballots = await loadBallots(
    tx,
    pollList.map((poll) => poll.id),
    [...keys],
  );
  const privateChats = await privateChatsOf(
    tx,
    taps.map(({ ctx }) => ctx.member.id),
  );
  const turnout = new Map<number, BuildingTurnout[]>();
  for (const poll of pollList.filter((candidate) => candidate.kind === 'owners_vote')) turnout.set(poll.id, await ownersTurnout(tx, poll));

  /** An owners' vote's turnout by building after some households' ballots change, as a new copy. */
  const turnoutAfter = (poll: PollWithOptions, changes: Array<{ household: ClaimedHousehold; from: number | null; to: number }>) => {
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
      const households = ctx.households.filter((household) => householdInScope(poll, household));
      const option = votedOption(poll, action.position, households);
      const votes = applyVote(poll, ctx.member.id, castsOf(ctx.member.id, poll, households, secret), ballots, option);
      if (poll.kind === 'owners_vote') {
        const newTurnout = turnoutAfter(
          poll,
          votes.map(({ cast, previous, next }) => ({
            household: cast.household!,
            from: previous?.choices[0] ?? null,
            to: next.choices[0]!,
          })),
        );
        const reached = milestoneReached(tallyOwners(poll.matterClass ?? 'ordinary', newTurnout));
        if (reached > poll.turnoutMilestone && poll.chatId !== null) return false;
        turnout.set(poll.id, newTurnout);
      }

      for (const { next, audit } of votes) {
        ballots.set(`${poll.id}:${next.voterKey}`, next);
        dirty.add(`${poll.id}:${next.voterKey}`);
        ctx.pendingAudit.push(audit);
      }
      if (poll.kind !== 'owners_vote' && poll.secret) ctx.redactInbox = true;
      touched.set(poll.id, { poll, community: ctx.community });

      const choices = votes.at(-1)!.next.choices;
      const own = privateChats.get(ctx.member.id);
      const confirmation = voteConfirmation(poll, choices, poll.kind === 'owners_vote' ? households : []);
      if (own) announce(ctx, { id: own.id, locale: ctx.member.locale ?? own.locale }, confirmation);
      return true;
    },
    async flush() {
      await writeBallots(
        tx,
        now,
        [...dirty].map((key) => ({ ...ballots.get(key)!, source: 'chat', note: null })),
      );
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
