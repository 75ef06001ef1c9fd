import type { PrismaClient } from '../../src/db/database.js';

let counter = 0;
/** A value unique within the test run, for platform ids and slugs. */
export function unique(prefix: string): string {
  counter += 1;
  return `${prefix}-${process.pid}-${counter}`;
}

/** A small community: one building with two households, two members, a bound group chat, an issue and a poll. */
export async function seedCommunity(prisma: PrismaClient) {
  const community = await prisma.community.create({ data: { slug: unique('c'), name: '幸福社区' } });
  const building = await prisma.building.create({ data: { communityId: community.id, name: '3栋' } });
  const [householdA, householdB] = await Promise.all([
    prisma.household.create({ data: { buildingId: building.id, unit: '1-101', areaM2: '89.50', ownerName: '张三' } }),
    prisma.household.create({ data: { buildingId: building.id, unit: '1-102', areaM2: '120.25', ownerName: '李四' } }),
  ]);
  const [alice, bob] = await Promise.all([
    prisma.member.create({ data: { platform: 'telegram', platformUserId: unique('u'), displayName: 'A<li>ce' } }),
    prisma.member.create({ data: { platform: 'telegram', platformUserId: unique('u'), displayName: '王五' } }),
  ]);
  const chat = await prisma.chat.create({
    data: {
      platform: 'telegram',
      platformChatId: unique('g'),
      kind: 'group',
      binding: 'building',
      communityId: community.id,
      buildingId: building.id,
    },
  });
  const issue = await prisma.issue.create({
    data: { communityId: community.id, number: 1, text: '电梯坏了', buildingId: building.id, raisedById: alice.id, originChatId: chat.id },
  });
  const poll = await prisma.poll.create({
    data: {
      communityId: community.id,
      number: 1,
      kind: 'owners_vote',
      matterClass: 'major',
      question: '是否使用维修资金更换电梯？',
      closesAt: new Date(Date.now() + 86_400_000),
      options: {
        create: [
          { position: 0, label: 'yes' },
          { position: 1, label: 'no' },
          { position: 2, label: 'abstain' },
        ],
      },
    },
    include: { options: true },
  });
  return { community, building, householdA: householdA!, householdB: householdB!, alice: alice!, bob: bob!, chat, issue, poll };
}
