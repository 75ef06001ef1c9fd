// The world the Telegram benches run in: one community, 50 buildings each with its Telegram group linked, `residents`
// verified residents (a household each, claimed), and in every building an open issue (its card already posted in
// the group, so supports are counted into it by editing it) and an open poll. The updates' helpers name the same
// people and groups: resident i lives in building (i mod 50) + 1 and taps in that building's group.
import type { PrismaClient } from '../src/db/generated/client.js';
import type { Engine } from '../src/engine/index.js';
import { createCommunity } from '../src/engine/modules/setup/create-community.js';
import { updates } from '../tests/stand-ins/telegram.js';

export const buildings = 50;

export type World = { communityId: number; chats: Array<{ id: number; platformChatId: string }>; buildingIds: number[] };

/** Resident i as Telegram names them. */
export const residentOf = (i: number) => ({ id: 10_000 + i, first_name: `居民${i}` });
/** Resident i's building group as Telegram names it (its chat row's platformChatId). */
export const groupOf = (i: number) => ({ id: -2000 - (i % buildings), type: 'supergroup' as const });
/** The number of resident i's building's issue and poll. */
export const numberOf = (i: number) => (i % buildings) + 1;

/** The taps burst: a support tap on their building's issue and a vote tap in its poll from each resident. */
export function tapBurst(residents: number): unknown[] {
  return Array.from({ length: residents }, (_, i) => [
    updates.tap(residentOf(i), groupOf(i), `s:${numberOf(i)}`),
    updates.tap(residentOf(i), groupOf(i), `v:${numberOf(i)}:${i % 2}`),
  ]).flat();
}

/** Seeds the world into an empty, migrated database. */
export async function seedWorld(p: PrismaClient, engine: Engine, residents: number): Promise<World> {
  const community = await engine.operate((tx, now) => createCommunity(tx, { slug: 'bench', name: 'bench' }, now));
  await p.building.createMany({
    data: Array.from({ length: buildings }, (_, i) => ({ communityId: community.id, name: `${i + 1}栋` })),
  });
  const buildingRows = await p.building.findMany({ where: { communityId: community.id }, orderBy: { id: 'asc' } });
  await p.household.createMany({
    data: Array.from({ length: residents }, (_, i) => ({
      buildingId: buildingRows[i % buildings]!.id,
      unit: String(i),
      areaM2: '80.00',
      ownerName: `o${i}`,
    })),
  });
  await p.member.createMany({
    data: Array.from({ length: residents }, (_, i) => ({
      platform: 'telegram' as const,
      platformUserId: String(10_000 + i),
      displayName: `居民${i}`,
    })),
  });
  const households = await p.household.findMany({ where: { building: { communityId: community.id } }, orderBy: { id: 'asc' } });
  const members = await p.member.findMany({ orderBy: { id: 'asc' } });
  await p.householdClaim.createMany({ data: households.map((h, i) => ({ householdId: h.id, memberId: members[i]!.id })) });
  await p.chat.createMany({
    data: buildingRows.map((b, i) => ({
      platform: 'telegram' as const,
      platformChatId: String(-2000 - i),
      kind: 'group' as const,
      binding: 'building' as const,
      communityId: community.id,
      buildingId: b.id,
    })),
  });
  const chats = await p.chat.findMany({ orderBy: { id: 'asc' } });
  for (const [i, b] of buildingRows.entries()) {
    const issue = await p.issue.create({
      data: { communityId: community.id, number: i + 1, text: `issue ${i}`, buildingId: b.id, originChatId: chats[i]!.id },
    });
    // Its card, already in the group: supports are counted into it by editing it.
    await p.outboxNotice.create({
      data: {
        chatId: chats[i]!.id,
        type: 'issue.raised',
        params: { number: i + 1, text: `issue ${i}`, category: null, scope: { building: b.name }, level: 'building' },
        locale: 'zh-CN',
        dedupeKey: `issue.card:${issue.id}`,
        state: 'sent',
        platformMessageId: String(i + 1),
      },
    });
    await p.poll.create({
      data: {
        communityId: community.id,
        number: i + 1,
        kind: 'ordinary',
        question: 'q',
        buildingId: b.id,
        chatId: chats[i]!.id,
        closesAt: new Date(Date.now() + 86_400_000),
        options: {
          create: [
            { position: 0, label: 'a' },
            { position: 1, label: 'b' },
          ],
        },
      },
    });
  }
  await p.community.update({ where: { id: community.id }, data: { supportThresholdValue: 99_999 } });
  await p.communityCounter.create({ data: { communityId: community.id, lastIssueNumber: buildings, lastPollNumber: buildings } });
  return { communityId: community.id, chats, buildingIds: buildingRows.map((b) => b.id) };
}
