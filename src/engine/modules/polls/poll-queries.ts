import { createHmac, randomBytes } from 'node:crypto';
import { DomainError } from '../../../core/errors.js';
import type { Poll, PollOption } from '../../../db/generated/client.js';
import { canonicalJson } from '../../audit-chain.js';
import { announce, audit, type CommandContext, type EffectContext, requireCommunity, settleOutbox, type Tx } from '../../context.js';
import type { Button, OrdinaryResults, OwnersResults, PollHeader, PollResults } from '../../notices.js';
import { buildingInScopeSql, buildingsInScope } from '../../scope.js';
import { type BuildingTurnout, centi, formatArea, type OwnersChoice, ownersChoices, tallyOrdinaryCounts, tallyOwners } from './tally.js';

export type PollWithOptions = Poll & { options: PollOption[] };

/** The outbox key of a poll's opening message, whose platform message id the live counts are edited into. */
export function openedKey(pollId: number): string {
  return `poll.opened:${pollId}`;
}

export function voteButtons(poll: { number: number; kind: Poll['kind']; options: Array<{ position: number; label: string }> }): Button[] {
  return poll.options.map((option) => ({
    kind: 'vote',
    number: poll.number,
    position: option.position,
    label: option.label,
    ...(poll.kind === 'owners_vote' ? { choice: true } : {}),
  }));
}

/**
 * Poll #number of the command's community with its options. `lock` takes a key-share lock (votes: many at once;
 * it lets a vote update the poll's turnout milestone without two votes deadlocking on the upgrade) or an update
 * lock (closing: waits for votes in flight, and votes after it see the poll closed). Throws poll_not_found.
 */
export async function findPoll(ctx: CommandContext, number: number, lock: 'share' | 'update'): Promise<PollWithOptions> {
  const community = requireCommunity(ctx);
  const rows =
    lock === 'share'
      ? await ctx.tx.$queryRaw<
          Array<{ id: number }>
        >`SELECT "id" FROM "Poll" WHERE "communityId" = ${community.id} AND "number" = ${number} FOR KEY SHARE`
      : await ctx.tx.$queryRaw<
          Array<{ id: number }>
        >`SELECT "id" FROM "Poll" WHERE "communityId" = ${community.id} AND "number" = ${number} FOR UPDATE`;
  const poll = rows[0]
    ? await ctx.tx.poll.findUnique({ where: { id: rows[0].id }, include: { options: { orderBy: { position: 'asc' } } } })
    : null;
  if (!poll) throw new DomainError('poll_not_found', { number });
  return poll;
}

export function isOpen(poll: Poll, now: Date): boolean {
  return poll.status === 'open' && poll.closesAt > now;
}

/** The secret ballots' key: BALLOT_SECRET when configured, else this installation's own, made on first use. */
export async function ballotSecret(tx: Tx, configured: string | undefined): Promise<string> {
  if (configured) return configured;
  await tx.installation.createMany({ data: [{ id: 1, ballotSecret: randomBytes(32).toString('hex') }], skipDuplicates: true });
  return (await tx.installation.findUniqueOrThrow({ where: { id: 1 } })).ballotSecret;
}

/** A secret poll's voter key: keyed, so it names no one, and stable, so a member's second tap changes their ballot. */
export function secretVoterKey(secret: string, pollId: number, memberId: number): string {
  return `secret:${createHmac('sha256', secret).update(`${pollId}:${memberId}`).digest('hex')}`;
}

type TurnoutRow = {
  buildingId: number;
  name: string;
  households: number;
  area: string;
  voted: number;
  votedArea: string;
  yes: number;
  yesArea: string;
  no: number;
  noArea: string;
  abstain: number;
  abstainArea: string;
};

function turnoutOf(rows: TurnoutRow[]): BuildingTurnout[] {
  return rows.map((row) => ({
    buildingId: row.buildingId,
    name: row.name,
    total: { households: row.households, area: centi(row.area) },
    voted: { households: row.voted, area: centi(row.votedArea) },
    byChoice: {
      yes: { households: row.yes, area: centi(row.yesArea) },
      no: { households: row.no, area: centi(row.noArea) },
      abstain: { households: row.abstain, area: centi(row.abstainArea) },
    },
  }));
}

