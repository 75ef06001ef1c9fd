import type { Issue } from '../../../db/generated/client.js';
import { buildingSizes } from '../../scope.js';
import { numberedSubjects, type TapHandler } from '../../taps.js';
import { acknowledgeSupport, cardEdits } from './issue-card.js';
import { backingHouseholds, visibleIssue } from './issue-queries.js';
import { escalationBySupport, supportAudit, supportedHousehold, supportNeeded } from './support-issue.js';

/**
 * A batch of supports (button or `/support <n>`), decided by the rules `supportIssue` applies to one, over state
 * loaded for the whole batch in four statements; each card touched is edited once for the batch. A support that would
 * move its issue up goes to the general path, which escalates.
 */
export const supportTaps: TapHandler<{ type: 'issue.support'; number: number }> = async (tx, now, _settings, taps) => {
  const { communityIds, numbers } = numberedSubjects(taps);
  const issueList = await tx.$queryRaw<Issue[]>`
    SELECT * FROM "Issue"
    WHERE ("communityId", "number") IN (SELECT * FROM unnest(${communityIds}::int[], ${numbers}::int[]))
    ORDER BY "id" FOR UPDATE`;
  const issueIds = issueList.map((issue) => issue.id);
  const issues = new Map(issueList.map((issue) => [`${issue.communityId}:${issue.number}`, issue]));
  const memberIds = [...new Set(taps.map(({ ctx }) => ctx.member.id))];
  const householdIds = [...new Set(taps.flatMap(({ ctx }) => ctx.households.map((household) => household.id)))];

  // Who already backs these issues, by member (a second support is refused) and by household (counted once).
  const existing = await tx.$queryRaw<Array<{ issueId: number; memberId: number | null; householdId: number | null }>>`
    SELECT "issueId", "memberId", "householdId" FROM "Support"
    WHERE "issueId" = ANY(${issueIds}::int[]) AND ("memberId" = ANY(${memberIds}::int[]) OR "householdId" = ANY(${householdIds}::int[]))`;
  const supported = new Set(existing.map((support) => `${support.issueId}:${support.memberId}`));
  const counted = new Set(existing.map((support) => `${support.issueId}:${support.householdId}`));
  const backing = await backingHouseholds(tx, issueIds);
  const buildings = await buildingSizes(tx, [...new Set(taps.map(({ ctx }) => ctx.community.id))]);

  const rows: Array<{ issueId: number; memberId: number; householdId: number }> = [];
  const touched = new Map<number, { issue: Issue; needed: number }>();
  return {
    subject: (ctx, action) => `issue:${ctx.community.id}:${action.number}`,
    apply(ctx, action) {
      const issue = visibleIssue(issues.get(`${ctx.community.id}:${action.number}`), action.number);
      const supporter = {
        isMember: ctx.isMember,
        alreadySupported: supported.has(`${issue.id}:${ctx.member.id}`),
        households: ctx.households,
      };
      const householdId = supportedHousehold(issue, supporter, ctx.community, buildings);
      const adds = !counted.has(`${issue.id}:${householdId}`);
      const households = backing.get(issue.id)! + (adds ? 1 : 0);
      const needed = supportNeeded(issue, ctx.community, buildings);
      if (escalationBySupport(issue, households, needed)) return false;

      supported.add(`${issue.id}:${ctx.member.id}`);
      if (adds) counted.add(`${issue.id}:${householdId}`);
      backing.set(issue.id, households);
      rows.push({ issueId: issue.id, memberId: ctx.member.id, householdId });
      ctx.pendingAudit.push(supportAudit(issue, ctx.member.id));
      acknowledgeSupport(ctx, issue, { households, needed });
      touched.set(issue.id, { issue, needed });
      return true;
    },
    async flush() {
      if (rows.length > 0)
        await tx.$executeRaw`
          INSERT INTO "Support" ("issueId", "memberId", "householdId", "createdAt")
          SELECT i, m, h, ${now} FROM unnest(${rows.map((r) => r.issueId)}::int[], ${rows.map((r) => r.memberId)}::int[], ${rows.map((r) => r.householdId)}::int[]) AS t(i, m, h)`;
      return cardEdits(
        { tx },
        [...touched.values()].map(({ issue, needed }) => ({
          issue,
          level: issue.level,
          count: { households: backing.get(issue.id)!, needed },
        })),
      );
    },
  };
};
