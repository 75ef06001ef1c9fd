import { type CommandContext, reply } from '../../context.js';
import type { IssueSummary } from '../../notices.js';
import { householdInScope } from '../../scope.js';
import { summarise } from '../issues/issue-queries.js';
import { openStatuses } from '../issues/raise-issue.js';
import { hasRole, rolesIn } from '../membership/permissions.js';
import { castsOf } from '../polls/ballots.js';
import { ballotSecret } from '../polls/poll-queries.js';
import { composeDailyDigest } from './daily-digest.js';

/**
 * A member's home (Slack's App Home tab, opened): the open issues they raised, the open votes their households may
 * still cast, and for a committee member their community's digest as of now. Emits member.home.
 */
export async function showHome(ctx: CommandContext): Promise<void> {
  const issues = await ctx.tx.issue.findMany({
    where: { raisedById: ctx.member.id, status: { in: [...openStatuses] } },
    orderBy: { id: 'asc' },
    take: 20,
  });
  const households = ctx.households;
  const open = await ctx.tx.poll.findMany({
    where: { status: 'open', closesAt: { gt: ctx.now }, communityId: { in: [...new Set(households.map((h) => h.communityId))] } },
    orderBy: { closesAt: 'asc' },
  });
  const polls: Array<{ number: number; question: string; closesAt: string; voted: boolean }> = [];
  for (const poll of open) {
    const mine = households.filter((household) => householdInScope(poll, household));
    if (mine.length === 0) continue;
    const secret = poll.secret ? await ballotSecret(ctx.tx, ctx.settings.ballotSecret) : '';
    const keys = castsOf(ctx.member.id, { ...poll, options: [] }, mine, secret).map((cast) => cast.voterKey);
    const voted = (await ctx.tx.ballot.count({ where: { pollId: poll.id, voterKey: { in: keys } } })) === keys.length;
    polls.push({ number: poll.number, question: poll.question, closesAt: poll.closesAt.toISOString(), voted });
  }
  const community = ctx.community;
  const committee = community !== null && hasRole(rolesIn(ctx, community.id), 'committee');
  reply(ctx, {
    type: 'member.home',
    params: {
      issues: (await summarise(ctx.tx, issues)) satisfies IssueSummary[],
      polls,
      digest: committee ? await composeDailyDigest(ctx.tx, community, ctx.now) : null,
    },
  });
}
