import { pino } from 'pino';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createTelegramAdapter } from '../../src/adapters/telegram/bot.js';
import { createDelivery, type Delivery, type OutboundPort } from '../../src/delivery/delivery.js';
import { type Tx, writeNotices } from '../../src/engine/context.js';
import type { Notice } from '../../src/engine/notices.js';
import { createI18n } from '../../src/i18n/index.js';
import { describeEachDatabase, openTestDatabase, type TestDatabase } from '../helpers/database.js';
import { TelegramStandIn } from '../stand-ins/telegram.js';

// Typed supports in a busy group are acknowledged together: what waits while the group has a message going out goes
// out as one message, in order, and never past a notice of another kind queued between them. A tap's answer is the
// tapper's and waits behind nothing of the group's; one too long for a toast, or whose tap expired, is handled as
// Telegram allows.

describeEachDatabase('the delivery of merged acknowledgements and tap answers', (kind) => {
  const api = new TelegramStandIn();
  let db: TestDatabase;
  let tx: Tx;
  const logger = pino({ level: 'silent' });

  beforeAll(async () => {
    await api.start();
    db = await openTestDatabase(kind);
    tx = db.prisma as unknown as Tx;
  });
  afterAll(async () => {
    await db?.close();
    await api.stop();
  });

  const telegram = () =>
    createTelegramAdapter({ config: { token: api.token, apiRoot: api.apiRoot }, i18n: createI18n(), logger, record: async () => 0 });
  /** A promise that settles when `release` is called. */
  const gate = () => {
    let release: () => void = () => {};
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    return { held, release };
  };
  /** Lets the held messages go; once `left` of the chat's notices are pending (those it held back), delivers them. */
  const releaseThenDeliver = async (release: () => void, delivery: Delivery, chatId: number, left: number) => {
    release();
    const pending = () => db.prisma.outboxNotice.count({ where: { chatId, state: 'pending' } });
    await expect.poll(pending, { timeout: 15_000 }).toBe(left);
    for (let round = 0; round < 5 && (await pending()) > 0; round++) await delivery.deliverDue();
  };
  const acknowledgement = (chatId: number, name: string, households: number): Notice => ({
    type: 'issue.supports_acknowledged',
    params: { entries: [{ name, number: 4, households, threshold: 9 }] },
    chatId,
    locale: 'en',
    replyToMessageId: String(households),
  });

  it('merges what waits while the group is busy into one message, and keeps the group’s order', async () => {
    const chat = await db.prisma.chat.create({ data: { platform: 'telegram', platformChatId: '-7001', kind: 'group' } });
    const adapter = await telegram();
    const { held, release } = gate();
    let first = true;
    // The first send is slow (the group's rate window): everything after it is queued meanwhile.
    const port: OutboundPort = {
      ...adapter.outbound,
      async send(notice, calls) {
        if (first) {
          first = false;
          await held;
        }
        return adapter.outbound.send(notice, calls);
      },
    };
    const delivery = createDelivery({ db: db.prisma, ports: [port], logger });
    await writeNotices(tx, [acknowledgement(chat.id, 'Ann', 1)]);
    const sending = delivery.deliverDue({ wait: false });
    await sending;
    await writeNotices(tx, [acknowledgement(chat.id, 'Bo', 2), acknowledgement(chat.id, 'Cy', 3)]);
    await writeNotices(tx, [{ type: 'issue.hidden', params: { number: 4, reason: 'spam' }, chatId: chat.id, locale: 'en' }]);
    await writeNotices(tx, [acknowledgement(chat.id, 'Di', 4), acknowledgement(chat.id, 'Ed', 5)]);
    // While the group is busy its waiting notices are not taken (they would each go out alone).
    expect(await delivery.deliverDue({ wait: false })).toBe(0);
    await releaseThenDeliver(release, delivery, chat.id, 5);

    const texts = api.textsTo('-7001');
    expect(texts).toHaveLength(4);
    expect(texts[0]).toContain('Ann');
    expect(texts[1]).toMatch(/Bo[\s\S]*Cy/);
    expect(texts[1]).not.toContain('Ann');
    expect(texts[2]).toContain('#4');
    expect(texts[3]).toMatch(/Di[\s\S]*Ed/);
    expect(await db.prisma.outboxNotice.count({ where: { chatId: chat.id, state: { not: 'sent' } } })).toBe(0);
    await delivery.stop();
  });

  it('leaves a busy group’s later notices in the outbox until what it has going out is out, and keeps its order', async () => {
    const chat = await db.prisma.chat.create({ data: { platform: 'telegram', platformChatId: '-7004', kind: 'group' } });
    const adapter = await telegram();
    const { held, release } = gate();
    // The group's messages wait (its rate window) until released; the tapper's answer does not.
    const port: OutboundPort = {
      ...adapter.outbound,
      async send(notice, calls) {
        if (!notice.answersTap) await held;
        return adapter.outbound.send(notice, calls);
      },
    };
    const delivery = createDelivery({ db: db.prisma, ports: [port], logger });
    const hidden = (number: number): Notice => ({ type: 'issue.hidden', params: { number, reason: 'r' }, chatId: chat.id, locale: 'en' });
    await writeNotices(tx, [hidden(1), hidden(2)]);
    expect(await delivery.deliverDue({ wait: false })).toBe(2);
    await writeNotices(tx, [
      hidden(3),
      {
        type: 'issue.supported',
        params: { number: 4, households: 2, threshold: 9 },
        chatId: chat.id,
        locale: 'en',
        answersTap: 'tap-busy',
      },
      hidden(5),
    ]);
    // Only the answer is taken: the group's later messages would otherwise wait in memory behind its window.
    expect(await delivery.deliverDue({ wait: false })).toBe(1);
    await expect.poll(() => api.answers.some((answer) => answer.id === 'tap-busy'), { timeout: 10_000 }).toBe(true);
    expect(await db.prisma.outboxNotice.count({ where: { chatId: chat.id, state: 'pending', answersTap: null } })).toBe(4);
    await releaseThenDeliver(release, delivery, chat.id, 2);
    expect(api.textsTo('-7004').map((text) => /#(\d)/.exec(text)?.[1])).toEqual(['1', '2', '3', '5']);
    await delivery.stop();
  });

  it('answers a tap at once, however busy the group, and posts a refusal too long for a toast as a reply', async () => {
    const chat = await db.prisma.chat.create({ data: { platform: 'telegram', platformChatId: '-7002', kind: 'group' } });
    const adapter = await telegram();
    const delivery = createDelivery({ db: db.prisma, ports: [adapter.outbound], logger });
    const long = 'x'.repeat(300);
    await writeNotices(tx, [
      ...Array.from({ length: 3 }, (_, index) => ({
        type: 'issue.hidden' as const,
        params: { number: index, reason: 'r' },
        chatId: chat.id,
        locale: 'en',
      })),
      { type: 'issue.supported', params: { number: 4, households: 2, threshold: 9 }, chatId: chat.id, locale: 'en', answersTap: 'cb-a' },
      { type: 'tap.answered', params: {}, chatId: chat.id, locale: 'en', answersTap: 'cb-b' },
      {
        type: 'command.refused',
        params: { code: 'support_out_of_scope', number: 4, scope: long },
        chatId: chat.id,
        locale: 'en',
        answersTap: 'cb-c',
      },
    ]);
    const started = Date.now();
    await delivery.deliverDue({ wait: false });
    await expect.poll(() => api.answers.filter((answer) => answer.id.startsWith('cb-')).length, { timeout: 10_000 }).toBe(3);
    // The three group messages take three seconds at one a second; the toasts did not wait for them.
    expect(Math.max(...api.answers.map((answer) => answer.at)) - started).toBeLessThan(1_500);
    expect(api.answers.find((answer) => answer.id === 'cb-a')).toMatchObject({ text: expect.stringContaining('#4'), alert: false });
    expect(api.answers.find((answer) => answer.id === 'cb-b')).toMatchObject({ text: undefined });
    expect(api.answers.find((answer) => answer.id === 'cb-c')).toMatchObject({ text: undefined });
    await expect.poll(() => api.textsTo('-7002').length, { timeout: 10_000 }).toBe(4);
    expect(api.textsTo('-7002').filter((text) => text.includes('xxxxxxxx'))).toHaveLength(1);
    await delivery.stop();
  });

  it('drops a confirmation whose tap expired, and posts a refusal whose tap expired', async () => {
    const chat = await db.prisma.chat.create({ data: { platform: 'telegram', platformChatId: '-7003', kind: 'group' } });
    const adapter = await telegram();
    const delivery = createDelivery({ db: db.prisma, ports: [adapter.outbound], logger });
    // Already answered once: Telegram refuses a second answer as it refuses an expired one.
    api.answers.push({ id: 'cb-old-1', text: undefined, alert: false, at: 0 }, { id: 'cb-old-2', text: undefined, alert: false, at: 0 });
    await writeNotices(tx, [
      {
        type: 'issue.supported',
        params: { number: 4, households: 2, threshold: 9 },
        chatId: chat.id,
        locale: 'en',
        answersTap: 'cb-old-1',
      },
      { type: 'command.refused', params: { code: 'already_supported', number: 4 }, chatId: chat.id, locale: 'en', answersTap: 'cb-old-2' },
    ]);
    await delivery.deliverDue();
    expect(api.textsTo('-7003')).toEqual([expect.stringContaining('#4')]);
    expect(api.textsTo('-7003')[0]).toContain('already support');
    expect(await db.prisma.outboxNotice.count({ where: { chatId: chat.id, state: 'sent' } })).toBe(2);
    await delivery.stop();
  });
});
