import type { PrismaClient } from '../db/generated/client.js';

/** A message of the local web chat as the page shows it. */
export type LocalChatMessage = {
  seq: number;
  id: number;
  chatId: string;
  author: { personaId: string; name: string } | null;
  text: string;
  buttons: Array<{ id: string; label: string; row: number }>;
  /** The persona a bot's answer to a tap is shown to alone; null: everyone in the chat. */
  visibleTo: string | null;
  edited: boolean;
  at: string;
};

type Row = {
  id: number;
  seq: number;
  chatId: string;
  authorId: string | null;
  authorName: string | null;
  text: string;
  buttons: unknown;
  visibleTo: string | null;
  edited: boolean;
  createdAt: Date;
};

function toMessage(row: Row): LocalChatMessage {
  return {
    seq: row.seq,
    id: row.id,
    chatId: row.chatId,
    author: row.authorId ? { personaId: row.authorId, name: row.authorName ?? row.authorId } : null,
    text: row.text,
    buttons: (row.buttons as LocalChatMessage['buttons']) ?? [],
    visibleTo: row.visibleTo,
    edited: row.edited,
    at: row.createdAt.toISOString(),
  };
}

/**
 * The local web chat's own message store: yishi is that platform's server, so it keeps what Telegram's servers keep
 * for Telegram. Every change takes a new `seq`, so a page resumes after the last one it saw and misses no edit.
 */
export function createLocalTranscript(db: PrismaClient) {
  return {
    /** Stores a message; a typed one with a `clientMessageId` already stored is returned as it was (`created` false). */
    async append(message: {
      chatId: string;
      author: { personaId: string; name: string } | null;
      text: string;
      buttons: LocalChatMessage['buttons'];
      clientMessageId?: string;
      visibleTo?: string;
    }): Promise<{ message: LocalChatMessage; created: boolean }> {
      const inserted = await db.$queryRaw<Row[]>`
        INSERT INTO "LocalMessage" ("chatId", "authorId", "authorName", "text", "buttons", "clientMessageId", "visibleTo")
        VALUES (${message.chatId}, ${message.author?.personaId ?? null}, ${message.author?.name ?? null}, ${message.text},
                ${JSON.stringify(message.buttons)}::jsonb, ${message.clientMessageId ?? null}, ${message.visibleTo ?? null})
        ON CONFLICT ("chatId", "clientMessageId") DO NOTHING
        RETURNING *`;
      if (inserted[0]) return { message: toMessage(inserted[0]), created: true };
      const existing = await db.$queryRaw<Row[]>`
        SELECT * FROM "LocalMessage" WHERE "chatId" = ${message.chatId} AND "clientMessageId" = ${message.clientMessageId ?? null}`;
      return { message: toMessage(existing[0]!), created: false };
    },

    /** Replaces a bot message's text and buttons; null when there is no such message. */
    async edit(id: number, text: string, buttons: LocalChatMessage['buttons']): Promise<LocalChatMessage | null> {
      const rows = await db.$queryRaw<Row[]>`
        UPDATE "LocalMessage"
        SET "text" = ${text}, "buttons" = ${JSON.stringify(buttons)}::jsonb, "edited" = true,
            "seq" = nextval(pg_get_serial_sequence('"LocalMessage"', 'seq'))
        WHERE "id" = ${id} AND "authorId" IS NULL
        RETURNING *`;
      return rows[0] ? toMessage(rows[0]) : null;
    },

    async find(id: number): Promise<LocalChatMessage | null> {
      const rows = await db.$queryRaw<Row[]>`SELECT * FROM "LocalMessage" WHERE "id" = ${id}`;
      return rows[0] ? toMessage(rows[0]) : null;
    },

    /** Messages of these chats changed after `afterSeq` that `persona` may see, oldest change first. */
    async since(chatIds: string[], afterSeq: number, persona: string, limit = 500): Promise<LocalChatMessage[]> {
      const rows = await db.$queryRaw<Row[]>`
        SELECT * FROM "LocalMessage"
        WHERE "chatId" = ANY(${chatIds}::text[]) AND "seq" > ${afterSeq} AND ("visibleTo" IS NULL OR "visibleTo" = ${persona})
        ORDER BY "seq" LIMIT ${limit}`;
      return rows.map(toMessage);
    },

    /** Forgets the messages of chats that no longer exist (the demo recreated). */
    async clear(chatIds: string[]): Promise<void> {
      await db.$executeRaw`DELETE FROM "LocalMessage" WHERE "chatId" = ANY(${chatIds}::text[])`;
    },
  };
}

export type LocalTranscript = ReturnType<typeof createLocalTranscript>;
