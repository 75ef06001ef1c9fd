import { DomainError } from '../../../core/errors.js';
import { type Chat, type EscalationLevel, type Issue, Prisma } from '../../../db/generated/client.js';
import type { CommandContext, Tx } from '../../context.js';
import { requireCommunity } from '../../context.js';
import type { IssueSummary, Level } from '../../notices.js';
import { buildingInScopeSql, householdInScope, type Scoped } from '../../scope.js';
import type { ClaimedHousehold } from '../membership/households.js';

/**
 * The issue #number of the command's community, locked for the rest of the transaction so that concurrent
 * supports, escalations and resolves of one issue take turns. Hidden issues exist only for the committee.
 * Throws issue_not_found.
 */
export async function findIssue(ctx: CommandContext, number: number, options: { includeHidden?: boolean } = {}): Promise<Issue> {
  const community = requireCommunity(ctx);
  const [issue] = await ctx.tx.$queryRaw<Issue[]>`
    SELECT * FROM "Issue" WHERE "communityId" = ${community.id} AND "number" = ${number} FOR UPDATE`;
  return visibleIssue(issue, number, options);
}

/** The issue as its reader may see it: a hidden issue exists only for the committee (includeHidden). Throws issue_not_found. */
export function visibleIssue<T extends { status: string }>(
  issue: T | null | undefined,
  number: number,
  options: { includeHidden?: boolean } = {},
): T {
  if (!issue || (issue.status === 'hidden' && !options.includeHidden)) throw new DomainError('issue_not_found', { number });
  return issue;
}

/**
 * Distinct households in the scope of the issue `issue` (a table alias in the surrounding query) that back it, the
 * raiser's included: a scalar subquery, so a query that reads issues counts their backing in the same statement.
 */
export function backingCountSql(issue: string): Prisma.Sql {
  // Each support's household is checked by a subquery of its own: as a join, the planner starts from the households
  // in the scope (hundreds, thousands for a community-wide issue) rather than from the issue's few supports.
  return Prisma.sql`(SELECT count(DISTINCT s."householdId")::int FROM "Support" s
    WHERE s."issueId" = ${Prisma.raw(`"${issue}"."id"`)} AND (
      SELECT ${buildingInScopeSql('b', issue)} FROM "Household" h JOIN "Building" b ON b."id" = h."buildingId" WHERE h."id" = s."householdId"))`;
}

/** Distinct households in each issue's scope that back it (the raiser's included), by issue id; one statement. */
export async function backingHouseholds(tx: Tx, issueIds: number[]): Promise<Map<number, number>> {
  const rows = await tx.$queryRaw<Array<{ issueId: number; households: number }>>`
    SELECT i."id" AS "issueId", ${backingCountSql('i')} AS "households" FROM "Issue" i WHERE i."id" = ANY(${issueIds}::int[])`;
  const backing = new Map(issueIds.map((id) => [id, 0]));
  for (const row of rows) backing.set(row.issueId, row.households);
  return backing;
}

export async function supportingHouseholds(tx: Tx, issue: Pick<Issue, 'id'>): Promise<number> {
  return (await backingHouseholds(tx, [issue.id])).get(issue.id)!;
}

/** The household a support counts for: the supporter's first claimed household in the issue's scope, if any. */
export function supporterHousehold(households: ClaimedHousehold[], issue: Scoped): number | null {
  return households.find((household) => householdInScope(issue, household))?.id ?? null;
}

/**
 * The chats that speak for each level: the issue's building chats, the community's chats (resident groups),
 * the committee's chat (which convenes the representatives), and for the joint meeting the committee's and the
 * joint-meeting parties' chats.
 */
export async function chatsAtLevel(tx: Tx, issue: Pick<Issue, 'buildingId' | 'communityId'>, level: EscalationLevel): Promise<Chat[]> {
  const live = { communityId: issue.communityId, leftAt: null };
  switch (level) {
    case 'building':
      return issue.buildingId === null ? [] : tx.chat.findMany({ where: { ...live, binding: 'building', buildingId: issue.buildingId } });
    case 'resident_group':
      return tx.chat.findMany({ where: { ...live, binding: 'community' } });
    case 'representatives':
      return tx.chat.findMany({ where: { ...live, binding: 'committee' } });
    case 'joint_meeting':
      return tx.chat.findMany({
        where: { ...live, OR: [{ binding: 'committee' }, { binding: 'party', party: { inJointMeeting: true } }] },
      });
  }
}

export async function summarise(tx: Tx, issues: Issue[]): Promise<IssueSummary[]> {
  const backing = await backingHouseholds(
    tx,
    issues.map((issue) => issue.id),
  );
  return issues.map((issue) => ({
    number: issue.number,
    text: issue.text,
    status: issue.status,
    level: issue.level as Level,
    supporters: backing.get(issue.id)!,
  }));
}

export function originChat(tx: Tx, issue: Pick<Issue, 'originChatId'>): Promise<Chat | null> {
  return issue.originChatId === null ? Promise.resolve(null) : tx.chat.findUnique({ where: { id: issue.originChatId } });
}
