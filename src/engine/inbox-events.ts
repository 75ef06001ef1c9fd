import { type Platform, Prisma, type PrismaClient } from '../db/generated/client.js';
import type { EngineCommand } from './commands.js';
import type { Tx } from './context.js';

// The one writer of an inbox row's state (pending → done, failed → dead, dead → pending): the inbox that records
// events, the engine that handles them one by one or in a tap batch, and the operator's retry all change it here.

export type EventKey = { platform: Platform; eventId: string };
type Db = Tx | PrismaClient;

const errorLength = 2_000;
const keyOf = (command: EngineCommand): EventKey => ({ platform: command.actor.platform, eventId: command.eventId });
const keysSql = (events: EventKey[]) =>
  Prisma.sql`("platform", "eventId") IN (
    SELECT p::"Platform", e FROM unnest(${events.map((e) => e.platform)}::text[], ${events.map((e) => e.eventId)}::text[]) AS k(p, e))`;

/** What a secret vote's inbox row keeps of the event once it is handled. */
export const redactedInboxPayload = JSON.stringify({ redacted: 'secret ballot' });

/**
 * Records inbound events as pending (or, with an error, straight away as dead letters), in order, ignoring ones
 * already recorded; returns how many were new.
 */
export function recordEvents(
  db: Db,
  platform: Platform,
  rows: Array<{ eventId: string; payload: string; error?: string }>,
): Promise<number> {
  return db.$executeRaw`
    INSERT INTO "InboxEvent" ("platform", "eventId", "payload", "state", "lastError")
    SELECT ${platform}::"Platform", e, p, (CASE WHEN x IS NULL THEN 'pending' ELSE 'dead' END)::"InboxState", x
    FROM unnest(${rows.map((row) => row.eventId)}::text[], ${rows.map((row) => row.payload)}::text[], ${rows.map((row) => row.error ?? null)}::text[])
      WITH ORDINALITY AS t(e, p, x, i)
    ORDER BY i
    ON CONFLICT ("platform", "eventId") DO NOTHING`;
}

/**
 * Records the events (if the adapter has not already), counts the attempt, locks their inbox rows and marks them
 * done, all in the commands' transaction: if it fails, the marks go with it. Returns the keys (`platform:eventId`) of
 * the events claimed now; one handled before (a redelivery, the loser of two concurrent deliveries, or an event
 * given twice) is not among them.
 */
export async function claimNewEvents(tx: Tx, commands: EngineCommand[], now: Date): Promise<Set<string>> {
  const distinct = [...new Map(commands.map((command) => [`${command.actor.platform}:${command.eventId}`, command])).values()];
  const rows = await tx.$queryRaw<Array<{ platform: string; eventId: string }>>`
    INSERT INTO "InboxEvent" ("platform", "eventId", "payload", "state", "attempts", "processedAt")
    SELECT p::"Platform", e, j, 'done', 1, ${now}
    FROM unnest(${distinct.map((c) => c.actor.platform)}::text[], ${distinct.map((c) => c.eventId)}::text[], ${distinct.map((c) => JSON.stringify(c))}::text[]) AS t(p, e, j)
    ON CONFLICT ("platform", "eventId") DO UPDATE
      SET "attempts" = "InboxEvent"."attempts" + 1, "state" = 'done', "processedAt" = ${now}, "lastError" = NULL
      WHERE "InboxEvent"."state" <> 'done'
    RETURNING "platform"::text AS "platform", "eventId"`;
  return new Set(rows.map((row) => `${row.platform}:${row.eventId}`));
}

/**
 * For the tap batch: locks the events' rows (recording those the adapter has not) and returns each one's
 * state by `platform:eventId`. A lock, not an attempt: attempts count failures, which the general path records if
 * the batch falls back to it. The rows are nearly always there already, so payloads are sent only for missing ones.
 */
