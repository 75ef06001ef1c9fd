import { DomainError } from '../../../core/errors.js';
import { announce, audit, type CommandContext, reply, requireCommunity } from '../../context.js';
import type { NoticeBody } from '../../notices.js';
import { buildingsInScope, householdInScope } from '../../scope.js';
import { type ClaimedHousehold, privateChatOf } from '../membership/households.js';
import { applyVote, castsOf, loadBallots, votedOption, writeBallots } from './ballots.js';
import { requireTurnoutRole } from './permissions.js';
import { ballotSecret, findPoll, isOpen, ownersTurnout, type PollWithOptions, pollResults, refreshLiveCounts } from './poll-queries.js';
import { formatArea, type OwnersTally, tallyOwners } from './tally.js';

/** Shares of the quorum at which turnout news is posted in the poll's chat. */
const milestones = [50, 75, 90, 100];

/** Refuses a vote on a closed poll, showing its result. */
async function refuseClosed(ctx: CommandContext, poll: PollWithOptions): Promise<void> {
  const results = (poll.result as never) ?? (await pollResults(ctx.tx, poll, true));
  reply(ctx, { type: 'command.refused', params: { code: 'poll_closed', number: poll.number } });
  reply(ctx, { type: 'poll.results', params: results });
}

/**
 * A vote button. Ordinary poll: one ballot per verified resident of the scope (in a secret poll under a keyed voter
 * key that names no one). Owners' vote: one ballot per claimed household of the scope, whichever of its members taps,
 * replacing a paper ballot while the vote is open. The voter is confirmed privately. Emits poll.vote_recorded and
 * maybe poll.turnout_progress; throws poll_not_found, poll_option_invalid, not_a_voter; a closed poll answers
 * poll_closed with its result.
 */
export async function castVote(ctx: CommandContext, action: { number: number; position: number }): Promise<void> {
  const poll = await findPoll(ctx, action.number, 'share');
  if (!isOpen(poll, ctx.now)) return refuseClosed(ctx, poll);
  const households = ctx.households.filter((household) => householdInScope(poll, household));
  const option = votedOption(poll, action.position, households);
  const secret = poll.secret ? await ballotSecret(ctx.tx, ctx.settings.ballotSecret) : '';
  const casts = castsOf(ctx.member.id, poll, households, secret);
  const ballots = await loadBallots(
    ctx.tx,
    [poll.id],
    casts.map((cast) => cast.voterKey),
  );
  const votes = applyVote(poll, ctx.member.id, casts, ballots, option);
  await writeBallots(
    ctx.tx,
    ctx.now,
    votes.map(({ next }) => ({ ...next, source: 'chat', note: null })),
  );
  for (const vote of votes) await audit(ctx, vote.audit);
  // A secret vote's inbox copy of the tap would name the voter.
  if (poll.kind !== 'owners_vote' && poll.secret) ctx.redactInbox = true;

  const confirmation = voteConfirmation(poll, votes.at(-1)!.next.choices, poll.kind === 'owners_vote' ? households : []);
  const own = await privateChatOf(ctx.tx, ctx.member.id);
  if (own) announce(ctx, { id: own.id, locale: ctx.member.locale ?? own.locale }, confirmation);
  if (poll.kind === 'owners_vote') await announceTurnout(ctx, poll);
  await refreshLiveCounts(ctx, poll);
}

/** The private confirmation of a vote: the choices now on the ballot, and in an owners' vote the households it is for. */
export function voteConfirmation(
  poll: PollWithOptions,
  choices: number[],
  households: Array<Pick<ClaimedHousehold, 'unit' | 'buildingName'>>,
): NoticeBody {
  return {
    type: 'poll.vote_recorded',
    params: {
      number: poll.number,
      question: poll.question,
      choices: poll.options.filter((option) => choices.includes(option.id)).map((option) => option.label),
      households: households.map((household) => `${household.buildingName} ${household.unit}`),
      secret: poll.secret,
    },
  };
}

/** The highest turnout milestone an owners' vote has reached, as a share of its quorum (0: none yet). */
export function milestoneReached(tally: OwnersTally): number {
  const needed = { households: tally.participating.households + tally.gap.households, area: tally.participating.area + tally.gap.area };
  const progress = (part: bigint, whole: bigint) => (whole === 0n ? 100 : Number((100n * part) / whole));
  const percent = Math.min(
    progress(BigInt(tally.participating.households), BigInt(needed.households)),
    progress(tally.participating.area, needed.area),
  );
  return milestones.filter((milestone) => percent >= milestone).at(-1) ?? 0;
}