/**
 * Turnout of an owners' vote by building from its running totals (`OwnersTally` and the register totals on each
 * building, kept by triggers as ballots and households change): one row per building and option, however many
 * households. Areas come back as integers of 0.01 m².
 */
export async function ownersTurnout(tx: Tx, poll: Pick<Poll, 'id' | 'communityId' | 'buildingId'>): Promise<BuildingTurnout[]> {
  const rows = await tx.$queryRaw<TurnoutRow[]>`
    SELECT b."id" AS "buildingId", b."name", b."registerHouseholds" AS "households", b."registerArea"::text AS "area",
      coalesce(sum(t."households"), 0)::int AS "voted", coalesce(sum(t."area"), 0)::text AS "votedArea",
      coalesce(sum(t."households") FILTER (WHERE t."position" = 0), 0)::int AS "yes", coalesce(sum(t."area") FILTER (WHERE t."position" = 0), 0)::text AS "yesArea",
      coalesce(sum(t."households") FILTER (WHERE t."position" = 1), 0)::int AS "no", coalesce(sum(t."area") FILTER (WHERE t."position" = 1), 0)::text AS "noArea",
      coalesce(sum(t."households") FILTER (WHERE t."position" = 2), 0)::int AS "abstain", coalesce(sum(t."area") FILTER (WHERE t."position" = 2), 0)::text AS "abstainArea"
    FROM "Building" b
    LEFT JOIN "OwnersTally" t ON t."buildingId" = b."id" AND t."pollId" = ${poll.id}
    WHERE ${buildingInScopeSql('b', poll)} AND b."registerHouseholds" > 0
    GROUP BY b."id", b."name"
    ORDER BY b."name"`;
  return turnoutOf(rows);
}

/** The same turnout recounted from the register and every ballot: what the verdict at close stands on. */
export async function recountOwnersTurnout(tx: Tx, poll: Pick<Poll, 'id' | 'communityId' | 'buildingId'>): Promise<BuildingTurnout[]> {
  const rows = await tx.$queryRaw<TurnoutRow[]>`
    SELECT b."id" AS "buildingId", b."name",
      count(h."id")::int AS "households", coalesce(sum(h."areaM2"), 0)::text AS "area",
      count(bl."id")::int AS "voted", coalesce(sum(h."areaM2") FILTER (WHERE bl."id" IS NOT NULL), 0)::text AS "votedArea",
      count(*) FILTER (WHERE o."position" = 0)::int AS "yes", coalesce(sum(h."areaM2") FILTER (WHERE o."position" = 0), 0)::text AS "yesArea",
      count(*) FILTER (WHERE o."position" = 1)::int AS "no", coalesce(sum(h."areaM2") FILTER (WHERE o."position" = 1), 0)::text AS "noArea",
      count(*) FILTER (WHERE o."position" = 2)::int AS "abstain", coalesce(sum(h."areaM2") FILTER (WHERE o."position" = 2), 0)::text AS "abstainArea"
    FROM "Building" b
    JOIN "Household" h ON h."buildingId" = b."id"
    LEFT JOIN "Ballot" bl ON bl."householdId" = h."id" AND bl."pollId" = ${poll.id}
    LEFT JOIN "BallotChoice" bc ON bc."ballotId" = bl."id"
    LEFT JOIN "PollOption" o ON o."id" = bc."optionId"
    WHERE ${buildingInScopeSql('b', poll)}
    GROUP BY b."id", b."name"
    ORDER BY b."name"`;
  return turnoutOf(rows);
}

/**
 * The recount at close against the running totals. They must agree; if they do not, the recount stands, the totals
 * are rebuilt from it and the difference goes into the audit log as `poll.tally_mismatch` (`yishi audit` shows it).
 */
