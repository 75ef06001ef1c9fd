import { DomainError } from '../../../core/errors.js';
import { type CommandContext, type EffectContext, reply, requireCommunity } from '../../context.js';
import { buildingsInScope } from '../../scope.js';
import { requirePollOwner, requireTurnoutRole } from './permissions.js';
import { closePollNow, eligibleMembers, findPoll, isOpen, pollResults } from './poll-queries.js';

/** `/results <n>`: the live tally (counts only, never voters), or the frozen result of a closed poll. Emits poll.results. */
export async function showResults(ctx: CommandContext, action: { number: number }): Promise<void> {
  const poll = await findPoll(ctx, action.number, 'share');
  const closed = poll.status !== 'open';
  const results = closed && poll.result ? (poll.result as never) : await pollResults(ctx.tx, poll, closed);
  reply(ctx, { type: 'poll.results', params: results });
}

/**
 * `/close <n>` (the poll's creator or the committee): closes now and posts the results where it was opened.
 * Emits poll.closed; throws poll_not_found, poll_creator_only, poll_closed.
 */
export async function closePoll(ctx: CommandContext, action: { number: number }): Promise<void> {
  const poll = await findPoll(ctx, action.number, 'update');
  await requirePollOwner(ctx, poll);
  const results = await closePollNow(ctx, poll, ctx.member.id);
  if (!results) throw new DomainError('poll_closed', { number: poll.number });
  if (poll.chatId !== ctx.chat.id) reply(ctx, { type: 'poll.closed', params: results });
}

/** The scheduler's wake-up at a poll's deadline; closing twice does nothing. */
export async function closeDuePoll(ctx: EffectContext, { pollId }: { pollId: number }): Promise<void> {
  const rows = await ctx.tx.$queryRaw<Array<{ id: number }>>`SELECT "id" FROM "Poll" WHERE "id" = ${pollId} FOR UPDATE`;
  if (!rows[0]) return;
  const poll = await ctx.tx.poll.findUniqueOrThrow({
    where: { id: pollId },
    include: { options: { orderBy: { position: 'asc' } }, community: true },
  });
  if (poll.closesAt > ctx.now) return;
  ctx.community = poll.community;
  await closePollNow(ctx, poll, null);
}

/**
 * `/remind <n>` (the poll's creator or the committee, as for /close): reminds the chat. An open poll names who has not voted; a secret poll and an
 * owners' vote name nobody (building heads use /turnout for households). Emits poll.reminder; throws poll_not_found,
 * poll_creator_only, poll_closed.
 */
export async function remindVoters(ctx: CommandContext, action: { number: number }): Promise<void> {
  const poll = await findPoll(ctx, action.number, 'share');
  await requirePollOwner(ctx, poll);
  if (!isOpen(poll, ctx.now)) throw new DomainError('poll_closed', { number: poll.number });
  let notVoted: string[] | null = null;
  let notVotedCount: number;
  if (poll.kind === 'owners_vote') {
    notVotedCount = await ctx.tx.household.count({ where: { building: buildingsInScope(poll), ballots: { none: { pollId: poll.id } } } });
  } else {
    const eligible = await eligibleMembers(ctx.tx, poll);
    if (poll.secret) {
      notVotedCount = Math.max(0, eligible.length - (await ctx.tx.ballot.count({ where: { pollId: poll.id } })));
    } else {
      const voted = new Set(
        (await ctx.tx.ballot.findMany({ where: { pollId: poll.id }, select: { memberId: true } })).map((b) => b.memberId),
      );
      notVoted = eligible
        .filter((member) => !voted.has(member.id))
        .map((member) => member.displayName)
        .sort();
      notVotedCount = notVoted.length;
    }
  }
  reply(ctx, {
    type: 'poll.reminder',
    params: {
      number: poll.number,
      question: poll.question,
      closesAt: poll.closesAt.toISOString(),
      kind: poll.kind,
      notVoted,
      notVotedCount,
      scope: {
        building: poll.buildingId === null ? null : (await ctx.tx.building.findUniqueOrThrow({ where: { id: poll.buildingId } })).name,
      },
    },
  });
}

/**
 * `/turnout <n>` on an owners' vote: the households that have not voted yet, for a building head their building's,
 * for the committee every building's. Never how anyone voted. Emits poll.turnout_listed; throws poll_not_found,
 * not_owners_vote, turnout_role_required.
 */
export async function listTurnout(ctx: CommandContext, action: { number: number }): Promise<void> {
  // Who may ask comes before which vote: a resident is told the rule, not whether vote #n exists.
  const { committee, headOf } = await requireTurnoutRole(ctx, requireCommunity(ctx).id);
  const poll = await findPoll(ctx, action.number, 'share');
  if (poll.kind !== 'owners_vote') throw new DomainError('not_owners_vote', { number: poll.number });
  const households = await ctx.tx.household.findMany({
    where: {
      building: { ...buildingsInScope(poll), ...(committee ? {} : { id: { in: headOf } }) },
      ballots: { none: { pollId: poll.id } },
    },
    include: { building: true },
    orderBy: [{ building: { name: 'asc' } }, { unit: 'asc' }],
  });
  const byBuilding = new Map<string, string[]>();
  for (const household of households)
    byBuilding.set(household.building.name, [...(byBuilding.get(household.building.name) ?? []), household.unit]);
  // A building head sees their own buildings: the answer names that scope and says how many have not voted elsewhere,
  // so it never claims more than it counted.
  const scoped = committee
    ? {}
    : {
        scope: (await ctx.tx.building.findMany({ where: { id: { in: headOf } }, orderBy: { name: 'asc' } })).map((b) => b.name),
        elsewhere: await ctx.tx.household.count({
          where: { building: { ...buildingsInScope(poll), id: { notIn: headOf } }, ballots: { none: { pollId: poll.id } } },
        }),
      };
  reply(ctx, {
    type: 'poll.turnout_listed',
    params: { number: poll.number, buildings: [...byBuilding].map(([building, units]) => ({ building, units })), ...scoped },
  });
}
