import { DomainError } from '../../../core/errors.js';
import type { Issue } from '../../../db/generated/client.js';
import type { CommandContext, EffectContext } from '../../context.js';
import { announce, audit, reply } from '../../context.js';
import { findIssue, originChat } from '../issues/issue-queries.js';
import { countedRatings, ratersOf } from './raters.js';
import { reopen } from './reopen.js';

/**
 * `/rate <n> <1-5>` or a rating button: a rater (the raiser, or a neighbour whose support counted: see ratersOf)
 * rates a resolved issue, and may change their rating until the outcome is decided. When every rater has rated, the
 * outcome is decided at once.
 * Emits issue.rated, then maybe issue.closed or issue.reopened; throws issue_not_found, issue_not_resolved,
 * score_invalid, not_a_rater.
 */
export async function rateIssue(ctx: CommandContext, action: { number: number; score: number }): Promise<void> {
  if (!Number.isInteger(action.score) || action.score < 1 || action.score > 5) throw new DomainError('score_invalid');
  const issue = await findIssue(ctx, action.number);
  if (issue.status !== 'resolved') throw new DomainError('issue_not_resolved', { number: issue.number });
  const raters = (await ratersOf(ctx.tx, [issue])).get(issue.id) ?? [];
  if (!raters.includes(ctx.member.id)) throw new DomainError('not_a_rater', { number: issue.number });
  await ctx.tx.rating.upsert({
    where: { issueId_round_memberId: { issueId: issue.id, round: issue.round, memberId: ctx.member.id } },
    create: { issueId: issue.id, round: issue.round, memberId: ctx.member.id, score: action.score, createdAt: ctx.now },
    update: { score: action.score },
  });
  await audit(ctx, {
    communityId: issue.communityId,
    actorMemberId: ctx.member.id,
    action: 'issue.rated',
    subjectType: 'issue',
    subjectId: issue.id,
    data: { score: action.score, round: issue.round },
  });
  reply(ctx, { type: 'issue.rated', params: { number: issue.number, score: action.score } });
  const rated = await ctx.tx.rating.count({ where: { issueId: issue.id, round: issue.round, memberId: { in: raters } } });
  if (rated >= raters.length) await decideOutcome(ctx, issue);
}

/**
 * Closes the rating of a resolved issue's current round: if more than half of the raters who rated gave 1 or 2, the
 * case is sent back (退回重办); otherwise it is closed. Only raters' ratings count (countedRatings). Does nothing if
 * the issue has moved on (a second wake-up).
 */
export async function decideOutcome(ctx: EffectContext, issue: Issue): Promise<void> {
  // Locked: the last rating and the end of the rating window may arrive together; one decides, the other sees it.
  const [current] = await ctx.tx.$queryRaw<Issue[]>`SELECT * FROM "Issue" WHERE "id" = ${issue.id} FOR UPDATE`;
  if (current?.status !== 'resolved' || current.round !== issue.round) return;
  const ratings = await countedRatings(ctx.tx, { issueId: issue.id, round: current.round });
  const low = ratings.filter((rating) => rating.score <= 2).length;
  const satisfied = ratings.filter((rating) => rating.score >= 4).length;
  await audit(ctx, {
    communityId: issue.communityId,
    actorLabel: 'system',
    action: 'issue.rating_closed',
    subjectType: 'issue',
    subjectId: issue.id,
    data: { round: current.round, raters: ratings.length, low, satisfied },
  });
  if (2 * low > ratings.length) {
    await reopen(ctx, current, 'ratings');
    return;
  }
  await ctx.tx.issue.update({ where: { id: issue.id }, data: { status: 'closed', closedAt: ctx.now, updatedAt: ctx.now } });
  const origin = await originChat(ctx.tx, current);
  if (origin) announce(ctx, origin, { type: 'issue.closed', params: { number: current.number, satisfied, raters: ratings.length } });
}

/** The scheduler's wake-up at the end of a resolved issue's rating window (round `round`). */
export async function closeRating(ctx: EffectContext, { issueId, round }: { issueId: number; round: number }): Promise<void> {
  const issue = await ctx.tx.issue.findUnique({ where: { id: issueId }, include: { community: true } });
  if (!issue || issue.round !== round) return;
  ctx.community = issue.community;
  await decideOutcome(ctx, issue);
}