export async function claimEvents(tx: Tx, commands: EngineCommand[]): Promise<Map<string, string>> {
  const claim = (batch: EngineCommand[]) => tx.$queryRaw<Array<{ platform: string; eventId: string; state: string }>>`
    SELECT "platform"::text AS "platform", "eventId", "state"::text AS "state" FROM "InboxEvent"
    WHERE ${keysSql(batch.map(keyOf))}
    ORDER BY "id" FOR UPDATE`;
  const rows = await claim(commands);
  const found = new Set(rows.map((row) => `${row.platform}:${row.eventId}`));
  const missing = commands.filter((command) => !found.has(`${command.actor.platform}:${command.eventId}`));
  if (missing.length > 0) {
    await tx.$executeRaw`
      INSERT INTO "InboxEvent" ("platform", "eventId", "payload", "state", "attempts")
      SELECT p::"Platform", e, j, 'pending', 0
      FROM unnest(${missing.map((c) => c.actor.platform)}::text[], ${missing.map((c) => c.eventId)}::text[], ${missing.map((c) => JSON.stringify(c))}::text[]) AS t(p, e, j)
      ON CONFLICT ("platform", "eventId") DO NOTHING`;
    rows.push(...(await claim(missing)));
  }
  return new Map(rows.map((row) => [`${row.platform}:${row.eventId}`, row.state]));
}

/** Marks handled commands done; a secret vote's payload (`redact`) is replaced so the row no longer names the voter. */
export async function markDone(tx: Tx, now: Date, handled: Array<{ command: EngineCommand; redact: boolean }>): Promise<void> {
  for (const redact of [false, true]) {
    const events = handled.filter((entry) => entry.redact === redact).map((entry) => keyOf(entry.command));
    if (events.length === 0) continue;
    const payload = redact ? Prisma.sql`, "payload" = ${redactedInboxPayload}` : Prisma.empty;
    await tx.$executeRaw`
      UPDATE "InboxEvent" SET "state" = 'done', "processedAt" = ${now}, "lastError" = NULL ${payload}
      WHERE ${keysSql(events)}`;
  }
}

/** Events the engine has no use for (a platform's service message): done without handling. */
export async function markIgnored(db: Db, ids: number[], now: Date): Promise<void> {
  if (ids.length > 0) await db.inboxEvent.updateMany({ where: { id: { in: ids } }, data: { state: 'done', processedAt: now } });
}

/** An event that no retry can help (its shape cannot be read): set aside for an operator at once. */
export async function setAside(db: Db, id: number, error: string): Promise<void> {
  await db.inboxEvent.update({ where: { id }, data: { state: 'dead', lastError: error.slice(0, errorLength) } });
}

/**
 * Counts a failed attempt: the event is tried again after a backoff (2 s after the first failure, doubling, at most a
 * minute), or set aside as a dead letter once it has failed `maxAttempts` times. Either the row of `command` (recorded
 * first if the failed transaction took its recording with it), or the row `id` if it is still pending (the failure
 * happened while recording the failure).
 */
export async function recordFailedAttempt(
  db: Db,
  which: { command: EngineCommand } | { id: number },
  now: Date,
  maxAttempts: number,
  error: string | null,
): Promise<void> {
  let where: Prisma.Sql;
  if ('command' in which) {
    await db.$executeRaw`
      INSERT INTO "InboxEvent" ("platform", "eventId", "payload", "state", "attempts")
      VALUES (${which.command.actor.platform}::"Platform", ${which.command.eventId}, ${JSON.stringify(which.command)}, 'pending', 0)
      ON CONFLICT ("platform", "eventId") DO NOTHING`;
    where = keysSql([keyOf(which.command)]);
  } else where = Prisma.sql`"id" = ${which.id} AND "state" = 'pending'`;
  await db.$executeRaw`
    UPDATE "InboxEvent" SET
      "attempts" = "attempts" + 1,
      "state" = (CASE WHEN "attempts" + 1 >= ${maxAttempts} THEN 'dead' ELSE 'failed' END)::"InboxState",
      "retryAt" = ${now}::timestamp + make_interval(secs => LEAST(60, 2 * power(2, "attempts"))),
      "lastError" = COALESCE(${error?.slice(0, errorLength) ?? null}, "lastError", 'failed, and recording the failure failed too')
    WHERE ${where}`;
}

/**
 * Puts dead letters back in the queue with a fresh count of attempts: the one with `id`, or all of them. Returns
 * how many went back (0 when `id` is not a dead letter).
 */
export async function retryDeadLetters(db: Db, which: { id: number } | 'all'): Promise<number> {
  const { count } = await db.inboxEvent.updateMany({
    where: { state: 'dead', ...(which === 'all' ? {} : { id: which.id }) },
    data: { state: 'pending', attempts: 0, retryAt: null },
  });
  return count;
}
