import { DomainError } from '../../../core/errors.js';
import { type Issue, type IssueDraft, Prisma } from '../../../db/generated/client.js';
import type { CommandContext } from '../../context.js';
import { audit, checkText, reply, requireCommunity } from '../../context.js';
import type { Level } from '../../notices.js';
import { nextNumberSql } from '../../numbering.js';
import { type BuildingSize, buildingSizesSql } from '../../scope.js';
import { requireMember } from '../membership/permissions.js';
import { categorise } from './categories.js';
import { postCard } from './issue-card.js';
import { supporterHousehold } from './issue-queries.js';
import { startingLevel } from './levels.js';
import { findSimilar, tokens } from './similarity.js';
import { escalateIfSupported, supportNeeded } from './support-issue.js';

export const openStatuses = ['open', 'in_progress', 'answered'] as const;

/**
 * `/issue <text>` in a building's or the community's chat. If it looks like an open issue of the same scope, it is
 * held as a draft and the member offered to support that one or raise theirs anyway; otherwise raised at once.
 * Emits issue.raised or issue.looks_duplicate; throws chat_not_linked, chat_not_for_issues, not_a_member, text_empty,
 * text_too_long.
 */
export async function raiseIssue(ctx: CommandContext, action: { text: string }): Promise<void> {
  const community = requireCommunity(ctx);
  if (ctx.chat.binding !== 'building' && ctx.chat.binding !== 'community') throw new DomainError('chat_not_for_issues');
  await requireMember(ctx);
  if (!action.text.trim()) throw new DomainError('usage', { command: 'issue' });
  const text = checkText(ctx, action.text);
  const buildingId = ctx.chat.binding === 'building' ? ctx.chat.buildingId : null;
  const wanted = [...tokens(text)];
  // Open issues of the same scope (read through the index on it: hence "buildingId" = or IS NULL, not IS NOT DISTINCT
  // FROM, which no index answers) that share the most tokens with it (an issue's stored tokens are distinct, so a
  // count of those in `wanted` is the overlap); issues raised before tokens were kept are compared by their text, the
  // latest 200 of them. Whether one is a look-alike is findSimilar's rule.
  const inBuilding = buildingId === null ? Prisma.sql`"buildingId" IS NULL` : Prisma.sql`"buildingId" = ${buildingId}`;
  const scope = Prisma.sql`"communityId" = ${community.id} AND "status" = ANY(${[...openStatuses]}::"IssueStatus"[]) AND ${inBuilding}`;
  // The community's categories come with them, for the issue if it is raised: one round trip either way.
  const [{ candidates, categories }] = await ctx.tx.$queryRaw<[{ candidates: Candidate[]; categories: CategoryRow[] }]>`
    SELECT (SELECT coalesce(json_agg(c ORDER BY c."shared" DESC, c."number" DESC), '[]') FROM (
      (SELECT "number", "text", "tokens", (SELECT count(*)::int FROM unnest("tokens") t WHERE t = ANY(${wanted}::text[])) AS "shared"
        FROM "Issue" WHERE ${scope} AND "tokens" && ${wanted}::text[] ORDER BY "shared" DESC, "number" DESC LIMIT 50)
      UNION ALL
      (SELECT "number", "text", "tokens", -1 AS "shared" FROM "Issue" WHERE ${scope} AND "tokens" = '{}' ORDER BY "number" DESC LIMIT 200)
    ) c) AS "candidates", (SELECT coalesce(json_agg(k), '[]') FROM (${categoriesSql(community.id)}) k) AS "categories"`;
  const similar = findSimilar(text, candidates, ctx.settings.duplicateSimilarity).map((issue) => ({
    number: issue.number,
    text: issue.text,
  }));
  if (similar.length > 0) {
    const [draft] = await ctx.tx.$queryRaw<Array<{ id: number }>>`
      INSERT INTO "IssueDraft" ("communityId", "memberId", "chatId", "messageId", "buildingId", "text", "createdAt")
      VALUES (${community.id}, ${ctx.member.id}, ${ctx.chat.id}, ${ctx.command.messageId ?? null}, ${buildingId}::int, ${text}, ${ctx.now})
      RETURNING "id"`;
    reply(ctx, { type: 'issue.looks_duplicate', params: { similar } }, [
      ...similar.map((issue) => ({ kind: 'support' as const, number: issue.number })),
      { kind: 'raise_draft', draftId: draft!.id },
    ]);
    return;
  }
  await createIssue(ctx, { text, buildingId, originChatId: ctx.chat.id, originMessageId: ctx.command.messageId ?? null }, categories);
}

type Candidate = { number: number; text: string; tokens: string[] };
type CategoryRow = { id: number; code: string; keywords: string[] };

