import { beforeAll, describe, expect, it } from 'vitest';
import { describeEachDatabase, type TestDatabase } from '../helpers/database.js';
import { type CommunitySetup, type Harness, useCommunity } from '../helpers/engine.js';

describeEachDatabase('personal data (PIPL)', (kind) => {
  const setup = useCommunity(kind);
  let db: TestDatabase;
  let h: Harness;
  let c: CommunitySetup['c'];
  beforeAll(() => {
    ({ db, h, c } = setup);
  });

  describe('/mydata', () => {
    it('shows a resident everything held about them, in a private chat', async () => {
      const { r2 } = c.residents;
      await h.say(r2, c.chats.b1, '/issue 垃圾桶满了');
      const result = await h.say(r2, h.privateChat(r2), '/mydata');
      expect(result.notices[0]).toMatchObject({
        type: 'member.data_exported',
        params: {
          data: {
            displayName: '王芳',
            platform: 'telegram',
            platformUserId: r2.id,
            locale: null,
            households: [{ community: '幸福社区', building: '1栋', unit: '102' }],
            roles: [],
            issuesRaised: [1],
            supports: 1,
            ratings: 0,
            ballots: 0,
          },
        },
      });
    });
  });

  describe('/forgetme', () => {
    it('asks first, then deletes the member; ballots stay counted without the link, issues and supports stay as community data', async () => {
      const { r3 } = c.residents;
      await h.say(r3, c.chats.b1, '/support 1');
      await h.say(r3, c.chats.b1, '/issue 楼顶漏水');
      const member = await db.prisma.member.findFirstOrThrow({ where: { platformUserId: r3.id } });
      const household = await db.prisma.householdClaim.findFirstOrThrow({ where: { memberId: member.id } });
      const poll = await db.prisma.poll.create({
        data: {
          communityId: c.community.id,
          number: 1,
          kind: 'ordinary',
          question: '周末大扫除？',
          closesAt: new Date('2027-01-01'),
          options: { create: [{ position: 0, label: '好' }] },
        },
        include: { options: true },
      });
      const ordinary = await db.prisma.ballot.create({
        data: {
          pollId: poll.id,
          voterKey: `member:${member.id}`,
          memberId: member.id,
          castById: member.id,
          choices: { create: [{ optionId: poll.options[0]!.id }] },
        },
      });
      const owners = await db.prisma.poll.create({
        data: {
          communityId: c.community.id,
          number: 2,
          kind: 'owners_vote',
          matterClass: 'ordinary',
          question: '续聘物业？',
          closesAt: new Date('2027-01-01'),
          options: { create: [{ position: 0, label: 'yes' }] },
        },
        include: { options: true },
      });
      const householdBallot = await db.prisma.ballot.create({
        data: {
          pollId: owners.id,
          voterKey: `household:${household.householdId}`,
          householdId: household.householdId,
          castById: member.id,
          choices: { create: [{ optionId: owners.options[0]!.id }] },
        },
      });

      const asked = await h.say(r3, h.privateChat(r3), '/forgetme');
      expect(asked.notices[0]).toMatchObject({ type: 'member.forget_requested', buttons: [{ kind: 'forget_confirm' }] });
      expect(await db.prisma.member.count({ where: { id: member.id } })).toBe(1);

      const done = await h.tap(r3, h.privateChat(r3), 'f');
      expect(done.notices).toEqual([
        expect.objectContaining({ type: 'member.forgotten', params: { ballotsKept: 2 } }),
        // In a private chat the answer is a message; the tap itself is answered blank.
        expect.objectContaining({ type: 'tap.answered', answersTap: expect.any(String) }),
      ]);
      expect(await db.prisma.member.count({ where: { id: member.id } })).toBe(0);
      expect(await db.prisma.householdClaim.count({ where: { memberId: member.id } })).toBe(0);
      expect(await db.prisma.ballot.findUniqueOrThrow({ where: { id: ordinary.id }, include: { choices: true } })).toMatchObject({
        voterKey: `forgotten:${ordinary.id}`,
        memberId: null,
        castById: null,
        choices: [{ optionId: poll.options[0]!.id }],
      });
      expect(await db.prisma.ballot.findUniqueOrThrow({ where: { id: householdBallot.id } })).toMatchObject({
        householdId: household.householdId,
        castById: null,
      });
      const issue = await db.prisma.issue.findFirstOrThrow({ where: { communityId: c.community.id, text: '楼顶漏水' } });
      expect(issue.raisedById).toBeNull();
      expect(
        await db.prisma.support.count({ where: { issue: { communityId: c.community.id, number: 1 }, householdId: household.householdId } }),
      ).toBe(1);
      expect(JSON.stringify(await db.prisma.member.findMany())).not.toContain(r3.name);
    });

    it('lets a forgotten resident come back as a new member', async () => {
      const { r3 } = c.residents;
      const result = await h.say(r3, h.privateChat(r3), '/start');
      expect(result.notices[0]).toMatchObject({ type: 'member.welcomed', params: { community: null } });
      expect(await h.say(r3, c.chats.b1, '/support 1')).toMatchObject({ status: 'refused', error: 'not_a_member' });
    });
  });
});
