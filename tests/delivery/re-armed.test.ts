import { pino } from 'pino';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createTelegramAdapter } from '../../src/adapters/telegram/bot.js';
import { createDelivery, type OutboundPort } from '../../src/delivery/delivery.js';
import { type Tx, writeNotices } from '../../src/engine/context.js';
import type { Notice } from '../../src/engine/notices.js';
import { createI18n } from '../../src/i18n/index.js';
import { describeEachDatabase, openTestDatabase, type TestDatabase } from '../helpers/database.js';
import { TelegramStandIn } from '../stand-ins/telegram.js';

// A notice row that the engine re-arms while delivery is sending it (newer live counts) must not be marked sent with
// the older content: the mark names the revision it sent, and the newer one goes out after it.

describeEachDatabase('a notice re-armed while it is being sent', (kind) => {
  const api = new TelegramStandIn();
  let db: TestDatabase;

  beforeAll(async () => {
    await api.start();
    db = await openTestDatabase(kind);
  });
  afterAll(async () => {
    await db?.close();
    await api.stop();
  });

  it('goes out again with the newer content', async () => {
    const chat = await db.prisma.chat.create({ data: { platform: 'telegram', platformChatId: '-6001', kind: 'group' } });
    const notice = (households: number): Notice => ({
      type: 'issue.supported',
      params: { number: 9, households, threshold: 5 },
      chatId: chat.id,
      locale: 'en',
      dedupeKey: 'test.live:9',
    });
    const tx = db.prisma as unknown as Tx;
    await writeNotices(tx, [notice(1)]);
    const logger = pino({ level: 'silent' });
    const telegram = await createTelegramAdapter({
      config: { token: api.token, apiRoot: api.apiRoot },
      i18n: createI18n(),
      logger,
      record: async () => 0,
    });
    let rearmed = false;
    // The real Telegram port; the first time it sends, the engine re-arms the row with newer counts meanwhile.
    const port: OutboundPort = {
      ...telegram.outbound,
      async send(pending, calls) {
        if (!rearmed) {
          rearmed = true;
          await writeNotices(tx, [notice(2)]);
        }
        return telegram.outbound.send(pending, calls);
      },
    };
    const delivery = createDelivery({ db: db.prisma, ports: [port], logger });
    await delivery.deliverDue();
    expect(await db.prisma.outboxNotice.findUniqueOrThrow({ where: { dedupeKey: 'test.live:9' } })).toMatchObject({
      state: 'pending',
      revision: 1,
    });
    await delivery.deliverDue();
    const sent = api.sent.filter((message) => message.chatId === '-6001').map((message) => message.text);
    expect(sent).toHaveLength(2);
    expect(sent[1]).not.toEqual(sent[0]);
    expect(sent[1]).toContain('2');
    expect(await db.prisma.outboxNotice.findUniqueOrThrow({ where: { dedupeKey: 'test.live:9' } })).toMatchObject({
      state: 'sent',
      revision: 1,
    });
  });
});
