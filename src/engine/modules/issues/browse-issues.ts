import { DomainError } from '../../../core/errors.js';
import { Prisma } from '../../../db/generated/client.js';
import type { CommandContext } from '../../context.js';
import { reply, requireCommunity } from '../../context.js';
import type { IssueDetail, IssueSummary } from '../../notices.js';
import { hasRole, rolesIn } from '../membership/permissions.js';
import { backingCountSql, visibleIssue } from './issue-queries.js';
import { openStatuses } from './raise-issue.js';

/** Reading is open to anyone in a bound chat (it is that chat's business); in a private chat, to members only. */
async function requireReader(ctx: CommandContext): Promise<void> {
  const community = requireCommunity(ctx);
  if (ctx.chat.kind === 'private' && !ctx.memberOf.has(community.id)) {
    throw new DomainError('not_a_member', { community: community.name });
  }
}

/** `/issues`: the open issues here (a building chat: its building's and the community-wide ones). Emits issue.listed. */
export async function listIssues(ctx: CommandContext): Promise<void> {
  const community = requireCommunity(ctx);
  await requireReader(ctx);
  const buildingId = ctx.chat.binding === 'building' ? ctx.chat.buildingId : null;
  // The latest twenty with their backing, in one statement.
  const issues = await ctx.tx.$queryRaw<IssueSummary[]>`
    SELECT i."number", i."text", i."status"::text AS "status", i."level"::text AS "level", ${backingCountSql('i')} AS "supporters"
    FROM "Issue" i
    WHERE i."communityId" = ${community.id} AND i."status" = ANY(${[...openStatuses, 'resolved']}::"IssueStatus"[])
      AND (${buildingId}::int IS NULL OR i."buildingId" = ${buildingId}::int OR i."buildingId" IS NULL)
    ORDER BY i."number" DESC
    LIMIT 20`;
  reply(ctx, { type: 'issue.listed', params: { issues } });
}

const isoTime = (column: string) => `to_char(${column}, 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;

/**
 * `/show <n>`: one issue in full, with its follow-up, read in one statement (a read takes no lock). The committee
 * also sees hidden ones. Emits issue.shown; throws issue_not_found.
 */
export async function showIssue(ctx: CommandContext, action: { number: number }): Promise<void> {
  const community = requireCommunity(ctx);
  await requireReader(ctx);
  const isCommittee = hasRole(rolesIn(ctx, community.id), 'committee');
  const rows = await ctx.tx.$queryRaw<Array<IssueDetail>>`
    SELECT i."number", i."text", i."status"::text, c."code" AS "category", json_build_object('building', b."name") AS "scope",
      i."level"::text, i."triage"::text, i."hiddenReason", ${Prisma.raw(isoTime('i."createdAt"'))} AS "createdAt",
      ${backingCountSql('i')} AS "supporters",
      (SELECT json_build_object('party', p."name", 'deadline', ${Prisma.raw(isoTime('f."deadline"'))}, 'response', f."response")
         FROM "FollowUp" f JOIN "Party" p ON p."id" = f."partyId" WHERE f."issueId" = i."id" ORDER BY f."id" DESC LIMIT 1) AS "followUp",
      coalesce((SELECT json_agg(json_build_object('to', e."toLevel", 'cause', e."cause", 'by', m."displayName") ORDER BY e."id")
         FROM "Escalation" e LEFT JOIN "Member" m ON m."id" = e."byId" WHERE e."issueId" = i."id"), '[]') AS "steps",
      coalesce((SELECT json_agg(json_build_object('meeting', mt."number", 'startsAt', ${Prisma.raw(isoTime('mt."startsAt"'))},
           'outcome', a."outcome", 'decision', a."decision", 'sentUpTo', a."sentUpTo") ORDER BY a."id")
         FROM "AgendaItem" a JOIN "Meeting" mt ON mt."id" = a."meetingId"
         WHERE a."issueId" = i."id" AND NOT a."dropped" AND a."position" IS NOT NULL), '[]') AS "meetings"
    FROM "Issue" i
    LEFT JOIN "Category" c ON c."id" = i."categoryId"
    LEFT JOIN "Building" b ON b."id" = i."buildingId"
    WHERE i."communityId" = ${community.id} AND i."number" = ${action.number}`;
  const issue = visibleIssue(rows[0], action.number, { includeHidden: isCommittee });
  reply(ctx, { type: 'issue.shown', params: { ...issue, hiddenReason: isCommittee ? issue.hiddenReason : null } });
}
