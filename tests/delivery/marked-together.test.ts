import { pino } from 'pino';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createDelivery, type OutboundPort } from '../../src/delivery/delivery.js';
import { type Tx, writeNotices } from '../../src/engine/context.js';
import type { Notice } from '../../src/engine/notices.js';
import { describeEachDatabase, openTestDatabase, type TestDatabase } from '../helpers/database.js';

// Notices that finish sending while an earlier mark is on its way are marked together in one statement: each row must
// still get its own message id, merged rows their message's, and a row re-armed meanwhile must stay pending.

describeEachDatabase('notices marked sent together', (kind) => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await openTestDatabase(kind);
  });
  afterAll(async () => {
    await db?.close();
  });

  it('each row gets its own message id, and a re-armed one goes out again', async () => {
    const chats = await Promise.all(
      Array.from({ length: 30 }, (_, i) =>
        db.prisma.chat.create({ data: { platform: 'telegram', platformChatId: `-70${i}`, kind: 'group' } }),
      ),
    );
    const tx = db.prisma as unknown as Tx;
    const said = (chatId: number, households: number, dedupeKey?: string): Notice => ({
      type: 'issue.supported',
      params: { number: 9, households, threshold: 50 },
      chatId,
      locale: 'en',
      dedupeKey,
    });
    const answer = (chatId: number, tap: string): Notice => ({ type: 'tap.answered', params: {}, chatId, locale: 'en', answersTap: tap });
    await writeNotices(tx, [
      ...chats.map((chat, i) => said(chat.id, i, i === 7 ? 'test.rearmed' : undefined)),
      ...chats.map((chat, i) => answer(chat.id, `tap-${i}`)),
    ]);
    const rearmedId = (await db.prisma.outboxNotice.findUniqueOrThrow({ where: { dedupeKey: 'test.rearmed' } })).id;
    let sends = 0;
    let rearmed = false;
    const port: OutboundPort = {
      platform: 'telegram',
      async send(notice) {
        sends += 1;
        if (notice.id === rearmedId && !rearmed) {
          rearmed = true;
          await writeNotices(tx, [said(chats[7]!.id, 40, 'test.rearmed')]);
        }
        // Finishing at different moments, so that marks queue behind one another.
        await new Promise((resolve) => setTimeout(resolve, notice.id % 5));
        return { messageId: `m${notice.id}` };
      },
    };
    const delivery = createDelivery({ db: db.prisma, ports: [port], logger: pino({ level: 'silent' }) });
    await delivery.deliverDue();

    const rows = await db.prisma.outboxNotice.findMany({ orderBy: { id: 'asc' } });
    expect(rows).toHaveLength(60);
    for (const row of rows.filter((row) => row.id !== rearmedId))
      expect(row).toMatchObject({ state: 'sent', platformMessageId: `m${row.id}`, attempts: 1, lastError: null });
    expect(rows.find((row) => row.id === rearmedId)).toMatchObject({ state: 'pending', revision: 1, platformMessageId: null });

    await delivery.deliverDue();
    expect(await db.prisma.outboxNotice.findUniqueOrThrow({ where: { id: rearmedId } })).toMatchObject({
      state: 'sent',
      revision: 1,
      platformMessageId: `m${rearmedId}`,
    });
    expect(sends).toBe(61);
  });
});