/** Posts turnout news in the poll's chat when participation crosses 50%, 75%, 90% and 100% of the quorum. */
async function announceTurnout(ctx: CommandContext, poll: PollWithOptions): Promise<void> {
  const tally = tallyOwners(poll.matterClass ?? 'ordinary', await ownersTurnout(ctx.tx, poll));
  const reached = milestoneReached(tally);
  if (reached <= poll.turnoutMilestone || poll.chatId === null) return;
  const { count } = await ctx.tx.poll.updateMany({
    where: { id: poll.id, turnoutMilestone: { lt: reached } },
    data: { turnoutMilestone: reached },
  });
  const chat = await ctx.tx.chat.findUnique({ where: { id: poll.chatId } });
  if (count === 1 && chat) {
    announce(ctx, chat, {
      type: 'poll.turnout_progress',
      params: {
        number: poll.number,
        percentOfQuorum: reached,
        gap: { households: tally.gap.households, area: formatArea(tally.gap.area) },
      },
    });
  }
}

/** Resolves "<building>/<unit>" or a unit unique in the scope; a building head is held to their own building. */
/** A typed unit ("2栋/202", or "202" in one's own building) among the vote's households. */
async function findHousehold(ctx: CommandContext, poll: PollWithOptions, typed: string, ownBuildings: number[]) {
  const [buildingName, unit] = typed.includes('/') ? (typed.split('/', 2) as [string, string]) : [null, typed];
  const candidates = await ctx.tx.household.findMany({
    where: {
      unit: unit.trim(),
      building: {
        ...buildingsInScope(poll),
        ...(buildingName ? { name: buildingName.trim() } : {}),
      },
    },
    include: { building: true },
  });
  const own = candidates.filter((candidate) => ownBuildings.includes(candidate.buildingId));
  if (own.length === 1) return own[0]!;
  if (candidates.length === 0) throw new DomainError('household_not_found', { unit: typed });
  if (candidates.length > 1)
    throw new DomainError('household_ambiguous', { unit: typed, buildings: candidates.map((c) => c.building.name).join(', ') });
  return candidates[0]!;
}

/**
 * `/paperballot <n> <unit> yes|no|abstain [note]`: a building head (for their building) or the committee records a
 * paper or proxy ballot for a household that does not use chat. Marked as paper in results and audit; a chat ballot
 * from the household later replaces it while the vote is open, never the other way round. Emits poll.paper_recorded;
 * throws poll_not_found, not_owners_vote, turnout_role_required, household_not_found, household_ambiguous, own_building_only,
 * voted_in_chat; a closed poll answers poll_closed.
 */
export async function recordPaperBallot(
  ctx: CommandContext,
  action: { number: number; unit: string; choice: 'yes' | 'no' | 'abstain'; note?: string },
): Promise<void> {
  // Who may record comes before which vote: a resident is told the rule, not whether vote #n exists.
  const { committee, headOf } = await requireTurnoutRole(ctx, requireCommunity(ctx).id);
  const poll = await findPoll(ctx, action.number, 'share');
  if (poll.kind !== 'owners_vote') throw new DomainError('not_owners_vote', { number: poll.number });
  if (!isOpen(poll, ctx.now)) return refuseClosed(ctx, poll);
  // The household is looked up in the whole vote, so that a building head naming another building's unit is told the
  // rule that refuses them, not that the unit does not exist.
  const household = await findHousehold(ctx, poll, action.unit, headOf);
  if (!committee && !headOf.includes(household.buildingId)) {
    const own = await ctx.tx.building.findMany({ where: { id: { in: headOf } }, select: { name: true }, orderBy: { id: 'asc' } });
    throw new DomainError('own_building_only', {
      building: own.map((b) => b.name).join('、'),
      unit: `${household.building.name}/${household.unit}`,
    });
  }
  const existing = await ctx.tx.ballot.findUnique({ where: { pollId_householdId: { pollId: poll.id, householdId: household.id } } });
  if (existing?.source === 'chat') throw new DomainError('voted_in_chat', { unit: `${household.building.name} ${household.unit}` });
  const option = poll.options.find((candidate) => candidate.label === action.choice)!;
  const note = action.note?.trim() ? [...action.note.trim()].slice(0, 500).join('') : null;
  await writeBallots(ctx.tx, ctx.now, [
    {
      id: existing?.id ?? null,
      pollId: poll.id,
      voterKey: `household:${household.id}`,
      householdId: household.id,
      memberId: null,
      castById: ctx.member.id,
      choices: [option.id],
      source: 'paper',
      note,
    },
  ]);
  await audit(ctx, {
    communityId: poll.communityId,
    actorMemberId: ctx.member.id,
    action: 'ballot.paper_recorded',
    subjectType: 'poll',
    subjectId: poll.id,
    data: { householdId: household.id, choice: action.choice, note, replaced: existing !== null },
  });
  reply(ctx, {
    type: 'poll.paper_recorded',
    params: {
      number: poll.number,
      building: household.building.name,
      unit: household.unit,
      choice: action.choice,
      replaced: existing !== null,
    },
  });
  await announceTurnout(ctx, poll);
  await refreshLiveCounts(ctx, poll);
}
