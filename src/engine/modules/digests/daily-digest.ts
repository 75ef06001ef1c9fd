import type { Community, EscalationLevel } from '../../../db/generated/client.js';
import type { EffectContext, Tx } from '../../context.js';
import type { DailyDigest, DigestPoll, DigestRates, MeetingSummary, NoticeBody } from '../../notices.js';
import { buildingInScopeSql } from '../../scope.js';
import { countedRatings } from '../followups/raters.js';
import { computeRates } from '../followups/rates.js';
import { openStatuses } from '../issues/raise-issue.js';
import { centi, formatArea, tallyOwners } from '../polls/tally.js';
import { localDate } from './digest-time.js';

const hour = 3_600_000;
const day = 24 * hour;

/** The windows of the digest (DOMAIN rule 7): what happened in the last day, what comes in the next two or seven. */
export const digestWindows = { recent: day, pollsClosing: 48 * hour, meetings: 7 * day, rates: 30 * day } as const;

export type DigestCommunity = Pick<Community, 'id' | 'name' | 'timezone'>;

/**
 * The daily digest of a community as of `now`, as plain data: issues raised, issues gaining support and escalations
 * in the last 24 hours; open polls closing within 48 hours with their turnout (owners' votes: progress towards the
 * 2/3 quorum of households and of area); unanswered follow-ups past their deadline; meetings in the next 7 days;
 * and the three rates over the last 30 days. Hidden issues count nowhere. A fixed dozen queries, however many issues.
 */
export async function composeDailyDigest(tx: Tx, community: DigestCommunity, now: Date): Promise<DailyDigest> {
  const since = new Date(now.getTime() - digestWindows.recent);
  const communityId = community.id;
  const visible = { communityId, status: { not: 'hidden' as const } };

  const newIssues = await tx.issue.findMany({
    where: { ...visible, createdAt: { gt: since, lte: now } },
    orderBy: { number: 'asc' },
    select: { number: true, text: true },
  });

  // Households backing each issue now (in its scope, as the threshold counts them), and how many of them first
  // backed it in the window. The raiser's household backs its issue from the start, so it is never "added".
  const supportGains = await tx.$queryRaw<Array<{ number: number; text: string; households: number; added: number }>>`
    WITH backing AS (
      SELECT s."issueId", s."householdId", min(s."createdAt") AS "first",
        coalesce(bool_or(s."memberId" IS NOT NULL AND s."memberId" = i."raisedById"), false) AS "raiser"
      FROM "Support" s
      JOIN "Issue" i ON i."id" = s."issueId"
      JOIN "Household" h ON h."id" = s."householdId"
      JOIN "Building" b ON b."id" = h."buildingId"
      WHERE i."communityId" = ${communityId} AND i."status" <> 'hidden'
        AND (b."id" = i."buildingId" OR (i."buildingId" IS NULL AND b."communityId" = i."communityId"))
        AND EXISTS (
          SELECT 1 FROM "Support" recent
          WHERE recent."issueId" = i."id" AND recent."createdAt" > ${since} AND recent."createdAt" <= ${now})
      GROUP BY s."issueId", s."householdId"
    )
    SELECT i."number", i."text", count(*)::int AS "households",
      (count(*) FILTER (WHERE b."first" > ${since} AND b."first" <= ${now} AND NOT b."raiser"))::int AS "added"
    FROM backing b JOIN "Issue" i ON i."id" = b."issueId"
    GROUP BY i."id", i."number", i."text"
    HAVING count(*) FILTER (WHERE b."first" > ${since} AND b."first" <= ${now} AND NOT b."raiser") > 0
    ORDER BY "added" DESC, i."number" ASC`;

  const escalations = await tx.escalation.findMany({
    where: { createdAt: { gt: since, lte: now }, issue: visible },
    orderBy: [{ createdAt: 'asc' }, { id: 'asc' }],
    select: { fromLevel: true, toLevel: true, cause: true, issue: { select: { number: true } } },
  });

  const pollsClosing = await pollsClosingSoon(tx, communityId, now);

  const overdue = await tx.followUp.findMany({
    where: { respondedAt: null, deadline: { lt: now }, issue: { communityId, status: { in: [...openStatuses] } } },
    orderBy: [{ deadline: 'asc' }, { id: 'asc' }],
    select: { deadline: true, issue: { select: { number: true } }, party: { select: { name: true } } },
  });

  const meetings = await upcomingMeetings(tx, communityId, now, new Date(now.getTime() + digestWindows.meetings));

  return {
    community: community.name,
    period: localDate(community.timezone, now),
    newIssues,
    supportGains,
    escalations: escalations.map((e) => ({
      number: e.issue.number,
      from: e.fromLevel as EscalationLevel,
      to: e.toLevel as EscalationLevel,
      cause: e.cause,
    })),
    pollsClosing,
    overdueFollowUps: overdue.map((f) => ({
      number: f.issue.number,
      party: f.party.name,
      deadline: f.deadline.toISOString(),
      // Days begun since the deadline: an hour late is one day overdue.
      daysOverdue: Math.ceil((now.getTime() - f.deadline.getTime()) / day),
    })),
    meetings,
    rates: await communityRates(tx, [communityId], now).then((rates) => rates.get(communityId)!),
  };
}

