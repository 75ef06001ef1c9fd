import { afterAll, beforeAll, expect, it } from 'vitest';
import { parseCommand } from '../../src/adapters/shared/parse-command.js';
import type { ChatRef, EngineCommand } from '../../src/engine/commands.js';
import { createEngine, type DispatchResult } from '../../src/engine/index.js';
import { describeEachDatabase, openTestDatabase, type TestDatabase } from '../helpers/database.js';
import { buildCommunity, createHarness, type Person } from '../helpers/engine.js';

// A batch runs without savepoints; a command refused after it wrote (a claim code that is not one: its statement
// tried to redeem it) rolls the batch back, and the batch runs again with a savepoint per writing command. Nothing of
// the refused command may remain, everything else must stand once, and the flood guard must count each command once
// however often its batch ran: here a limit of three commands a minute, which the newcomer reaches exactly.

describeEachDatabase('a command refused after it wrote, in a batch', (kind) => {
  let db: TestDatabase;
  let results: DispatchResult[];
  let counter = 0;
  const newcomer: Person = { id: `raw-${kind}-newcomer`, name: '新邻居' };

  const command = (person: Person, chat: ChatRef, text: string): EngineCommand => ({
    eventId: `raw-${kind}-${++counter}`,
    actor: { platform: 'telegram', platformUserId: person.id, displayName: person.name },
    chat,
    messageId: `raw-m${counter}`,
    action: parseCommand(text)!,
  });

  beforeAll(async () => {
    db = await openTestDatabase(kind);
    const h = createHarness(db);
    const c = await buildCommunity(h);
    const engine = createEngine({ db: db.prisma, clock: h.clock, settings: { floodLimit: 3 } });
    const { r2, r3 } = c.residents;
    results = await engine.dispatchAll([
      command(r2, c.chats.b1, '/issue 1栋电梯按钮失灵'),
      command(newcomer, h.privateChat(newcomer), '/start'),
      command(newcomer, h.privateChat(newcomer), '/claim ABCD2345'),
      command(r3, c.chats.b2, '/issue 2栋信箱被撬'),
      command(newcomer, h.privateChat(newcomer), '/help'),
      command(newcomer, h.privateChat(newcomer), '/help'),
    ]);
  });
  afterAll(() => db?.close());

  it('refuses the claim, and counts each of the newcomer’s commands once against the limit', () => {
    expect(results.map((result) => [result.status, result.error ?? null])).toEqual([
      ['done', null],
      ['done', null],
      ['refused', 'code_invalid'],
      ['done', null],
      ['done', null],
      ['refused', 'rate_limited'],
    ]);
  });

  it('keeps what the other commands did, once, and nothing of the refused one', async () => {
    const issues = await db.prisma.issue.findMany({
      where: { text: { in: ['1栋电梯按钮失灵', '2栋信箱被撬'] } },
      orderBy: { number: 'asc' },
    });
    expect(issues.map((issue) => issue.text)).toEqual(['1栋电梯按钮失灵', '2栋信箱被撬']);
    expect(issues[1]!.number).toBe(issues[0]!.number + 1);
    const member = await db.prisma.member.findFirstOrThrow({ where: { platformUserId: newcomer.id }, include: { claims: true } });
    expect(member.claims).toEqual([]);
    expect(await db.prisma.oneTimeCode.count({ where: { usedById: member.id } })).toBe(0);
    const raised = await db.prisma.auditEntry.count({
      where: { action: 'issue.raised', subjectId: { in: issues.map((issue) => issue.id) } },
    });
    expect(raised).toBe(2);
    const inbox = await db.prisma.inboxEvent.findMany({ where: { eventId: { startsWith: `raw-${kind}-` } } });
    expect(inbox.map((row) => row.state)).toEqual(Array(6).fill('done'));
  });
});
