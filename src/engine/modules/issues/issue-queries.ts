import { DomainError } from '../../../core/errors.js';
import type { Chat, EscalationLevel, Issue } from '../../../db/generated/client.js';
import type { CommandContext, Tx } from '../../context.js';
import { requireCommunity } from '../../context.js';
import type { IssueSummary, Level } from '../../notices.js';

/**
 * The issue #number of the command's community, locked for the rest of the transaction so that concurrent
 * supports, escalations and resolves of one issue take turns. Hidden issues exist only for the committee.
 * Throws issue_not_found.
 */
export async function findIssue(ctx: CommandContext, number: number, options: { includeHidden?: boolean } = {}): Promise<Issue> {
  const community = requireCommunity(ctx);
  const rows = await ctx.tx.$queryRaw<Array<{ id: number }>>`
    SELECT "id" FROM "Issue" WHERE "communityId" = ${community.id} AND "number" = ${number} FOR UPDATE`;
  const issue = rows[0] ? await ctx.tx.issue.findUnique({ where: { id: rows[0].id } }) : null;
  if (!issue || (issue.status === 'hidden' && !options.includeHidden)) throw new DomainError('issue_not_found', { number });
  return issue;
}

/** Where a building-scoped issue's supporters must live: its building; a community-wide issue: any building. */
function scopeFilter(issue: Pick<Issue, 'buildingId' | 'communityId'>) {
  return issue.buildingId === null ? { communityId: issue.communityId } : { id: issue.buildingId };
}

export async function householdsInScope(tx: Tx, issue: Pick<Issue, 'buildingId' | 'communityId'>): Promise<number> {
  return tx.household.count({ where: { building: scopeFilter(issue) } });
}

/** Distinct households in the issue's scope that back it (the raiser's included). */
export async function supportingHouseholds(tx: Tx, issue: Pick<Issue, 'id' | 'buildingId' | 'communityId'>): Promise<number> {
  const rows = await tx.support.findMany({
    where: { issueId: issue.id, household: { building: scopeFilter(issue) } },
    distinct: ['householdId'],
    select: { householdId: true },
  });
  return rows.length;
}

/** The member's household to count a support for: one in the issue's scope if they have one. */
export async function supporterHousehold(
  tx: Tx,
  memberId: number,
  issue: Pick<Issue, 'buildingId' | 'communityId'>,
): Promise<number | null> {
  const claim = await tx.householdClaim.findFirst({
    where: { memberId, household: { building: scopeFilter(issue) } },
    orderBy: { householdId: 'asc' },
    select: { householdId: true },
  });
  return claim?.householdId ?? null;
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
  const summaries: IssueSummary[] = [];
  for (const issue of issues) {
    summaries.push({
      number: issue.number,
      text: issue.text,
      status: issue.status,
      level: issue.level as Level,
      supporters: await supportingHouseholds(tx, issue),
    });
  }
  return summaries;
}

export function originChat(tx: Tx, issue: Pick<Issue, 'originChatId'>): Promise<Chat | null> {
  return issue.originChatId === null ? Promise.resolve(null) : tx.chat.findUnique({ where: { id: issue.originChatId } });
}

/** A member's private chat with the bot, if they ever opened one. */
export function privateChatOf(tx: Tx, memberId: number): Promise<Chat | null> {
  return tx.chat.findFirst({ where: { memberId, kind: 'private', leftAt: null }, orderBy: { id: 'desc' } });
}
