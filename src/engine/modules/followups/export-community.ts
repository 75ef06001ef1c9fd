import type { Tx } from '../../context.js';
import { findCommunity } from '../setup/find-community.js';
import { countsAsRating, ratersOf } from './raters.js';
import { type RatesReport, ratesReport } from './rates.js';

export type CommunityExport = {
  format: 'yishi.community-export.v1';
  generatedAt: string;
  community: { slug: string; name: string; timezone: string; locale: string };
  issues: Array<{
    number: number;
    text: string;
    category: string | null;
    building: string | null;
    status: string;
    level: string;
    triage: string | null;
    round: number;
    createdAt: string;
    resolvedAt: string | null;
    closedAt: string | null;
    supports: { members: number; households: number };
    escalations: Array<{ from: string; to: string; cause: string; at: string }>;
    followUps: Array<{
      party: string;
      assignedAt: string;
      deadline: string;
      respondedAt: string | null;
      response: string | null;
      answeredInTime: boolean | null;
    }>;
    ratings: Array<{ round: number; score: number }>;
  }>;
  rates: RatesReport;
};

/**
 * `yishi export <community>`: the committee's data and what integrators read. Issues (hidden ones left out),
 * support counts, escalations, follow-ups, the raters' ratings and the three rates; no names or platform ids of
 * residents.
 */
export async function exportCommunity(tx: Tx, slug: string, now: Date): Promise<CommunityExport> {
  const community = await findCommunity(tx, slug);
  const issues = await tx.issue.findMany({
    where: { communityId: community.id, status: { not: 'hidden' } },
    orderBy: { number: 'asc' },
    include: {
      category: true,
      building: true,
      supports: { select: { householdId: true } },
      escalations: { orderBy: { id: 'asc' } },
      followUps: { include: { party: true }, orderBy: { id: 'asc' } },
      ratings: { select: { round: true, score: true, memberId: true }, orderBy: [{ round: 'asc' }, { id: 'asc' }] },
    },
  });
  const raters = await ratersOf(tx, issues);
  return {
    format: 'yishi.community-export.v1',
    generatedAt: now.toISOString(),
    community: { slug: community.slug, name: community.name, timezone: community.timezone, locale: community.locale },
    issues: issues.map((issue) => ({
      number: issue.number,
      text: issue.text,
      category: issue.category?.code ?? null,
      building: issue.building?.name ?? null,
      status: issue.status,
      level: issue.level,
      triage: issue.triage,
      round: issue.round,
      createdAt: issue.createdAt.toISOString(),
      resolvedAt: issue.resolvedAt?.toISOString() ?? null,
      closedAt: issue.closedAt?.toISOString() ?? null,
      supports: {
        members: issue.supports.length,
        households: new Set(issue.supports.map((s) => s.householdId).filter((id) => id !== null)).size,
      },
      escalations: issue.escalations.map((e) => ({ from: e.fromLevel, to: e.toLevel, cause: e.cause, at: e.createdAt.toISOString() })),
      followUps: issue.followUps.map((f) => ({
        party: f.party.name,
        assignedAt: f.createdAt.toISOString(),
        deadline: f.deadline.toISOString(),
        respondedAt: f.respondedAt?.toISOString() ?? null,
        response: f.response,
        answeredInTime: f.respondedAt ? f.respondedAt <= f.deadline : f.deadline < now ? false : null,
      })),
      ratings: issue.ratings
        .filter((rating) => countsAsRating(raters, { issueId: issue.id, memberId: rating.memberId }))
        .map(({ round, score }) => ({ round, score })),
    })),
    rates: await ratesReport(tx, community.id, now, null),
  };
}