/**
 * Open polls of the community closing within 48 hours, with their turnout, in one query: voters and eligible
 * members of an ordinary poll (as its results count them), households and area of an owners' vote's scope and of
 * those that took part (as its tally counts them).
 */
async function pollsClosingSoon(tx: Tx, communityId: number, now: Date): Promise<DigestPoll[]> {
  const until = new Date(now.getTime() + digestWindows.pollsClosing);
  const rows = await tx.$queryRaw<
    Array<{
      number: number;
      question: string;
      kind: 'ordinary' | 'owners_vote';
      closesAt: Date;
      voters: number;
      eligible: number;
      households: number | null;
      area: string | null;
      voted: number | null;
      votedArea: string | null;
    }>
  >`
    SELECT p."number", p."question", p."kind"::text AS "kind", p."closesAt",
      (SELECT count(*)::int FROM "Ballot" bl WHERE bl."pollId" = p."id") AS "voters",
      CASE WHEN p."kind" = 'ordinary' THEN
        (SELECT count(DISTINCT c."memberId")::int FROM "HouseholdClaim" c
          JOIN "Household" h ON h."id" = c."householdId" JOIN "Building" b ON b."id" = h."buildingId"
          WHERE ${buildingInScopeSql('b', 'p')})
      ELSE 0 END AS "eligible",
      w."households", w."area", w."voted", w."votedArea"
    FROM "Poll" p
    LEFT JOIN LATERAL (
      SELECT count(h."id")::int AS "households", coalesce(sum(h."areaM2"), 0)::text AS "area",
        count(bl."id")::int AS "voted", coalesce(sum(h."areaM2") FILTER (WHERE bl."id" IS NOT NULL), 0)::text AS "votedArea"
      FROM "Household" h
      JOIN "Building" b ON b."id" = h."buildingId"
      LEFT JOIN "Ballot" bl ON bl."householdId" = h."id" AND bl."pollId" = p."id"
      WHERE ${buildingInScopeSql('b', 'p')}
    ) w ON p."kind" = 'owners_vote'
    WHERE p."communityId" = ${communityId} AND p."status" = 'open' AND p."closesAt" > ${now} AND p."closesAt" <= ${until}
    ORDER BY p."closesAt" ASC, p."number" ASC`;
  return rows.map((row): DigestPoll => {
    const header = { number: row.number, question: row.question, closesAt: new Date(row.closesAt).toISOString() };
    if (row.kind === 'ordinary') return { kind: 'ordinary', ...header, voters: row.voters, eligible: row.eligible };
    const total = { households: row.households ?? 0, area: centi(row.area ?? '0') };
    const voted = { households: row.voted ?? 0, area: centi(row.votedArea ?? '0') };
    const none = { households: 0, area: 0n };
    // The whole scope as one group: the quorum depends only on the totals.
    const tally = tallyOwners('ordinary', [{ buildingId: 0, name: '', total, voted, byChoice: { yes: none, no: none, abstain: none } }]);
    return {
      kind: 'owners_vote',
      ...header,
      households: { participating: voted.households, total: total.households, needed: Number(twoThirds(BigInt(total.households))) },
      area: { participating: formatArea(voted.area), total: formatArea(total.area), needed: formatArea(twoThirds(total.area)) },
      quorumMet: tally.quorum.met,
    };
  });
}

/** ceil(2/3 of a total): the least participation that meets the Civil Code's quorum (3 * part >= 2 * total). */
function twoThirds(total: bigint): bigint {
  return (2n * total + 2n) / 3n;
}

