import { beforeAll, expect, it } from 'vitest';
import { parseCommand } from '../../src/adapters/shared/parse-command.js';
import type { ChatRef, EngineCommand } from '../../src/engine/commands.js';
import type { DispatchResult } from '../../src/engine/index.js';
import { issueClaimCodes } from '../../src/engine/modules/setup/issue-codes.js';
import { describeEachDatabase } from '../helpers/database.js';
import { type Person, useCommunity } from '../helpers/engine.js';

// A batch loads the contexts of the commands ahead together, and must load them again after a command that changed
// what a context is made of: here a language chosen, a household claimed and a name changed, each followed in the
// same batch by a command of the same member that reads only.

describeEachDatabase('contexts loaded ahead within a batch', (kind) => {
  const setup = useCommunity(kind);
  const newcomer: Person = { id: `ahead-${kind}-newcomer`, name: '新邻居' };
  const another: Person = { id: `ahead-${kind}-another`, name: '另一位新邻居' };
  let results: DispatchResult[];
  let counter = 0;

  const command = (person: Person, chat: ChatRef, text: string, name = person.name): EngineCommand => ({
    eventId: `ahead-${kind}-${++counter}`,
    actor: { platform: 'telegram', platformUserId: person.id, displayName: name },
    chat,
    messageId: `ahead-m${counter}`,
    action: parseCommand(text)!,
  });

  beforeAll(async () => {
    const { h, c } = setup;
    const [code, anotherCode] = await h.engine.operate((tx, now) =>
      issueClaimCodes(tx, c.slug, { building: '2栋', unclaimedOnly: true, days: 30 }, now),
    );
    await h.say(c.residents.r2, c.chats.b1, '/issue 1栋门禁坏了');
    const { r2, r3 } = c.residents;
    results = await h.engine.dispatchAll([
      command(r3, h.privateChat(r3), '/start'),
      command(r3, h.privateChat(r3), '/start', '李娜（改名）'),
      command(r2, h.privateChat(r2), '/lang en'),
      command(r2, c.chats.b1, '/show 1'),
      command(newcomer, h.privateChat(newcomer), `/claim ${code!.code}`),
      command(another, h.privateChat(another), `/claim ${anotherCode!.code}`),
      command(newcomer, c.chats.b2, '/issue 2栋楼道灯不亮'),
      command(another, c.chats.b2, '/issue 2栋电梯按钮失灵'),
    ]);
  });

  it('answers after a language was chosen in that language', () => {
    expect(results.map((result) => result.status)).toEqual(['done', 'done', 'done', 'done', 'done', 'done', 'done', 'done']);
    expect(results[2]!.notices[0]!.locale).toBe('en');
    expect(results[3]!.notices[0]).toMatchObject({ type: 'issue.shown', locale: 'en' });
  });

  // A claim makes only its claimer's contexts stale: each newcomer's /issue still sees their own claim, made after
  // the other's contexts were loaded.
  it('lets a household claimed a moment before count: each newcomer raises an issue as a verified resident', async () => {
    for (const [index, text, person] of [
      [6, '2栋楼道灯不亮', newcomer],
      [7, '2栋电梯按钮失灵', another],
    ] as const) {
      expect(results[index]!.notices.map((notice) => notice.type)).toContain('issue.raised');
      const raised = await setup.db.prisma.issue.findFirstOrThrow({ where: { text }, include: { raisedBy: true } });
      expect(raised.raisedBy?.platformUserId).toBe(person.id);
    }
  });

  it('greets a member by the name each message came with, and keeps the last', async () => {
    expect(results.slice(0, 2).map((result) => (result.notices[0]!.params as { name: string }).name)).toEqual([
      setup.c.residents.r3.name,
      '李娜（改名）',
    ]);
    const r3 = await setup.db.prisma.member.findFirstOrThrow({ where: { platformUserId: setup.c.residents.r3.id } });
    expect(r3.displayName).toBe('李娜（改名）');
  });
});
