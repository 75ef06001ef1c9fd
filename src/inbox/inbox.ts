import type { Logger } from '../core/logger.js';
import { createPollingLoop } from '../core/polling-loop.js';
import type { Platform, PrismaClient } from '../db/generated/client.js';
import type { EngineCommand } from '../engine/commands.js';
import { markIgnored, recordEvents, recordFailedAttempt, setAside } from '../engine/inbox-events.js';
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
  /** Called after events were handled, which may have left notices to send (delivery's wake). */
  afterHandled?: () => void;
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
      count = await recordEvents(deps.db, platform, rows);
    } catch (batchError) {
      // One event the database refuses must not cost the others their place: each on its own, the refused as dead letters.
      deps.logger.warn({ err: batchError, platform, events: rows.length }, 'recording a batch of events failed; recording them one by one');
      count = 0;
      for (const row of rows) {
        try {
          count += await recordEvents(deps.db, platform, [row]);
        } catch (error) {
          count += await recordEvents(deps.db, platform, [{ eventId: row.eventId, ...unrecordable(row.eventId, error) }]);
        }
      }
    }
    loop.wake();
    return count;
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
        untranslatable.push({ id: row.id, error: `untranslatable: ${String(error)}` });
      }
    }
    await markIgnored(deps.db, ignored, new Date());
    for (const { id, error } of untranslatable) await setAside(deps.db, id, error);
    const results = await deps.engine.dispatchAll(commands.map((entry) => entry.command));
    for (const [index, result] of results.entries()) {
      if (result.status !== 'failed') continue;
      const { id, command } = commands[index]!;
      deps.logger.warn({ eventId: command.eventId }, 'inbound event failed; it will be retried');
      // The engine records a failure itself; this is for when it could not (the failure was in recording it).
      await recordFailedAttempt(deps.db, { id }, new Date(), deps.engine.settings.maxInboxAttempts, null);
    }
    if (results.length > 0) deps.afterHandled?.();
    return rows.length;
  }

  const loop = createPollingLoop({ name: 'inbox', idleMs: 1_000, logger: deps.logger, step: processDue });

  return { record, processDue, start: loop.start, stop: loop.stop, wake: loop.wake };
}

/** What is kept of an event that cannot be stored as it came: its id, why, and a note that the payload is lost. */
function unrecordable(eventId: string, error: unknown): { payload: string; error: string } {
  return { payload: JSON.stringify({ unrecordable: true, eventId }), error: `unrecordable: ${String(error)}`.slice(0, errorLength) };
}

export type Inbox = ReturnType<typeof createInbox>;
