import type { EffectContext, Tx } from '../../context.js';
import type { WeeklyRollup } from '../../notices.js';
import { communityRates } from './daily-digest.js';

const week = 7 * 86_400_000;

/**
 * The weekly roll-up of a subdistrict as of `now`, as plain data: for each of its communities (in the order they were created), the issues
 * raised, escalations and issues resolved in the 7 days before `now`, the follow-ups overdue at `now` (unanswered,
 * past their deadline, on issues still being handled), and the three rates over the last 30 days. Hidden issues
 * count nowhere. Four queries for counts and rates, however many communities. Null for an unknown subdistrict.
 */
export async function composeWeeklyRollup(tx: Tx, subdistrictId: number, now: Date, period: string): Promise<WeeklyRollup | null> {
  const subdistrict = await tx.subdistrict.findUnique({ where: { id: subdistrictId }, select: { name: true } });
  if (!subdistrict) return null;
  const since = new Date(now.getTime() - week);
  const rows = await tx.$queryRaw<
    Array<{ id: number; name: string; newIssues: number; escalations: number; resolved: number; overdue: number }>
  >`
    SELECT c."id", c."name",
      (SELECT count(*)::int FROM "Issue" i
        WHERE i."communityId" = c."id" AND i."status" <> 'hidden' AND i."createdAt" > ${since} AND i."createdAt" <= ${now}) AS "newIssues",
      (SELECT count(*)::int FROM "Escalation" e JOIN "Issue" i ON i."id" = e."issueId"
        WHERE i."communityId" = c."id" AND i."status" <> 'hidden' AND e."createdAt" > ${since} AND e."createdAt" <= ${now}) AS "escalations",
      (SELECT count(*)::int FROM "Issue" i
        WHERE i."communityId" = c."id" AND i."status" IN ('resolved', 'closed')
          AND i."resolvedAt" > ${since} AND i."resolvedAt" <= ${now}) AS "resolved",
      (SELECT count(*)::int FROM "FollowUp" f JOIN "Issue" i ON i."id" = f."issueId"
        WHERE i."communityId" = c."id" AND i."status" IN ('open', 'in_progress', 'answered')
          AND f."respondedAt" IS NULL AND f."deadline" < ${now}) AS "overdue"
    FROM "Community" c
    WHERE c."subdistrictId" = ${subdistrictId}
    ORDER BY c."id" ASC`;
  const rates = await communityRates(
    tx,
    rows.map((row) => row.id),
    now,
  );
  return {
    subdistrict: subdistrict.name,
    period,
    communities: rows.map((row) => ({
      name: row.name,
      newIssues: row.newIssues,
      escalations: row.escalations,
      resolved: row.resolved,
      overdueFollowUps: row.overdue,
      rates: rates.get(row.id)!,
    })),
  };
}

/**
 * Posts the weekly roll-up for `period` (the ISO week from `nextWeeklyAt`) to each live chat bound to the
 * subdistrict (binding 'subdistrict', by the chat's own subdistrict or, failing that, its community's), in the chat's
 * language (else its community's, else zh-CN), at most once per chat and period (SentDigest, kind 'weekly'). Emits
 * digest.weekly into `ctx.notices` for the caller to write in the same transaction. Returns how many chats it posted
 * to (0 if all had it, or the subdistrict has no chat).
 */
export async function sendWeeklyRollup(ctx: EffectContext, subdistrictId: number, period: string): Promise<number> {
  const chats = await ctx.tx.$queryRaw<Array<{ id: number; locale: string | null }>>`
    INSERT INTO "SentDigest" ("chatId", "kind", "period", "sentAt")
    SELECT c."id", 'weekly', ${period}, ${ctx.now}
    FROM "Chat" c
    LEFT JOIN "Community" m ON m."id" = c."communityId"
    WHERE c."binding" = 'subdistrict' AND c."leftAt" IS NULL
      AND coalesce(c."subdistrictId", m."subdistrictId") = ${subdistrictId}
    ORDER BY c."id"
    ON CONFLICT ("chatId", "kind", "period") DO NOTHING
    RETURNING "chatId" AS "id",
      (SELECT coalesce(ch."locale", cm."locale") FROM "Chat" ch LEFT JOIN "Community" cm ON cm."id" = ch."communityId"
        WHERE ch."id" = "SentDigest"."chatId") AS "locale"`;
  if (chats.length === 0) return 0;
  const rollup = await composeWeeklyRollup(ctx.tx, subdistrictId, ctx.now, period);
  if (!rollup) return 0;
  // In the chat's language, else its community's, else Chinese. Pushed directly rather than through announce(),
  // whose once-per-type guard would drop a second period caught up in the same transaction.
  for (const chat of [...chats].sort((a, b) => a.id - b.id))
    ctx.notices.push({ type: 'digest.weekly', params: rollup, chatId: chat.id, locale: chat.locale ?? 'zh-CN' });
  return chats.length;
}
