import { pino } from 'pino';
import { beforeAll, expect, it } from 'vitest';
import { manualClock } from '../../src/core/clock.js';
import type { EngineCommand } from '../../src/engine/commands.js';
import { createEngine } from '../../src/engine/index.js';
import { createInbox } from '../../src/inbox/inbox.js';
import { describeEachDatabase, type TestDatabase } from '../helpers/database.js';
import { type CommunitySetup, useCommunity } from '../helpers/engine.js';

// A failing event is tried again later, not at once: 2 s after the first failure, then 4 s, doubling.

describeEachDatabase('the inbox retrying a failed event', (kind) => {
  const setup = useCommunity(kind);
  let db: TestDatabase;
  let c: CommunitySetup['c'];
  beforeAll(() => {
    ({ db, c } = setup);
  });

  it('waits before each new try, longer each time, and succeeds once the fault is gone', async () => {
    // The engine's clock an hour ahead: retry times are exact, and still in the future for the inbox's real clock.
    const clock = manualClock(new Date(Date.now() + 3_600_000));
    const engine = createEngine({ db: db.prisma, clock });
    const inbox = createInbox({
      db: db.prisma,
      engine,
      translators: { telegram: (payload) => payload as EngineCommand },
      logger: pino({ level: 'silent' }),
    });
    const command: EngineCommand = {
      eventId: `retry-${Math.random()}`,
      actor: { platform: 'telegram', platformUserId: c.residents.r2.id, displayName: c.residents.r2.name },
      chat: { platform: 'telegram', platformChatId: c.chats.b1.platformChatId, kind: 'group', title: c.chats.b1.title },
      action: { type: 'issue.list' },
    };
    await db.prisma.$executeRawUnsafe(`CREATE FUNCTION fail_listing() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN IF NEW."type" = 'issue.listed' THEN RAISE EXCEPTION 'injected fault'; END IF; RETURN NEW; END $$`);
    await db.prisma.$executeRawUnsafe(
      'CREATE TRIGGER fail_listing BEFORE INSERT ON "OutboxNotice" FOR EACH ROW EXECUTE FUNCTION fail_listing()',
    );
    const row = () => db.prisma.inboxEvent.findFirstOrThrow({ where: { eventId: command.eventId } });
    try {
      await inbox.record('telegram', [{ eventId: command.eventId, payload: command }]);
      expect(await inbox.processDue()).toBe(1);
      const first = await row();
      expect(first).toMatchObject({ state: 'failed', attempts: 1 });
      expect(first.retryAt!.getTime() - clock.now().getTime()).toBe(2_000);
      expect(await inbox.processDue()).toBe(0);

      await db.prisma.inboxEvent.update({ where: { id: first.id }, data: { retryAt: new Date(Date.now() - 1) } });
      expect(await inbox.processDue()).toBe(1);
      const second = await row();
      expect(second).toMatchObject({ state: 'failed', attempts: 2 });
      expect(second.retryAt!.getTime() - clock.now().getTime()).toBe(4_000);
    } finally {
      await db.prisma.$executeRawUnsafe('DROP TRIGGER fail_listing ON "OutboxNotice"');
      await db.prisma.$executeRawUnsafe('DROP FUNCTION fail_listing()');
    }
    await db.prisma.inboxEvent.updateMany({ where: { eventId: command.eventId }, data: { retryAt: new Date(Date.now() - 1) } });
    expect(await inbox.processDue()).toBe(1);
    expect(await row()).toMatchObject({ state: 'done' });
  });
});
