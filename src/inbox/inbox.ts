import type { Logger } from '../core/logger.js';
import { createPollingLoop } from '../core/polling-loop.js';
import type { Platform, PrismaClient } from '../db/generated/client.js';
import type { EngineCommand } from '../engine/commands.js';
import type { Engine } from '../engine/index.js';
import { parseStoredPayload, serialisePayload } from './payload.js';

export type InboundEvent = { eventId: string; payload: unknown };

/** Turns a stored platform payload into an engine command, or null for an event the engine has no use for. */
export type Translator = (payload: unknown) => EngineCommand | null;

const batchSize = 500;
const errorLength = 2_000;

/**
 * The inbox: adapters record each inbound event here before acknowledging it (a redelivered event is a no-op), and
 * the processor hands recorded events to the engine: events of one chat in order, different chats side by side.
 * A failed event is retried with backoff (2 s, doubling); one that fails every try, or cannot be stored, read or
 * translated at all, is set aside as a dead letter (`yishi inbox dead`, `yishi inbox retry`), so no single event
 * ever holds up the others.
 */
export function createInbox(deps: {
  db: PrismaClient;
  engine: Engine;
  translators: Partial<Record<Platform, Translator>>;
  logger: Logger;
  concurrency?: number;
}) {
  /**
   * Records events, returning how many were new. Any payload a platform can send is stored exactly (as JSON text);
   * one that cannot even be serialised (nesting too deep for JSON.stringify) or inserted is kept as a dead letter
   * with what could be said about it. Throws only when the database itself cannot be written, so the platform's
   * acknowledgement (getUpdates offset, webhook 200) waits until the event is safe.
   */
  async function record(platform: Platform, events: InboundEvent[]): Promise<number> {
    if (events.length === 0) return 0;
    const rows = events.map((event) => ({ eventId: event.eventId, ...serialisePayload(event.payload) }));
    let count: number;
    try {
      count = await insertEvents(platform, rows);
    } catch (batchError) {
      // One event the database refuses must not cost the others their place: each on its own, the refused as dead letters.
      deps.logger.warn({ err: batchError, platform, events: rows.length }, 'recording a batch of events failed; recording them one by one');
      count = 0;
      for (const row of rows) {
        try {
          count += await insertEvents(platform, [row]);
        } catch (error) {
          count += await insertEvents(platform, [{ eventId: row.eventId, ...unrecordable(row.eventId, error) }]);
        }
      }
    }
    loop.wake();
    return count;
  }

  function insertEvents(platform: Platform, rows: Array<{ eventId: string; payload: string; error?: string }>): Promise<number> {
    return deps.db.$executeRaw`
      INSERT INTO "InboxEvent" ("platform", "eventId", "payload", "state", "lastError")
      SELECT ${platform}::"Platform", e, p, (CASE WHEN x IS NULL THEN 'pending' ELSE 'dead' END)::"InboxState", x
      FROM unnest(${rows.map((row) => row.eventId)}::text[], ${rows.map((row) => row.payload)}::text[], ${rows.map((row) => row.error ?? null)}::text[])
        WITH ORDINALITY AS t(e, p, x, i)
      ORDER BY i
      ON CONFLICT ("platform", "eventId") DO NOTHING`;
  }

  /** Handles what is due now; returns how many events it took. */
  async function processDue(): Promise<number> {
    const rows = await deps.db.$queryRaw<Array<{ id: number; platform: Platform; eventId: string; payload: string }>>`
      SELECT "id", "platform"::text AS "platform", "eventId", "payload" FROM "InboxEvent"
      WHERE "platform" = ANY(${Object.keys(deps.translators)}::text[]::"Platform"[])
        AND ("state" = 'pending' OR ("state" = 'failed' AND "retryAt" <= ${new Date()}))
      ORDER BY "id"
      LIMIT ${batchSize}`;
    const ignored: number[] = [];
    const untranslatable: Array<{ id: number; error: string }> = [];
    const commands: Array<{ id: number; command: EngineCommand }> = [];
    for (const row of rows) {
      try {
        const command = deps.translators[row.platform]?.(parseStoredPayload(row.payload)) ?? null;
        if (command) commands.push({ id: row.id, command });
        else ignored.push(row.id);
      } catch (error) {
        // A shape the translator cannot read: trying again changes nothing, so it waits for an operator.
        deps.logger.warn({ err: error, eventId: row.eventId }, 'inbound event could not be translated; set aside as a dead letter');
        untranslatable.push({ id: row.id, error: `untranslatable: ${String(error)}`.slice(0, errorLength) });
      }
    }
    if (ignored.length > 0)
      await deps.db.inboxEvent.updateMany({ where: { id: { in: ignored } }, data: { state: 'done', processedAt: new Date() } });
    for (const { id, error } of untranslatable)
      await deps.db.inboxEvent.update({ where: { id }, data: { state: 'dead', lastError: error } });
    const results = await deps.engine.dispatchAll(
      commands.map((entry) => entry.command),
      deps.concurrency,
    );
    for (const [index, result] of results.entries()) {
      if (result.status !== 'failed') continue;
      const { id, command } = commands[index]!;
      deps.logger.warn({ eventId: command.eventId }, 'inbound event failed; it will be retried');
      await markUnrecordedFailure(id);
    }
    return rows.length;
  }

  /**
   * The engine records a failure itself; when it could not (the failure was in recording it), the row would still be
   * pending and be taken again at once, ahead of everything else. This gives it the same backoff and the same end.
   */
  async function markUnrecordedFailure(id: number): Promise<void> {
    await deps.db.$executeRaw`
      UPDATE "InboxEvent" SET
        "attempts" = "attempts" + 1,
        "state" = (CASE WHEN "attempts" + 1 >= ${deps.engine.settings.maxInboxAttempts} THEN 'dead' ELSE 'failed' END)::"InboxState",
        "retryAt" = ${new Date()}::timestamp + make_interval(secs => LEAST(60, 2 * power(2, "attempts"))),
        "lastError" = COALESCE("lastError", 'failed, and recording the failure failed too')
      WHERE "id" = ${id} AND "state" = 'pending'`;
  }

  const loop = createPollingLoop({ name: 'inbox', idleMs: 1_000, logger: deps.logger, step: processDue });

  return { record, processDue, start: loop.start, stop: loop.stop, wake: loop.wake };
}

/** What is kept of an event that cannot be stored as it came: its id, why, and a note that the payload is lost. */
function unrecordable(eventId: string, error: unknown): { payload: string; error: string } {
  return { payload: JSON.stringify({ unrecordable: true, eventId }), error: `unrecordable: ${String(error)}`.slice(0, errorLength) };
}

export type Inbox = ReturnType<typeof createInbox>;