/** A community's categories with their keywords. */
const categoriesSql = (communityId: number) => Prisma.sql`
  SELECT c."id", c."code", coalesce(array_agg(k."keyword" ORDER BY k."id") FILTER (WHERE k."id" IS NOT NULL), '{}') AS "keywords"
  FROM "Category" c LEFT JOIN "CategoryKeyword" k ON k."categoryId" = c."id"
  WHERE c."communityId" = ${communityId}
  GROUP BY c."id" ORDER BY c."id"`;

/**
 * `raise anyway` on a held draft: raises it, once. The draft is then used up: a second tap (a double tap, or the
 * button tapped again later) changes nothing and says nothing, since the raised notice is already in the chat.
 * Emits issue.raised; throws draft_not_found.
 */
export async function raiseDraft(ctx: CommandContext, action: { draftId: number }): Promise<void> {
  // Locked, so that of two taps racing on one draft the second sees it used.
  const [draft] = await ctx.tx.$queryRaw<IssueDraft[]>`
    SELECT * FROM "IssueDraft" WHERE "id" = ${action.draftId} AND "memberId" = ${ctx.member.id} FOR UPDATE`;
  if (!draft) throw new DomainError('draft_not_found');
  if (draft.issueId !== null) return;
  const issue = await createIssue(ctx, {
    text: draft.text,
    buildingId: draft.buildingId,
    originChatId: draft.chatId,
    originMessageId: draft.messageId,
  });
  await ctx.tx.issueDraft.update({ where: { id: draft.id }, data: { issueId: issue.id } });
}

async function createIssue(
  ctx: CommandContext,
  input: { text: string; buildingId: number | null; originChatId: number; originMessageId: string | null },
  categoriesRead?: CategoryRow[],
): Promise<Issue> {
  const community = requireCommunity(ctx);
  const categories = categoriesRead ?? (await ctx.tx.$queryRaw<CategoryRow[]>(categoriesSql(community.id)));
  const code = categorise(input.text, categories);
  const category = categories.find((candidate) => candidate.code === (code ?? 'other')) ?? null;
  const level = startingLevel(input);
  // The raiser backs their own issue: their household in its scope, if they have one, counts towards the threshold
  // like any neighbour's (and the raiser rates the outcome in any case).
  const householdId = supporterHousehold(ctx.households, { communityId: community.id, buildingId: input.buildingId });
  // Numbered from the community's counter, whose row stays locked until commit (so it is taken as late as it can be),
  // and supported, in one statement that also reads the community's building sizes (for its scope and threshold).
  const [row] = await ctx.tx.$queryRaw<Array<Issue & { buildingSizes: BuildingSize[] }>>`
    WITH numbered AS (${nextNumberSql(community.id, 'lastIssueNumber')}), raised AS (
      INSERT INTO "Issue" ("communityId", "number", "text", "tokens", "categoryId", "buildingId", "level", "raisedById",
        "originChatId", "originMessageId", "createdAt", "updatedAt")
      SELECT ${community.id}, "number", ${input.text}, ${[...tokens(input.text)]}::text[], ${category?.id ?? null}::int,
        ${input.buildingId}::int, ${level}::"EscalationLevel", ${ctx.member.id}, ${input.originChatId}, ${input.originMessageId}, ${ctx.now}, ${ctx.now}
      FROM numbered
      RETURNING *
    ), supported AS (
      INSERT INTO "Support" ("issueId", "memberId", "householdId", "createdAt") SELECT "id", ${ctx.member.id}, ${householdId}::int, ${ctx.now} FROM raised
    )
    SELECT raised.*, (SELECT coalesce(json_agg(b), '[]') FROM (${buildingSizesSql([community.id])}) b) AS "buildingSizes" FROM raised`;
  if (!row) throw new Error(`community ${community.id} vanished while an issue was raised in it`);
  const { buildingSizes: buildings, ...issue } = row;
  await audit(ctx, {
    communityId: community.id,
    actorMemberId: ctx.member.id,
    action: 'issue.raised',
    subjectType: 'issue',
    subjectId: issue.id,
  });
  // Its only support is the raiser's, which counts if it was for a household.
  const count = { households: householdId === null ? 0 : 1, needed: supportNeeded(issue, community, buildings) };
  const card = {
    number: issue.number,
    text: issue.text,
    category: category?.code ?? null,
    scope: { building: buildings.find((building) => building.buildingId === issue.buildingId)?.name ?? null },
    level: issue.level as Level,
  };
  postCard(ctx, issue, card, count);
  await escalateIfSupported(ctx, issue, count);
  return issue;
}
