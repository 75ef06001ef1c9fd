import { fc } from '@fast-check/vitest';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTelegramAdapter, telegramLimits } from '../../../src/adapters/telegram/bot.js';
import { translateUpdate } from '../../../src/adapters/telegram/translate.js';
import { createDelivery } from '../../../src/delivery/delivery.js';
import type { PlatformLimits } from '../../../src/delivery/rate-window.js';
import { createEngine } from '../../../src/engine/index.js';
import { createCommunity } from '../../../src/engine/modules/setup/create-community.js';
import { importRegister } from '../../../src/engine/modules/setup/import-register.js';
import { issueClaimCodes, issueLinkCode } from '../../../src/engine/modules/setup/issue-codes.js';
import { createI18n } from '../../../src/i18n/index.js';
import { inboxCounts, listDeadLetters, retryDeadLetters } from '../../../src/inbox/dead-letters.js';
import { createInbox } from '../../../src/inbox/inbox.js';
import { describeEachDatabase, openTestDatabase, type TestDatabase } from '../../helpers/database.js';
import { runToEnd } from '../../helpers/service.js';
import { TelegramStandIn, updates } from '../../stand-ins/telegram.js';

// What an attacker or a careless resident can send through Telegram, against the real adapter (telegraf over HTTP to
// the Bot API stand-in), the real inbox, engine and delivery, on both databases. After each hostile update, an
// ordinary one must still be answered within seconds: nothing a platform can deliver may stop the bot for others.

type User = { id: number; first_name: string; last_name?: string; username?: string; language_code?: string };
type TgChat = { id: number; type: 'private' | 'group' | 'supergroup'; title?: string };

const answerWithinMs = 10_000;
let nextUserId = 5_000;
const newUser = (first_name = `居民${nextUserId}`): User => ({ id: nextUserId++, first_name });
const dm = (user: User): TgChat => ({ id: user.id, type: 'private' });

/** The bot as `npm start` wires it, in this process: adapter, inbox, engine and delivery over one database. */
async function startBot(db: TestDatabase, api: TelegramStandIn, limits?: PlatformLimits) {
  const logger = pino({ level: 'silent' });
  const engine = createEngine({ db: db.prisma, settings: { maxInboxAttempts: 1, floodLimit: 10_000 } });
  const inbox = createInbox({ db: db.prisma, engine, translators: { telegram: translateUpdate }, logger });
  const telegram = await createTelegramAdapter({
    config: { token: api.token, apiRoot: api.apiRoot },
    i18n: createI18n(),
    logger,
    record: (events) => inbox.record('telegram', events),
    ...(limits ? { limits } : {}),
  });
  const delivery = createDelivery({ db: db.prisma, ports: [telegram.outbound], logger });
  inbox.start();
  delivery.start();
  await telegram.start();
  return {
    engine,
    async stop() {
      await telegram.stop();
      await inbox.stop();
      await delivery.stop();
    },
  };
}

/** A community with building 1栋 linked to `group` and `resident` holding household 101. */
async function setUpCommunity(db: TestDatabase, api: TelegramStandIn, group: TgChat, resident: User) {
  const engine = createEngine({ db: db.prisma });
  const slug = `hostile${group.id}`.replace('-', 'n');
  await engine.operate((tx, now) => createCommunity(tx, { slug, name: '幸福社区' }, now));
  const rows = ['101', '102', '201'].map((unit, i) => ({ line: i + 2, building: '1栋', unit, area_m2: '80.00', owner: `业主${unit}` }));
  await engine.operate((tx, now) => importRegister(tx, slug, rows, now));
  const codes = await engine.operate((tx, now) => issueClaimCodes(tx, slug, { days: 30 }, now));
  const link = await engine.operate((tx, now) => issueLinkCode(tx, slug, { binding: 'building', name: '1栋', days: 7 }, now));
  api.push(updates.text(resident, group, `/link ${link.code}`));
  api.push(updates.text(resident, dm(resident), `/claim ${codes.find((code) => code.unit === '101')!.code}`));
  await api.waitFor(() => api.textsTo(group.id).length > 0 && api.textsTo(resident.id).length > 0);
  return { slug, codes };
}

