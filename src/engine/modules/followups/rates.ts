import type { Tx } from '../../context.js';
import type { Rate } from '../../notices.js';
import { countedRatings } from './raters.js';

export type Rates = { response: Rate; resolution: Rate; satisfaction: Rate };
export type RatesReport = { community: Rates; responders: Array<{ party: string; rates: Rates }> };

type FollowUpFacts = { partyId: number; issueId: number; deadline: Date; respondedAt: Date | null; createdAt: Date };
type IssueFacts = { id: number; status: string; createdAt: Date };
type RatingFacts = { issueId: number; score: number; createdAt: Date };

const rate = (numerator: number, denominator: number): Rate => ({ numerator, denominator });
const done = (status: string) => status === 'resolved' || status === 'closed';

/**
 * The three figures supervised follow-up is judged by (README, "The three rates"), as exact fractions:
 * - response: of follow-ups answered, or whose deadline has passed, the share answered on or before the deadline;
 * - resolution: of issues (for a responder: issues it was assigned), the share now resolved or closed;
 * - satisfaction: of ratings given by raters (the raiser and the neighbours whose support counted: countedRatings;
 *   for a responder: on issues it was assigned), the share of 4 or 5.
 * Only what started at or after `since` counts (follow-ups by assignment, issues by raising, ratings by rating).
 */
export function computeRates(
  facts: { followUps: FollowUpFacts[]; issues: IssueFacts[]; ratings: RatingFacts[] },
  now: Date,
  since: Date | null,
  partyId?: number,
): Rates {
  const inWindow = (date: Date) => since === null || date >= since;
  const followUps = facts.followUps.filter((f) => inWindow(f.createdAt) && (partyId === undefined || f.partyId === partyId));
  const due = followUps.filter((f) => f.respondedAt !== null || f.deadline < now);
  const onTime = due.filter((f) => f.respondedAt !== null && f.respondedAt <= f.deadline);
  const assigned = partyId === undefined ? null : new Set(facts.followUps.filter((f) => f.partyId === partyId).map((f) => f.issueId));
  const issues = facts.issues.filter((i) => (assigned ? assigned.has(i.id) : inWindow(i.createdAt)));
  const ratings = facts.ratings.filter((r) => inWindow(r.createdAt) && (!assigned || assigned.has(r.issueId)));
  return {
    response: rate(onTime.length, due.length),
    resolution: rate(issues.filter((i) => done(i.status)).length, issues.length),
    satisfaction: rate(ratings.filter((r) => r.score >= 4).length, ratings.length),
  };
}

/** The three rates of a community and of each responder that had a follow-up there. */
export async function ratesReport(tx: Tx, communityId: number, now: Date, since: Date | null): Promise<RatesReport> {
  const issues = await tx.issue.findMany({
    where: { communityId, status: { not: 'hidden' } },
    select: { id: true, status: true, createdAt: true },
  });
  const followUps = await tx.followUp.findMany({
    where: { issue: { communityId, status: { not: 'hidden' } } },
    select: { partyId: true, issueId: true, deadline: true, respondedAt: true, createdAt: true },
  });
  const ratings = await countedRatings(tx, { issue: { communityId, status: { not: 'hidden' } } });
  const parties = await tx.party.findMany({ where: { communityId }, orderBy: { name: 'asc' } });
  const facts = { issues, followUps, ratings };
  const involved = new Set(followUps.map((f) => f.partyId));
  return {
    community: computeRates(facts, now, since),
    responders: parties.filter((p) => involved.has(p.id)).map((p) => ({ party: p.name, rates: computeRates(facts, now, since, p.id) })),
  };
}
