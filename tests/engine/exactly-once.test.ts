import { beforeAll, describe, expect, it } from 'vitest';
import { parseCommand } from '../../src/adapters/shared/parse-command.js';
import type { ChatRef, EngineCommand } from '../../src/engine/commands.js';
import type { DispatchResult } from '../../src/engine/index.js';
import { issueClaimCodes } from '../../src/engine/modules/setup/issue-codes.js';
import { describeEachDatabase, type TestDatabase } from '../helpers/database.js';
import { type CommunitySetup, domainSnapshot, type Harness, type Person, useCommunity } from '../helpers/engine.js';

describeEachDatabase('exactly once', (kind) => {
  const setup = useCommunity(kind);
  let db: TestDatabase;
  let h: Harness;
  let c: CommunitySetup['c'];
  beforeAll(() => {
    ({ db, h, c } = setup);
  });

  /** Sends `text` as event `eventId`, then delivers the very same event again; the second changes and sends nothing. */
  async function expectIdempotent(who: Person, chat: Parameters<Harness['say']>[1], text: string) {
    const eventId = `dup-${Math.random()}`;
    const first = await h.say(who, chat, text, eventId);
    expect(['done', 'refused']).toContain(first.status);
    const state = await domainSnapshot(db);
    const outbox = await db.prisma.outboxNotice.count();
    const second = await h.say(who, chat, text, eventId);
    expect(second).toEqual({ status: 'duplicate', notices: [] });
    expect(await domainSnapshot(db)).toEqual(state);
    expect(await db.prisma.outboxNotice.count()).toBe(outbox);
    return first;
  }

  describe('when every kind of event is delivered twice', () => {
    it('handles each once: the second delivery changes nothing and sends nothing', async () => {
      const { r1, r2, r3 } = c.residents;
      const { committee, propertyStaff, head1 } = c.staff;
      const newcomer: Person = { id: `${c.slug}-dup-newcomer`, name: '新人' };
      const [code] = await h.engine.operate((tx, now) => issueClaimCodes(tx, c.slug, { building: '2栋', days: 3 }, now));
      const steps: Array<[Person, Parameters<Harness['say']>[1], string]> = [
        [newcomer, h.privateChat(newcomer), '/start'],
        [newcomer, h.privateChat(newcomer), '/help'],
        [newcomer, h.privateChat(newcomer), '/lang en'],
        [newcomer, h.privateChat(newcomer), `/claim ${code!.code}`],
        [r1, c.chats.b1, '/issue 消防通道被电动车堵住了'],
        [r2, c.chats.b1, '/support 1'],
        [r3, c.chats.b1, '/issues'],
        [r3, c.chats.b1, '/show 1'],
        [head1, c.chats.b1, '/escalate 1 堵塞严重'],
        [committee, c.chats.committee, '/triage 1 big'],
        [committee, c.chats.committee, '/assign 1 物业 3'],
        [propertyStaff, c.chats.property, '/respond 1 已清理'],
        [committee, c.chats.committee, '/resolve 1'],
        [r2, c.chats.b1, '/rate 1 4'],
        [r1, c.chats.b1, '/rate 1 5'],
        [r2, c.chats.b1, '/reopen 1'],
        [r3, h.privateChat(r3), '/mydata'],
        [r3, c.chats.b1, '/support 99'],
        [r3, c.chats.b1, '/nonsense'],
        [committee, c.chats.committee, '/hide 1 重复'],
        [newcomer, h.privateChat(newcomer), '/forgetme'],
        [newcomer, h.privateChat(newcomer), '/forgetme confirm'],
      ];
      for (const [who, chat, text] of steps) await expectIdempotent(who, chat, text);
      expect(await db.prisma.member.count({ where: { platformUserId: newcomer.id } })).toBe(0);
    });

    it('handles a duplicated button tap once', async () => {
      await h.say(c.residents.r4, c.chats.b1, '/issue 小区花园的树需要修剪');
      const issue = await db.prisma.issue.findFirstOrThrow({ where: { communityId: c.community.id }, orderBy: { number: 'desc' } });
      const tapId = `tap-${Math.random()}`;
      const tap = { type: 'issue.support' as const, number: issue.number };
      expect((await h.deliver(c.residents.r5, c.chats.b1, tap, tapId)).status).toBe('done');
      expect((await h.deliver(c.residents.r5, c.chats.b1, tap, tapId)).status).toBe('duplicate');
      expect(await db.prisma.support.count({ where: { issueId: issue.id } })).toBe(2);
    });
  });

  describe('when the same event arrives twice at once', () => {
    it('lets exactly one of the deliveries through', async () => {
      await h.say(c.residents.r6, c.chats.b1, '/issue 地下车库漏水');
      const issue = await db.prisma.issue.findFirstOrThrow({ where: { communityId: c.community.id }, orderBy: { number: 'desc' } });
      const eventId = `race-${Math.random()}`;
      const results = await Promise.all(
        Array.from({ length: 5 }, () => h.say(c.residents.r2, c.chats.b1, `/support ${issue.number}`, eventId)),
      );
      expect(results.map((r) => r.status).sort()).toEqual(['done', 'duplicate', 'duplicate', 'duplicate', 'duplicate']);
      expect(await db.prisma.support.count({ where: { issueId: issue.id } })).toBe(2);
      expect(
        await db.prisma.outboxNotice.count({
          where: { type: 'issue.supports_acknowledged', params: { path: ['entries', '0', 'number'], equals: issue.number } },
        }),
      ).toBe(1);
    });
  });

  describe('when neighbours support at the same moment', () => {
    it('counts every support and escalates exactly once at the threshold', async () => {
      const { r1, r2, r3, r4, r5, r6 } = c.residents;
      await h.say(r1, c.chats.b1, '/issue 电梯按钮失灵，需要全部更换');
      const issue = await db.prisma.issue.findFirstOrThrow({ where: { communityId: c.community.id }, orderBy: { number: 'desc' } });
      const results = await Promise.all([r2, r3, r4, r5, r6].map((who) => h.say(who, c.chats.b1, `/support ${issue.number}`)));
      expect(results.every((r) => r.status === 'done')).toBe(true);
      expect(await db.prisma.support.count({ where: { issueId: issue.id } })).toBe(6);
      expect(await db.prisma.escalation.count({ where: { issueId: issue.id } })).toBe(1);
      const households = results.map(
        (r) =>
          (
            r.notices.find((n) => n.type === 'issue.supports_acknowledged')?.params as
              | { entries: Array<{ households: number }> }
              | undefined
          )?.entries[0]?.households,
      );
      expect(households.sort()).toEqual([2, 3, 4, 5, 6]);
    });
  });

  describe('when two members race to claim with one code', () => {
    it('gives the household to one of them and tells the other the code was used', async () => {
      const [code] = await h.engine.operate((tx, now) => issueClaimCodes(tx, c.slug, { building: '2栋', days: 3 }, now));
      const racers: Person[] = [1, 2, 3].map((i) => ({ id: `${c.slug}-racer${i}`, name: `抢码人${i}` }));
      const results = await Promise.all(racers.map((who) => h.say(who, h.privateChat(who), `/claim ${code!.code}`)));
      expect(results.filter((r) => r.status === 'done')).toHaveLength(1);
      expect(results.filter((r) => r.status === 'refused').map((r) => r.error)).toEqual(['code_used', 'code_used']);
      expect(await db.prisma.householdClaim.count({ where: { member: { platformUserId: { in: racers.map((r) => r.id) } } } })).toBe(1);
    });
  });

  describe('when handling fails unexpectedly', () => {
    it('marks the event failed, apologises once, and a retry after the fault is fixed goes through', async () => {
      // A real fault in the database: writing the list notice fails until the trigger is dropped.
      await db.prisma.$executeRawUnsafe(`CREATE FUNCTION fail_listing() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN IF NEW."type" = 'issue.listed' THEN RAISE EXCEPTION 'injected fault'; END IF; RETURN NEW; END $$`);
      await db.prisma.$executeRawUnsafe(
        'CREATE TRIGGER fail_listing BEFORE INSERT ON "OutboxNotice" FOR EACH ROW EXECUTE FUNCTION fail_listing()',
      );
      const eventId = `fault-${Math.random()}`;
      const who = c.residents.r3;
      try {
        const failed = await h.say(who, c.chats.b1, '/issues', eventId);
        expect(failed.status).toBe('failed');
        expect(failed.notices.map((n) => n.type)).toEqual(['command.failed']);
        expect(await db.prisma.inboxEvent.findFirst({ where: { eventId } })).toMatchObject({
          state: 'failed',
          lastError: expect.stringContaining('injected fault'),
        });
        const again = await h.say(who, c.chats.b1, '/issues', eventId);
        expect(again).toMatchObject({ status: 'failed', notices: [] });
      } finally {
        await db.prisma.$executeRawUnsafe('DROP TRIGGER fail_listing ON "OutboxNotice"');
        await db.prisma.$executeRawUnsafe('DROP FUNCTION fail_listing()');
      }
      const retried = await h.say(who, c.chats.b1, '/issues', eventId);
      expect(retried.status).toBe('done');
      expect(retried.notices.map((n) => n.type)).toEqual(['issue.listed']);
      expect(await db.prisma.inboxEvent.findFirst({ where: { eventId } })).toMatchObject({ state: 'done', attempts: 3 });
    });

    it('in a batch, fails only its own command: the others of its transaction are handled, each once', async () => {
      await db.prisma.$executeRawUnsafe(`CREATE FUNCTION fail_listing() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN IF NEW."type" = 'issue.listed' THEN RAISE EXCEPTION 'injected fault'; END IF; RETURN NEW; END $$`);
      await db.prisma.$executeRawUnsafe(
        'CREATE TRIGGER fail_listing BEFORE INSERT ON "OutboxNotice" FOR EACH ROW EXECUTE FUNCTION fail_listing()',
      );
      const tag = Math.random();
      const newcomer: Person = { id: `${c.slug}-batch-newcomer`, name: '批量新人' };
      const command = (who: Person, chat: ChatRef, text: string, index: number): EngineCommand => ({
        eventId: `batch-${tag}-${index}`,
        actor: { platform: 'telegram', platformUserId: who.id, displayName: who.name },
        chat,
        messageId: `bm-${index}`,
        action: parseCommand(text)!,
      });
      const batch = [
        command(c.residents.r3, c.chats.b1, '/help', 0),
        command(c.residents.r2, h.privateChat(c.residents.r2), '/issues', 1),
        command(newcomer, h.privateChat(newcomer), '/start', 2),
        command(c.residents.r3, c.chats.b1, '/help', 0),
      ];
      let results: DispatchResult[];
      try {
        results = await h.engine.dispatchAll(batch);
      } finally {
        await db.prisma.$executeRawUnsafe('DROP TRIGGER fail_listing ON "OutboxNotice"');
        await db.prisma.$executeRawUnsafe('DROP FUNCTION fail_listing()');
      }
      expect(results.map((result) => [result.status, result.notices.map((notice) => notice.type)])).toEqual([
        ['done', ['member.help']],
        ['failed', ['command.failed']],
        ['done', ['member.welcomed']],
        ['duplicate', []],
      ]);
      const rows = await db.prisma.inboxEvent.findMany({
        where: { eventId: { startsWith: `batch-${tag}-` } },
        orderBy: { eventId: 'asc' },
      });
      expect(rows.map((row) => [row.state, row.attempts])).toEqual([
        ['done', 1],
        ['failed', 1],
        ['done', 1],
      ]);
      const queued = await db.prisma.outboxNotice.findMany({
        where: { replyToMessageId: { in: ['bm-0', 'bm-1', 'bm-2'] } },
        orderBy: { id: 'asc' },
      });
      expect(queued.map((notice) => [notice.replyToMessageId, notice.type])).toEqual([
        ['bm-0', 'member.help'],
        ['bm-1', 'command.failed'],
        ['bm-2', 'member.welcomed'],
      ]);
    });
  });
});
