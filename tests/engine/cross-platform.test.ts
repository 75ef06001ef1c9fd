import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Action, ChatRef, EngineCommand } from '../../src/engine/commands.js';
import { issueClaimCodes, issueLinkCode } from '../../src/engine/modules/setup/issue-codes.js';
import { describeEachDatabase, openTestDatabase, type TestDatabase } from '../helpers/database.js';
import { buildCommunity, createHarness, type Harness } from '../helpers/engine.js';

// One household, two platforms: a family member on Telegram and another on Slack claim the same home. The engine
// keys an owners'-vote ballot by household, so the home votes once whatever platform its members tap on, the last
// tap counting, and its turnout counts it once.

describeEachDatabase('a household claimed on Telegram and on Slack', (kind) => {
  let db: TestDatabase;
  let h: Harness;
  let c: Awaited<ReturnType<typeof buildCommunity>>;
  let events = 0;
  const slackUser = { platform: 'slack' as const, platformUserId: 'U0FAMILY1', displayName: '张伟家属（Slack）' };
  const slackChannel: ChatRef = { platform: 'slack', platformChatId: `C${process.pid}${kind}`, kind: 'group', title: '#xingfu' };
  const slackDm: ChatRef = { platform: 'slack', platformChatId: `D${process.pid}${kind}`, kind: 'private' };
  const onSlack = (chat: ChatRef, action: Action) =>
    h.engine.dispatch({ eventId: `slack-${kind}-${++events}`, actor: slackUser, chat, action } satisfies EngineCommand);

  beforeAll(async () => {
    db = await openTestDatabase(kind);
    h = createHarness(db);
    c = await buildCommunity(h);
    const { code: link } = await h.engine.operate((tx, now) => issueLinkCode(tx, c.slug, { binding: 'community', days: 7 }, now));
    expect(await onSlack(slackChannel, { type: 'chat.link', code: link })).toMatchObject({ status: 'done' });
    const [claim] = await h.engine.operate((tx, now) => issueClaimCodes(tx, c.slug, { building: '1栋', unit: '101', days: 7 }, now));
    expect(await onSlack(slackDm, { type: 'household.claim', code: claim!.code })).toMatchObject({ status: 'done' });
  });
  afterAll(() => db?.close());

  it('votes once for the household, the last tap on either platform counting', async () => {
    expect((await h.say(c.staff.committee, c.chats.community, '/ownersvote ordinary 续聘物业公司')).status).toBe('done');
    expect((await h.tap(c.residents.r1, c.chats.community, 'v:1:0')).status).toBe('done');
    expect(await onSlack(slackChannel, { type: 'poll.vote', number: 1, position: 1 })).toMatchObject({ status: 'done' });

    const poll = await db.prisma.poll.findFirstOrThrow({ where: { community: { slug: c.slug }, number: 1 } });
    const household = await db.prisma.household.findFirstOrThrow({
      where: { unit: '101', building: { name: '1栋', community: { slug: c.slug } } },
    });
    const ballots = await db.prisma.ballot.findMany({ where: { pollId: poll.id }, include: { choices: { include: { option: true } } } });
    expect(ballots.map((b) => [b.householdId, b.voterKey, b.choices.map((choice) => choice.option.label)])).toEqual([
      [household.id, `household:${household.id}`, ['no']],
    ]);
    const casts = await db.prisma.auditEntry.count({ where: { action: 'ballot.cast', subjectId: poll.id, communityId: poll.communityId } });
    expect(casts).toBe(2);
  });
});
