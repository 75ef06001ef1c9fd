import { pino } from 'pino';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createTelegramAdapter } from '../../src/adapters/telegram/bot.js';
import { createDelivery } from '../../src/delivery/delivery.js';
import { createI18n } from '../../src/i18n/index.js';
import { describeEachDatabase, openTestDatabase, type TestDatabase } from '../helpers/database.js';
import { TelegramStandIn } from '../stand-ins/telegram.js';

// A notice longer than one Telegram message goes out in parts. When a part fails, the retry resumes after the parts
// already sent: a resident never sees the same part twice.

describeEachDatabase('a long notice sent in parts', (kind) => {
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

  it('resumes after a 429 on its second part without repeating the first', async () => {
    const chat = await db.prisma.chat.create({ data: { platform: 'telegram', platformChatId: '-5001', kind: 'group' } });
    const issues = Array.from({ length: 150 }, (_, i) => ({
      number: i + 1,
      text: `${'楼道灯不亮，'.repeat(20)}${i + 1}`,
      status: 'open',
      level: 'building',
      supporters: i,
    }));
    const notice = await db.prisma.outboxNotice.create({
      data: { chatId: chat.id, type: 'issue.listed', locale: 'zh-CN', params: { issues }, replyToMessageId: '77' },
    });
    const logger = pino({ level: 'silent' });
    const telegram = await createTelegramAdapter({
      config: { token: api.token, apiRoot: api.apiRoot },
      i18n: createI18n(),
      logger,
      record: async () => 0,
    });
    const delivery = createDelivery({ db: db.prisma, ports: [telegram.outbound], logger });

    api.rateLimitNth('sendMessage', 2, 1);
    await delivery.deliverDue();
    const afterFailure = await db.prisma.outboxNotice.findUniqueOrThrow({ where: { id: notice.id } });
    expect(afterFailure).toMatchObject({ state: 'pending', partsSent: 1, attempts: 1 });
    expect(api.sent.filter((m) => m.chatId === '-5001')).toHaveLength(1);

    await new Promise((resolve) => setTimeout(resolve, 1_100));
    await delivery.deliverDue();
    const parts = api.sent.filter((m) => m.chatId === '-5001');
    const sent = await db.prisma.outboxNotice.findUniqueOrThrow({ where: { id: notice.id } });
    expect(sent.state).toBe('sent');
    expect(parts.length).toBeGreaterThanOrEqual(2);
    expect(new Set(parts.map((part) => part.text)).size).toBe(parts.length);
    expect(parts.every((part) => part.text.length <= 4096)).toBe(true);
    // Only the first part answers the member's message; the live id is the last part's.
    expect(parts.map((part) => Boolean(part.payload.reply_parameters))).toEqual(parts.map((_, i) => i === 0));
    expect(sent.platformMessageId).toBe(String(api.sent.indexOf(parts.at(-1)!) + 1));
    for (const issue of issues) expect(parts.map((part) => part.text).join('\n')).toContain(`#${issue.number}`);
  });

  it('sends 2,000 characters full of < and & as one message: Telegram counts them after entity parsing', async () => {
    const chat = await db.prisma.chat.create({ data: { platform: 'telegram', platformChatId: '-5002', kind: 'group' } });
    const text = '&<&>&'.repeat(400);
    const notice = await db.prisma.outboxNotice.create({
      data: {
        chatId: chat.id,
        type: 'issue.raised',
        locale: 'zh-CN',
        params: { number: 7, text, category: 'other', scope: { building: '1栋' }, level: 'building' },
      },
    });
    const logger = pino({ level: 'silent' });
    const telegram = await createTelegramAdapter({
      config: { token: api.token, apiRoot: api.apiRoot },
      i18n: createI18n(),
      logger,
      record: async () => 0,
    });
    await createDelivery({ db: db.prisma, ports: [telegram.outbound], logger }).deliverDue();
    expect(await db.prisma.outboxNotice.findUniqueOrThrow({ where: { id: notice.id } })).toMatchObject({ state: 'sent' });
    const parts = api.sent.filter((m) => m.chatId === '-5002');
    expect(parts).toHaveLength(1);
    expect(parts[0]!.text.length).toBeGreaterThan(4096 * 2);
    expect(parts[0]!.text).toContain('&amp;&lt;&amp;&gt;&amp;'.repeat(400));
  });
});