/** An ordinary `/help` from someone new, and the wait for its answer. */
async function expectAnOrdinaryReply(api: TelegramStandIn): Promise<void> {
  const someone = newUser();
  api.push(updates.text(someone, dm(someone), '/help'));
  await api.waitFor(() => api.textsTo(someone.id).length > 0, answerWithinMs);
}

async function inboxRow(db: TestDatabase, updateId: number) {
  return db.prisma.inboxEvent.findFirstOrThrow({ where: { eventId: { endsWith: `:${updateId}` } } });
}

const startFrom = (user: User) => updates.text(user, dm(user), '/start');

function nested(depth: number): string {
  return `${'{"reply_to_message":'.repeat(depth)}{}${'}'.repeat(depth)}`;
}

describeEachDatabase('Telegram: hostile input never stops the bot', (kind) => {
  const api = new TelegramStandIn();
  let db: TestDatabase;
  let bot: Awaited<ReturnType<typeof startBot>>;
  const resident = newUser('张伟');
  const group: TgChat = { id: -1_000_000 - nextUserId, type: 'supergroup', title: '1栋业主群' };

  beforeAll(async () => {
    await api.start();
    db = await openTestDatabase(kind);
    bot = await startBot(db, api);
    await setUpCommunity(db, api, group, resident);
  }, 60_000);

  afterAll(async () => {
    await bot?.stop();
    await api.stop();
    await db?.close();
  });

  describe('when a character PostgreSQL refuses arrives', () => {
    const cases: Array<[string, () => Record<string, unknown>, string]> = [
      ['U+0000 in a /issue text', () => updates.text(resident, group, '/issue 电梯\u0000坏了，请尽快修理'), '电梯\uFFFD坏了'],
      ['a lone surrogate in a /issue text', () => updates.text(resident, group, '/issue 楼道灯\uD800不亮了'), '楼道灯\uFFFD不亮了'],
      ['U+0000 in a sender’s name', () => startFrom(newUser('Ev\u0000e')), ''],
      ['a lone surrogate in a sender’s name', () => startFrom(newUser('\uDC00Zed')), ''],
      ['U+0000 in button data', () => updates.tap(resident, group, 's:1\u0000'), ''],
      ['a lone surrogate in button data', () => updates.tap(resident, group, 'v:1:\uD83D'), ''],
      ['a 64 KB text', () => updates.text(resident, group, `/issue ${'长'.repeat(65_536)}`), ''],
    ];
    it.each(cases)('handles %s, stores it exactly, and answers the next message', async (_name, build, storedAs) => {
      const update = build();
      const updateId = api.push(update);
      await expectAnOrdinaryReply(api);
      await api.waitFor(() => api.confirmedUpTo >= updateId);
      const row = await inboxRow(db, updateId);
      expect(row.state).toBe('done');
      if (!row.payload.includes('redacted')) expect(JSON.parse(row.payload).update).toEqual({ update_id: updateId, ...update });
      if (storedAs) expect(await db.prisma.issue.findFirst({ where: { text: { contains: storedAs } } })).not.toBeNull();
    });

    it('names the sender without the refused character', async () => {
      expect(await db.prisma.member.findFirst({ where: { displayName: 'Ev\uFFFDe' } })).not.toBeNull();
      expect(await db.prisma.member.findFirst({ where: { displayName: '\uFFFDZed' } })).not.toBeNull();
    });
  });

  describe('when an update is nested deeper than JSON.stringify can go', () => {
    it('sets it aside as a dead letter, answers the next message, and answers it too once retried', async () => {
      const ghost = newUser('深层');
      const message = updates.text(ghost, dm(ghost), '/help').message;
      const updateId = api.pushRaw(`{"message":${JSON.stringify(message).slice(0, -1)},"reply_to_message":${nested(20_000)}}}`);
      await expectAnOrdinaryReply(api);
      await api.waitFor(() => api.confirmedUpTo >= updateId);
      const row = await inboxRow(db, updateId);
      expect(row).toMatchObject({ state: 'dead', lastError: expect.stringContaining('unrecordable') });
      expect((await listDeadLetters(db.prisma)).map((letter) => letter.id)).toContain(row.id);
      expect(api.textsTo(ghost.id)).toEqual([]);

      expect(await retryDeadLetters(db.prisma, { id: row.id })).toBe(1);
      await api.waitFor(() => api.textsTo(ghost.id).length > 0, answerWithinMs);
      expect((await inboxRow(db, updateId)).state).toBe('done');
    });
  });

  describe('when handling an update fails every time', () => {
    it('sets it aside, goes on with the others, and an operator retries it once the fault is fixed', async () => {
      // The resident's list of issues: writing it fails until the trigger is dropped.
      const unlucky = resident;
      const heard = () => api.textsTo(unlucky.id).length;
      const before = heard();
      await db.prisma.$executeRawUnsafe(`CREATE FUNCTION fail_listing() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN IF NEW."type" = 'issue.listed' THEN RAISE EXCEPTION 'injected fault'; END IF; RETURN NEW; END $$`);
      await db.prisma.$executeRawUnsafe(
        'CREATE TRIGGER fail_listing BEFORE INSERT ON "OutboxNotice" FOR EACH ROW EXECUTE FUNCTION fail_listing()',
      );
      let updateId: number;
      try {
        updateId = api.push(updates.text(unlucky, dm(unlucky), '/issues'));
        await expectAnOrdinaryReply(api);
        await api.waitFor(() => heard() > before, answerWithinMs); // the apology
        await expect.poll(async () => (await inboxRow(db, updateId)).state, { timeout: answerWithinMs }).toBe('dead');
        const health = await inboxCounts(db.prisma);
        expect(health.dead).toBeGreaterThanOrEqual(1);
      } finally {
        await db.prisma.$executeRawUnsafe('DROP TRIGGER fail_listing ON "OutboxNotice"');
        await db.prisma.$executeRawUnsafe('DROP FUNCTION fail_listing()');
      }
      const row = await inboxRow(db, updateId);
      if (db.url) {
        // Operators do it with the yishi command, beside the running bot (PostgreSQL allows a second process).
        const listed = await runToEnd({ DATABASE_URL: db.url, LANG: 'en_US.UTF-8' }, ['inbox', 'dead']);
        expect(listed.stdout).toContain(`#${row.id} telegram`);
        expect(listed.stdout).toContain('injected fault');
        const retried = await runToEnd({ DATABASE_URL: db.url, LANG: 'en_US.UTF-8' }, ['inbox', 'retry', String(row.id)]);
        expect(retried).toMatchObject({ code: 0 });
        const again = await runToEnd({ DATABASE_URL: db.url, LANG: 'en_US.UTF-8' }, ['inbox', 'retry', String(row.id)]);
        expect(again.code).not.toBe(0);
        expect(again.stderr).toContain(`#${row.id}`);
      } else {
        expect(await retryDeadLetters(db.prisma, { id: row.id })).toBe(1);
      }
      await expect.poll(async () => (await inboxRow(db, updateId)).state, { timeout: answerWithinMs }).toBe('done');
      await api.waitFor(() => heard() > before + 1, answerWithinMs);
    }, 60_000);
  });

  describe('when any field of an update holds arbitrary Unicode', () => {
    it('handles every such update and keeps answering others', async () => {
      const anyText = fc.oneof(
        fc.string({ unit: 'binary', maxLength: 80 }),
        fc.string({ unit: 'grapheme', maxLength: 80 }),
        fc.constantFrom('\u0000', '\uD800', '\uDFFF', '\uFEFF', '\u202E', '<b>', '&amp;', '@yishi_test_bot', '#1', ''),
      );
      const commandText = fc.tuple(
        fc.constantFrom('/issue ', '/support ', '/show ', '/claim ', '/link ', '/lang ', '/poll ', '/results ', '', '/'),
        anyText,
      );
      await fc.assert(
        fc.asyncProperty(
          fc.record({
            first_name: anyText,
            last_name: anyText,
            username: anyText,
            language_code: anyText,
            title: anyText,
            text: commandText.map(([command, text]) => command + text),
            data: anyText,
            inGroup: fc.boolean(),
            tap: fc.boolean(),
          }),
          async (fields) => {
            const from = {
              id: nextUserId++,
              first_name: fields.first_name,
              last_name: fields.last_name,
              username: fields.username,
              language_code: fields.language_code,
            };
            const chat: TgChat = fields.inGroup ? { id: -nextUserId++, type: 'group', title: fields.title } : dm(from);
            const updateId = api.push(fields.tap ? updates.tap(from, chat, fields.data) : updates.text(from, chat, fields.text));
            await expectAnOrdinaryReply(api);
            await expect.poll(async () => (await inboxRow(db, updateId)).state, { timeout: answerWithinMs }).toBe('done');
          },
        ),
        { numRuns: 25 },
      );
    }, 600_000);
  });

  describe('when thirty /issue replies go to one group', () => {
    it('never passes the per-group limits, counted on the stand-in’s clock (limits scaled down ten times)', async () => {
      // A minute's window takes a minute to see; the same windows one tenth as long show the same shapes in seconds.
      const scaled = (limits: PlatformLimits['groupChat']) => limits.map(({ max, perMs }) => ({ max, perMs: perMs / 10 }));
      const fastApi = new TelegramStandIn();
      await fastApi.start();
      const fastDb = await openTestDatabase(kind);
      const fastBot = await startBot(fastDb, fastApi, {
        bot: telegramLimits.bot,
        privateChat: telegramLimits.privateChat,
        groupChat: scaled(telegramLimits.groupChat),
      });
      try {
        const head = newUser('楼长');
        const busyGroup: TgChat = { id: -2_000_000 - nextUserId, type: 'supergroup', title: '2栋业主群' };
        await setUpCommunity(fastDb, fastApi, busyGroup, head);
        const before = fastApi.textsTo(busyGroup.id).length;
        for (let i = 0; i < 30; i++) fastApi.push(updates.text(head, busyGroup, `/issue 第${i}件事：楼下的路灯又坏了，编号${i * 7919}`));
        await fastApi.waitFor(() => fastApi.textsTo(busyGroup.id).length >= before + 30, 60_000);
        const times = fastApi.sent.filter((message) => message.chatId === String(busyGroup.id)).map((message) => message.at);
        for (let i = 20; i < times.length; i++) expect(times[i]! - times[i - 20]!).toBeGreaterThan(6_000);
        for (let i = 1; i < times.length; i++) expect(times[i]! - times[i - 1]!).toBeGreaterThanOrEqual(100);
      } finally {
        await fastBot.stop();
        await fastApi.stop();
        await fastDb.close();
      }
    }, 120_000);

    it('never sends two replies within a second to one private chat, at the real limits', async () => {
      const hasty = newUser('急性子');
      api.push(updates.text(hasty, dm(hasty), '/help'));
      api.push(updates.text(hasty, dm(hasty), '/issues'));
      api.push(updates.text(hasty, dm(hasty), '/help'));
      await api.waitFor(() => api.textsTo(hasty.id).length >= 3, answerWithinMs);
      const times = api.sent.filter((message) => message.chatId === String(hasty.id)).map((message) => message.at);
      for (let i = 1; i < times.length; i++) expect(times[i]! - times[i - 1]!).toBeGreaterThan(1_000);
    });
  });
});