export async function verifiedOwnersTurnout(ctx: EffectContext, poll: PollWithOptions): Promise<BuildingTurnout[]> {
  const [running, exact] = [await ownersTurnout(ctx.tx, poll), await recountOwnersTurnout(ctx.tx, poll)];
  const summary = (turnout: BuildingTurnout[]) =>
    turnout.map((b) => ({
      building: b.name,
      total: [b.total.households, formatArea(b.total.area)],
      ...Object.fromEntries(ownersChoices.map((choice) => [choice, [b.byChoice[choice].households, formatArea(b.byChoice[choice].area)]])),
    }));
  if (canonicalJson(summary(running)) === canonicalJson(summary(exact))) return exact;
  await ctx.tx.$executeRaw`DELETE FROM "OwnersTally" WHERE "pollId" = ${poll.id}`;
  await ctx.tx.$executeRaw`
    INSERT INTO "OwnersTally" ("pollId", "buildingId", "position", "households", "area")
    SELECT bl."pollId", h."buildingId", o."position", count(*)::int, sum(h."areaM2")
    FROM "Ballot" bl JOIN "Household" h ON h."id" = bl."householdId"
    JOIN "BallotChoice" c ON c."ballotId" = bl."id" JOIN "PollOption" o ON o."id" = c."optionId"
    WHERE bl."pollId" = ${poll.id}
    GROUP BY 1, 2, 3`;
  await ctx.tx.$executeRaw`
    UPDATE "Building" b SET "registerHouseholds" = r.n, "registerArea" = r.area
    FROM (SELECT b2."id", count(h."id")::int AS n, coalesce(sum(h."areaM2"), 0) AS area
          FROM "Building" b2 LEFT JOIN "Household" h ON h."buildingId" = b2."id"
          WHERE b2."id" = ANY(${exact.map((b) => b.buildingId)}::int[]) GROUP BY b2."id") AS r
    WHERE b."id" = r."id"`;
  await audit(ctx, {
    communityId: poll.communityId,
    actorMemberId: null,
    actorLabel: 'tally check',
    action: 'poll.tally_mismatch',
    subjectType: 'poll',
    subjectId: poll.id,
    data: { running: summary(running), recount: summary(exact) } as never,
  });
  return exact;
}

const weight = (w: { households: number; area: bigint }) => ({ households: w.households, area: formatArea(w.area) });

export async function ownersResults(tx: Tx, poll: PollWithOptions, turnout?: BuildingTurnout[]): Promise<OwnersResults> {
  const tally = tallyOwners(poll.matterClass ?? 'ordinary', turnout ?? (await ownersTurnout(tx, poll)));
  const paperBallots = await tx.ballot.count({ where: { pollId: poll.id, source: { in: ['paper', 'proxy'] } } });
  return {
    total: weight(tally.total),
    participating: weight(tally.participating),
    byChoice: Object.fromEntries(ownersChoices.map((choice) => [choice, weight(tally.byChoice[choice])])) as OwnersResults['byChoice'],
    quorum: tally.quorum,
    gap: weight(tally.gap),
    approval: tally.approval,
    verdict: tally.verdict,
    paperBallots,
    buildings: tally.buildings.map((b) => ({
      name: b.name,
      total: b.total.households,
      voted: b.voted.households,
      notVotedHouseholds: b.notVoted.households,
      notVotedArea: formatArea(b.notVoted.area),
    })),
  };
}

/** Members who may vote in an ordinary poll: those with a claimed household in its scope. */
export function eligibleMembers(tx: Tx, poll: Pick<Poll, 'buildingId' | 'communityId'>) {
  return tx.member.findMany({
    where: { claims: { some: { household: { building: buildingsInScope(poll) } } } },
    select: { id: true, displayName: true },
  });
}

/** Counts per option, voters and eligible members in one round trip, however many ballots. */
export async function ordinaryResults(tx: Tx, poll: PollWithOptions): Promise<OrdinaryResults> {
  const [row] = await tx.$queryRaw<Array<{ voters: number; eligible: number; votes: Array<number | string> }>>`
    SELECT
      (SELECT count(*)::int FROM "Ballot" WHERE "pollId" = ${poll.id}) AS "voters",
      (SELECT count(DISTINCT c."memberId")::int FROM "HouseholdClaim" c
        JOIN "Household" h ON h."id" = c."householdId" JOIN "Building" b ON b."id" = h."buildingId"
        WHERE ${buildingInScopeSql('b', poll)}) AS "eligible",
      ARRAY(SELECT count(bc."ballotId")::int FROM "PollOption" o LEFT JOIN "BallotChoice" bc ON bc."optionId" = o."id"
        WHERE o."pollId" = ${poll.id} GROUP BY o."position" ORDER BY o."position") AS "votes"`;
  const tally = tallyOrdinaryCounts(row!.votes.map(Number), row!.voters, row!.eligible, poll.quorumPercent);
  return {
    counts: tally.counts.map((count) => ({ label: poll.options[count.position]?.label ?? '', votes: count.votes, share: count.share })),
    voters: tally.voters,
    eligible: tally.eligible,
    quorumMet: tally.quorumMet,
  };
}