/** The three rates of each community over the last 30 days, in five queries however many communities. */
export async function communityRates(tx: Tx, communityIds: number[], now: Date): Promise<Map<number, DigestRates>> {
  const since = new Date(now.getTime() - digestWindows.rates);
  const scope = { communityId: { in: communityIds }, status: { not: 'hidden' as const } };
  const issues = await tx.issue.findMany({
    where: { ...scope, createdAt: { gte: since } },
    select: { id: true, status: true, createdAt: true, communityId: true },
  });
  const followUps = await tx.followUp.findMany({
    where: { createdAt: { gte: since }, issue: scope },
    select: { partyId: true, issueId: true, deadline: true, respondedAt: true, createdAt: true, issue: { select: { communityId: true } } },
  });
  const ratings = await countedRatings(tx, { createdAt: { gte: since }, issue: scope });
  return new Map(
    communityIds.map((id) => [
      id,
      computeRates(
        {
          issues: issues.filter((i) => i.communityId === id),
          followUps: followUps.filter((f) => f.issue.communityId === id),
          ratings: ratings.filter((r) => r.communityId === id),
        },
        now,
        since,
      ),
    ]),
  );
}

/** Nothing to report: no section has an entry (the rates alone are not news). */
export function isQuietDay(digest: DailyDigest): boolean {
  return (
    digest.newIssues.length +
      digest.supportGains.length +
      digest.escalations.length +
      digest.pollsClosing.length +
      digest.overdueFollowUps.length +
      digest.meetings.length ===
    0
  );
}

/** The notice for a digest: the full digest, or on a quiet day one line. */
export function digestNotice(digest: DailyDigest): NoticeBody {
  return isQuietDay(digest)
    ? { type: 'digest.daily_empty', params: { community: digest.community, period: digest.period } }
    : { type: 'digest.daily', params: digest };
}

/**
 * Posts the daily digest for `period` (the local date, from `nextDigestAt`) to each live committee chat of the
 * community, in the chat's language, at most once per chat and period: a SentDigest row is inserted for each chat
 * in this transaction, and a chat whose row already exists is skipped. Emits digest.daily or digest.daily_empty
 * into `ctx.notices` (the caller writes them, in the same transaction, as `runSystem` does). Returns how many chats
 * it posted to: 0 when every committee chat already had this period's digest, or the community has none.
 */
export async function sendDailyDigest(ctx: EffectContext, community: Community, period: string): Promise<number> {
  const chats = await ctx.tx.$queryRaw<Array<{ id: number; locale: string | null }>>`
    INSERT INTO "SentDigest" ("chatId", "kind", "period", "sentAt")
    SELECT c."id", 'daily', ${period}, ${ctx.now}
    FROM "Chat" c
    WHERE c."communityId" = ${community.id} AND c."binding" = 'committee' AND c."leftAt" IS NULL
    ORDER BY c."id"
    ON CONFLICT ("chatId", "kind", "period") DO NOTHING
    RETURNING "chatId" AS "id", (SELECT "locale" FROM "Chat" WHERE "id" = "SentDigest"."chatId") AS "locale"`;
  if (chats.length === 0) return 0;
  const digest = await composeDailyDigest(ctx.tx, community, ctx.now);
  const body = digestNotice({ ...digest, period });
  // As announce() would, in the chat's language, but without its once-per-type guard: a scheduler catching up two
  // periods in one transaction must post both, since both are now recorded as sent.
  for (const chat of [...chats].sort((a, b) => a.id - b.id))
    ctx.notices.push({ ...body, chatId: chat.id, locale: chat.locale ?? community.locale });
  return chats.length;
}

/** Joint meetings starting in the window, with how many sitting parties answered and attend, against the quorum. */
async function upcomingMeetings(tx: Tx, communityId: number, from: Date, until: Date): Promise<MeetingSummary[]> {
  return tx.$queryRaw<MeetingSummary[]>`
    SELECT m."number" AS "meeting", to_char(m."startsAt" AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS "startsAt",
      m."place", m."status"::text AS "status",
      (SELECT count(*)::int FROM "AgendaItem" a WHERE a."meetingId" = m."id" AND NOT a."dropped" AND a."position" IS NOT NULL) AS "items",
      (SELECT count(*)::int FROM "Rsvp" r JOIN "Party" p ON p."id" = r."partyId"
        WHERE r."meetingId" = m."id" AND p."inJointMeeting" AND r."answer" IN ('attend', 'delegate')) AS "attending",
      (SELECT count(*)::int FROM "Rsvp" r JOIN "Party" p ON p."id" = r."partyId" WHERE r."meetingId" = m."id" AND p."inJointMeeting") AS "answered",
      (SELECT count(*)::int FROM "Party" p WHERE p."communityId" = m."communityId" AND p."inJointMeeting") AS "parties",
      c."meetingQuorum" AS "quorum"
    FROM "Meeting" m JOIN "Community" c ON c."id" = m."communityId"
    WHERE m."communityId" = ${communityId} AND m."status" <> 'closed' AND m."startsAt" >= ${from} AND m."startsAt" <= ${until}
    ORDER BY m."startsAt", m."id"`;
}
