import type { Issue, Prisma } from '../../../db/generated/client.js';
import type { Tx } from '../../context.js';
import { householdInScope } from '../../scope.js';

type RatedIssue = Pick<Issue, 'id' | 'raisedById' | 'buildingId' | 'communityId'>;

/**
 * Who rates a resolved issue: its raiser, and the members whose support counted, that is a support stored with a
 * household in the issue's scope (several members of one household each count as a rater). Only their ratings decide
 * the outcome and enter the satisfaction rate. Raters in the order they backed the issue, the raiser first.
 */
export async function ratersOf(tx: Tx, issues: RatedIssue[]): Promise<Map<number, number[]>> {
  const supports = await tx.support.findMany({
    where: { issueId: { in: issues.map((issue) => issue.id) }, memberId: { not: null }, householdId: { not: null } },
    select: { issueId: true, memberId: true, household: { select: { buildingId: true, building: { select: { communityId: true } } } } },
    orderBy: { id: 'asc' },
  });
  const raters = new Map<number, number[]>();
  for (const issue of issues) {
    const counted = supports
      .filter(
        (support) =>
          support.issueId === issue.id &&
          support.household !== null &&
          householdInScope(issue, { buildingId: support.household.buildingId, communityId: support.household.building.communityId }),
      )
      .map((support) => support.memberId!);
    raters.set(issue.id, [...new Set([...(issue.raisedById === null ? [] : [issue.raisedById]), ...counted])]);
  }
  return raters;
}

/**
 * A rating counts if its member rates the issue (see ratersOf). A rating whose member has since been forgotten
 * (/forgetme keeps it without the link to the person) counts too: it was accepted only from a rater.
 */
export function countsAsRating(raters: Map<number, number[]>, rating: { issueId: number; memberId: number | null }): boolean {
  return rating.memberId === null || (raters.get(rating.issueId)?.includes(rating.memberId) ?? false);
}

/** The ratings matching `where` that count (see countsAsRating), with what the rates and the outcome need. */
export async function countedRatings(
  tx: Tx,
  where: Prisma.RatingWhereInput,
): Promise<Array<{ issueId: number; round: number; score: number; createdAt: Date; communityId: number }>> {
  const ratings = await tx.rating.findMany({
    where,
    select: { issueId: true, memberId: true, round: true, score: true, createdAt: true },
    orderBy: { id: 'asc' },
  });
  const issues = await tx.issue.findMany({
    where: { id: { in: [...new Set(ratings.map((rating) => rating.issueId))] } },
    select: { id: true, raisedById: true, buildingId: true, communityId: true },
  });
  const raters = await ratersOf(tx, issues);
  const communityOf = new Map(issues.map((issue) => [issue.id, issue.communityId]));
  return ratings
    .filter((rating) => countsAsRating(raters, rating))
    .map(({ memberId: _memberId, ...rating }) => ({ ...rating, communityId: communityOf.get(rating.issueId)! }));
}