export async function pollHeader(tx: Tx, poll: PollWithOptions): Promise<PollHeader> {
  const building = poll.buildingId === null ? null : await tx.building.findUnique({ where: { id: poll.buildingId } });
  return {
    number: poll.number,
    question: poll.question,
    kind: poll.kind,
    matterClass: poll.matterClass,
    options: poll.options.map((option) => option.label),
    closesAt: poll.closesAt.toISOString(),
    multi: poll.multi,
    secret: poll.secret,
    quorumPercent: poll.quorumPercent,
    scope: { building: building?.name ?? null },
  };
}

/** A poll's results; an owners' vote's from `turnout` when given (the verified recount at close). */
export async function pollResults(tx: Tx, poll: PollWithOptions, closed: boolean, turnout?: BuildingTurnout[]): Promise<PollResults> {
  return {
    ...(await pollHeader(tx, poll)),
    closed,
    ordinary: poll.kind === 'ordinary' ? await ordinaryResults(tx, poll) : null,
    owners: poll.kind === 'owners_vote' ? await ownersResults(tx, poll, turnout) : null,
  };
}

/**
 * Closes a poll once: freezes the tally, records the result and verdict in the audit log, and posts the results
 * where the poll was opened. A second call (the deadline after a manual close) does nothing.
 */
export async function closePollNow(ctx: EffectContext, poll: PollWithOptions, by: number | null): Promise<PollResults | null> {
  const current = await ctx.tx.poll.findUniqueOrThrow({ where: { id: poll.id } });
  if (current.status !== 'open') return null;
  const turnout = poll.kind === 'owners_vote' ? await verifiedOwnersTurnout(ctx, poll) : undefined;
  const results = await pollResults(ctx.tx, poll, true, turnout);
  await ctx.tx.poll.update({
    where: { id: poll.id },
    data: { status: 'closed', closedAt: ctx.now, result: JSON.parse(JSON.stringify(results)) },
  });
  // Its poll.close reminder is left alone (it finds the poll closed): touching it here would take locks in the
  // opposite order to the scheduler firing it.
  await audit(ctx, {
    communityId: poll.communityId,
    actorMemberId: by,
    actorLabel: by === null ? 'scheduler' : undefined,
    action: 'poll.closed',
    subjectType: 'poll',
    subjectId: poll.id,
    data: { ordinary: results.ordinary, owners: results.owners } as never,
  });
  await refreshLiveCounts(ctx, poll, true);
  const chat = poll.chatId === null ? null : await ctx.tx.chat.findUnique({ where: { id: poll.chatId } });
  if (chat) {
    announce(ctx, chat, { type: 'poll.closed', params: results });
  }
  return results;
}

export type { OwnersChoice };

/**
 * Edits the poll's opening message to show the current counts (never voters); delivery holds the edit until the
 * opening message is sent. All edits of one poll share an outbox row, so a burst of votes leaves one pending edit.
 * `opened` (the opening notice's chat and language) may be passed when already loaded; null means there is none.
 */
export async function refreshLiveCounts(
  ctx: EffectContext,
  poll: PollWithOptions,
  closed = false,
  opened?: { chatId: number; locale: string } | null,
): Promise<void> {
  if (opened === undefined) {
    await settleOutbox(ctx);
    opened = await ctx.tx.outboxNotice.findUnique({ where: { dedupeKey: openedKey(poll.id) }, select: { chatId: true, locale: true } });
  }
  if (!opened) return;
  ctx.notices.push({
    type: 'poll.results',
    params: await pollResults(ctx.tx, poll, closed),
    ...(closed ? {} : { buttons: voteButtons(poll) }),
    chatId: opened.chatId,
    locale: opened.locale,
    editOfKey: openedKey(poll.id),
    dedupeKey: `poll.live:${poll.id}`,
  });
}
