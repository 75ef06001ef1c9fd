import type { Platform, PrismaClient } from '../db/generated/client.js';

export type DeadLetter = {
  id: number;
  platform: Platform;
  eventId: string;
  receivedAt: Date;
  attempts: number;
  lastError: string | null;
  /** The start of the stored payload, for a first look; the whole of it is in the row. */
  payloadStart: string;
};

export { retryDeadLetters } from '../engine/inbox-events.js';

const payloadPreview = 300;

/** Events set aside, oldest first. */
export async function listDeadLetters(db: PrismaClient, limit = 100): Promise<DeadLetter[]> {
  const rows = await db.$queryRaw<DeadLetter[]>`
    SELECT "id", "platform"::text AS "platform", "eventId", "receivedAt", "attempts", "lastError", left("payload", ${payloadPreview}) AS "payloadStart"
    FROM "InboxEvent" WHERE "state" = 'dead' ORDER BY "id" LIMIT ${limit}`;
  return rows;
}

/** Events waiting, failed and waiting to be tried again, and set aside, for /healthz. */
export async function inboxCounts(db: PrismaClient): Promise<{ pending: number; failed: number; dead: number }> {
  const rows = await db.$queryRaw<Array<{ state: string; count: number }>>`
    SELECT "state"::text AS "state", count(*)::int AS "count" FROM "InboxEvent" WHERE "state" <> 'done' GROUP BY "state"`;
  const count = (state: string) => rows.find((row) => row.state === state)?.count ?? 0;
  return { pending: count('pending'), failed: count('failed'), dead: count('dead') };
}
