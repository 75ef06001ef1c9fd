import { beforeAll, expect, it } from 'vitest';
import { describeEachDatabase, type TestDatabase } from '../../helpers/database.js';
import { type CommunitySetup, type Harness, useCommunity } from '../../helpers/engine.js';

// Votes arriving at the same moment, one transaction each (the general path, as several chats' lanes run it): none
// may fail, whatever turnout milestone they cross together.

describeEachDatabase('concurrent owners’-vote taps', (kind) => {
  const setup = useCommunity(kind);
  let db: TestDatabase;
  let h: Harness;
  let c: CommunitySetup['c'];
  beforeAll(() => {
    ({ db, h, c } = setup);
  });

  it('all count, none fails, and each milestone is announced once', async () => {
    await h.say(c.staff.committee, c.chats.community, '/ownersvote ordinary 增设非机动车充电桩');
    const poll = await db.prisma.poll.findFirstOrThrow({ where: { communityId: c.community.id }, orderBy: { id: 'desc' } });
    const voters = [c.residents.r1, c.residents.r2, c.residents.r3, c.residents.r4, c.residents.r5, c.residents.r6, c.residents.s1];
    const chats = [c.chats.community, c.chats.b1, c.chats.b2];
    const results = await Promise.all(voters.map((who, i) => h.tap(who, chats[i % chats.length]!, `v:${poll.number}:0`)));
    expect(results.map((result) => result.status)).toEqual(voters.map(() => 'done'));
    expect(await db.prisma.ballot.count({ where: { pollId: poll.id } })).toBe(7);
    const news = await db.prisma.outboxNotice.findMany({ where: { type: 'poll.turnout_progress' } });
    const milestones = news.map((notice) => (notice.params as { percentOfQuorum: number }).percentOfQuorum);
    expect(new Set(milestones).size).toBe(milestones.length);
    expect((await db.prisma.poll.findUniqueOrThrow({ where: { id: poll.id } })).turnoutMilestone).toBe(Math.max(...milestones));
  });
});
