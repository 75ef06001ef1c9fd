import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDelivery, type OutboundPort, type OutgoingNotice } from '../../src/delivery/delivery.js';
import { type Tx, writeNotices } from '../../src/engine/context.js';
import type { Button } from '../../src/engine/notices.js';
import { describeEachDatabase, openTestDatabase, type TestDatabase } from '../helpers/database.js';

// What an adapter is handed: the notice's data in params, its buttons beside them, from the outbox's own columns.

describeEachDatabase('the outgoing notice', (kind) => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await openTestDatabase(kind);
  });
  afterAll(async () => {
    await db?.close();
  });

  const capture = () => {
    const sent: OutgoingNotice[] = [];
    const port: OutboundPort = {
      platform: 'telegram',
      async send(notice) {
        sent.push(notice);
        return { messageId: String(sent.length) };
      },
    };
    return { sent, delivery: createDelivery({ db: db.prisma, ports: [port], logger: pino({ level: 'silent' }) }) };
  };

  describe('when the engine wrote a notice with buttons', () => {
    it('carries them in `buttons`, in order, and keeps them out of params', async () => {
      const chat = await db.prisma.chat.create({ data: { platform: 'telegram', platformChatId: '-8001', kind: 'group' } });
      const buttons: Button[] = [
        { kind: 'support', number: 7 },
        { kind: 'raise_draft', draftId: 3 },
      ];
      await writeNotices(db.prisma as unknown as Tx, [
        { type: 'issue.looks_duplicate', params: { similar: [{ number: 7, text: '电梯' }] }, buttons, chatId: chat.id, locale: 'zh-CN' },
        { type: 'issue.rated', params: { number: 7, score: 4 }, chatId: chat.id, locale: 'zh-CN' },
      ]);
      const { sent, delivery } = capture();
      await delivery.deliverDue();
      expect(sent.map(({ type, params, buttons }) => ({ type, params, buttons }))).toEqual([
        { type: 'issue.looks_duplicate', params: { similar: [{ number: 7, text: '电梯' }] }, buttons },
        { type: 'issue.rated', params: { number: 7, score: 4 }, buttons: [] },
      ]);
      const rows = await db.prisma.outboxNotice.findMany({ where: { chatId: chat.id }, orderBy: { id: 'asc' } });
      expect(rows.map((row) => row.buttons)).toEqual([buttons, []]);
    });
  });

  describe('when a re-armed notice drops its buttons', () => {
    it('sends the newer version without them', async () => {
      const chat = await db.prisma.chat.create({ data: { platform: 'telegram', platformChatId: '-8002', kind: 'group' } });
      const tx = db.prisma as unknown as Tx;
      const live = (score: number, buttons?: Button[]) => ({
        type: 'issue.rated' as const,
        params: { number: 8, score },
        ...(buttons ? { buttons } : {}),
        chatId: chat.id,
        locale: 'en',
        dedupeKey: 'test.buttons:8',
      });
      await writeNotices(tx, [live(1, [{ kind: 'support', number: 8 }])]);
      await writeNotices(tx, [live(2)]);
      const { sent, delivery } = capture();
      await delivery.deliverDue();
      expect(sent.map(({ params, buttons }) => ({ params, buttons }))).toEqual([{ params: { number: 8, score: 2 }, buttons: [] }]);
    });
  });
});
