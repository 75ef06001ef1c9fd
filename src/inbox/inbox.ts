import type { Logger } from '../core/logger.js';
import { createPollingLoop } from '../core/polling-loop.js';
import type { Platform, PrismaClient } from '../db/generated/client.js';
import type { EngineCommand } from '../engine/commands.js';
import type { Engine } from '../engine/index.js';

export type InboundEvent = { eventId: string; payload: unknown };

/** Turns a stored platform payload into an engine command, or null for an event the engine has no use for. */
export type Translator = (payload: unknown) => EngineCommand | null;

const batchSize = 500;
const maxAttempts = 5;

/**
 * The inbox: adapters record each inbound event here before acknowledging it (a redelivered event is a no-op), and
 * the processor hands recorded events to the engine: events of one chat in order, different chats side by side.
 * A failed event is retried with backoff (2 s, doubling) up to five attempts; the engine's idempotency makes a retry
 * harmless.
 */
export function createInbox(deps: {
  db: PrismaClient;
  engine: Engine;
  translators: Partial<Record<Platform, Translator>>;
  logger: Logger;
  concurrency?: number;
}) {
  async function record(platform: Platform, events: InboundEvent[]): Promise<number> {
    if (events.length === 0) return 0;
    const count = await deps.db.$executeRaw`
      INSERT INTO "InboxEvent" ("platform", "eventId", "payload")
      SELECT ${platform}::"Platform", e, p::jsonb
      FROM unnest(${events.map((event) => event.eventId)}::text[], ${events.map((event) => JSON.stringify(event.payload))}::text[]) WITH ORDINALITY AS t(e, p, i)
      ORDER BY i
      ON CONFLICT ("platform", "eventId") DO NOTHING`;
    loop.wake();
    return count;
  }

  /** Handles what is due now; returns how many events it took. */
  async function processDue(): Promise<number> {
    const rows = await deps.db.$queryRaw<Array<{ id: number; platform: Platform; eventId: string; payload: unknown }>>`
      SELECT "id", "platform"::text AS "platform", "eventId", "payload" FROM "InboxEvent"
      WHERE "platform" = ANY(${Object.keys(deps.translators)}::text[]::"Platform"[])
        AND ("state" = 'pending' OR ("state" = 'failed' AND "attempts" < ${maxAttempts} AND "retryAt" <= ${new Date()}))
      ORDER BY "id"
      LIMIT ${batchSize}`;
    const ignored: number[] = [];
    const commands: Array<{ eventId: string; command: EngineCommand }> = [];
    for (const row of rows) {
      const command = deps.translators[row.platform]?.(row.payload) ?? null;
      if (command) commands.push({ eventId: row.eventId, command });
      else ignored.push(row.id);
    }
    if (ignored.length > 0)
      await deps.db.inboxEvent.updateMany({ where: { id: { in: ignored } }, data: { state: 'done', processedAt: new Date() } });
    const results = await deps.engine.dispatchAll(
      commands.map((entry) => entry.command),
      deps.concurrency,
    );
    for (const [index, result] of results.entries())
      if (result.status === 'failed') deps.logger.warn({ eventId: commands[index]!.eventId }, 'inbound event failed; it will be retried');
    return rows.length;
  }

  const loop = createPollingLoop({ name: 'inbox', idleMs: 1_000, logger: deps.logger, step: processDue });

  return { record, processDue, start: loop.start, stop: loop.stop, wake: loop.wake };
}

export type Inbox = ReturnType<typeof createInbox>;
