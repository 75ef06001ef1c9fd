import { DomainError } from '../../../core/errors.js';
import type { Issue } from '../../../db/generated/client.js';
import { reply } from '../../context.js';
import type { TapHandler } from '../../tap-batch.js';
import { householdInScope, numberedSubjects } from '../../tap-scope.js';
import { escalationBySupport, supportable } from './support-issue.js';
import { householdsNeeded } from './thresholds.js';

/**
 * A batch of supports (button or `/support <n>`), decided as `supportIssue` decides one: same refusals (a member
 * without a household in the issue's scope among them), same counting of households, same reply and audit entry.
 * A support that would move its issue up goes to the general path, which escalates.
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
  const backing = new Map(
    (
      await tx.$queryRaw<Array<{ issueId: number; households: number }>>`
        SELECT i."id" AS "issueId", count(DISTINCT s."householdId")::int AS "households"
        FROM "Issue" i
        JOIN "Support" s ON s."issueId" = i."id"
        JOIN "Household" h ON h."id" = s."householdId"
        JOIN "Building" b ON b."id" = h."buildingId"
        WHERE i."id" = ANY(${issueIds}::int[])
          AND (CASE WHEN i."buildingId" IS NULL THEN b."communityId" = i."communityId" ELSE b."id" = i."buildingId" END)
        GROUP BY i."id"`
    ).map((row) => [row.issueId, row.households]),
  );
  const perBuilding = await tx.$queryRaw<Array<{ buildingId: number; communityId: number; name: string; households: number }>>`
    SELECT b."id" AS "buildingId", b."communityId", b."name", count(h."id")::int AS "households"
    FROM "Building" b LEFT JOIN "Household" h ON h."buildingId" = b."id"
    WHERE b."communityId" = ANY(${[...new Set(taps.map(({ ctx }) => ctx.community.id))]}::int[])
    GROUP BY b."id"`;
  const householdsInScope = (issue: Issue) =>
    perBuilding
      .filter((row) => (issue.buildingId === null ? row.communityId === issue.communityId : row.buildingId === issue.buildingId))
      .reduce((sum, row) => sum + row.households, 0);

  const rows: Array<{ issueId: number; memberId: number; householdId: number }> = [];
  return {
    subject: (ctx, action) => `issue:${ctx.community.id}:${action.number}`,
    apply(ctx, action) {
      const issue = issues.get(`${ctx.community.id}:${action.number}`);
      if (!issue || issue.status === 'hidden') throw new DomainError('issue_not_found', { number: action.number });
      if (!supportable.has(issue.status)) throw new DomainError('issue_not_open', { number: issue.number });
      if (!ctx.isMember) throw new DomainError('not_a_member', { community: ctx.community.name });
      if (supported.has(`${issue.id}:${ctx.member.id}`)) throw new DomainError('already_supported', { number: issue.number });
      const householdId = ctx.households.find((household) => householdInScope(issue, household))?.id;
      if (householdId === undefined) {
        const scope =
          issue.buildingId === null ? ctx.community.name : (perBuilding.find((row) => row.buildingId === issue.buildingId)?.name ?? '');
        throw new DomainError('support_out_of_scope', { number: issue.number, scope });
      }
      const adds = !counted.has(`${issue.id}:${householdId}`);
      const households = (backing.get(issue.id) ?? 0) + (adds ? 1 : 0);
      const needed = householdsNeeded(
        { kind: ctx.community.supportThresholdKind, value: ctx.community.supportThresholdValue },
        householdsInScope(issue),
      );
      if (escalationBySupport(issue, households, needed)) return false;

      supported.add(`${issue.id}:${ctx.member.id}`);
      if (adds) counted.add(`${issue.id}:${householdId}`);
      backing.set(issue.id, households);
      rows.push({ issueId: issue.id, memberId: ctx.member.id, householdId });
      ctx.pendingAudit.push({
        communityId: issue.communityId,
        actorMemberId: ctx.member.id,
        action: 'issue.supported',
        subjectType: 'issue',
        subjectId: issue.id,
      });
      reply(ctx, { type: 'issue.supported', params: { number: issue.number, households, threshold: needed } });
      return true;
    },
    async flush() {
      if (rows.length > 0)
        await tx.$executeRaw`
          INSERT INTO "Support" ("issueId", "memberId", "householdId", "createdAt")
          SELECT i, m, h, ${now} FROM unnest(${rows.map((r) => r.issueId)}::int[], ${rows.map((r) => r.memberId)}::int[], ${rows.map((r) => r.householdId)}::int[]) AS t(i, m, h)`;
      return [];
    },
  };
};
