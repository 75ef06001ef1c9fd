import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedCommunity, unique } from '../helpers/builders.js';
import { describeEachDatabase, openTestDatabase, type TestDatabase } from '../helpers/database.js';

const duplicate = { code: 'P2002' };

describeEachDatabase('database-enforced rules', (kind) => {
  let db: TestDatabase;
  let seed: Awaited<ReturnType<typeof seedCommunity>>;
  beforeAll(async () => {
    db = await openTestDatabase(kind);
    seed = await seedCommunity(db.prisma);
  });
  afterAll(() => db?.close());

  describe('ballots', () => {
    it('refuses a second ballot from the same household in a poll, whatever its voter key', async () => {
      const { poll, householdA, alice, bob } = seed;
      await db.prisma.ballot.create({
        data: { pollId: poll.id, voterKey: `household:${householdA.id}`, householdId: householdA.id, castById: alice.id },
      });
      await expect(
        db.prisma.ballot.create({
          data: { pollId: poll.id, voterKey: `household:${householdA.id}`, householdId: householdA.id, castById: bob.id },
        }),
      ).rejects.toMatchObject(duplicate);
      await expect(
        db.prisma.ballot.create({ data: { pollId: poll.id, voterKey: 'something-else', householdId: householdA.id } }),
      ).rejects.toMatchObject(duplicate);
    });

    it('refuses a second ballot under the same voter key (one member, one vote in ordinary polls)', async () => {
      const { poll, bob } = seed;
      await db.prisma.ballot.create({ data: { pollId: poll.id, voterKey: `member:${bob.id}`, memberId: bob.id } });
      await expect(
        db.prisma.ballot.create({ data: { pollId: poll.id, voterKey: `member:${bob.id}`, memberId: bob.id } }),
      ).rejects.toMatchObject(duplicate);
    });

    it('lets exactly one of many concurrent first ballots from a household through', async () => {
      const { poll, householdB } = seed;
      const attempts = await Promise.allSettled(
        Array.from({ length: 12 }, () =>
          db.prisma.ballot.create({ data: { pollId: poll.id, voterKey: `household:${householdB.id}`, householdId: householdB.id } }),
        ),
      );
      expect(attempts.filter((attempt) => attempt.status === 'fulfilled')).toHaveLength(1);
      for (const attempt of attempts.filter((a) => a.status === 'rejected')) expect(attempt.reason).toMatchObject(duplicate);
      expect(await db.prisma.ballot.count({ where: { pollId: poll.id, householdId: householdB.id } })).toBe(1);
    });
  });

  describe('supports', () => {
    it('refuses a second support from the same member for the same issue', async () => {
      const { issue, bob, householdB } = seed;
      await db.prisma.support.create({ data: { issueId: issue.id, memberId: bob.id, householdId: householdB.id } });
      await expect(db.prisma.support.create({ data: { issueId: issue.id, memberId: bob.id } })).rejects.toMatchObject(duplicate);
      expect(await db.prisma.support.count({ where: { issueId: issue.id } })).toBe(1);
    });
  });

  describe('inbox', () => {
    it('keeps one row per platform event, and the same id on another platform is another event', async () => {
      const eventId = unique('update');
      await db.prisma.inboxEvent.create({ data: { platform: 'telegram', eventId, payload: '{"n":1}' } });
      await expect(db.prisma.inboxEvent.create({ data: { platform: 'telegram', eventId, payload: '{"n":2}' } })).rejects.toMatchObject(
        duplicate,
      );
      await db.prisma.inboxEvent.create({ data: { platform: 'slack', eventId, payload: '{"n":3}' } });
      expect(
        await db.prisma.inboxEvent.findMany({ where: { eventId }, select: { platform: true, payload: true }, orderBy: { id: 'asc' } }),
      ).toEqual([
        { platform: 'telegram', payload: '{"n":1}' },
        { platform: 'slack', payload: '{"n":3}' },
      ]);
    });

    it('records a redelivered event once when both deliveries race (insert ... on conflict do nothing)', async () => {
      const eventId = unique('update');
      const inserted = await Promise.all(
        Array.from({ length: 8 }, () =>
          db.prisma.inboxEvent.createMany({ data: [{ platform: 'telegram', eventId, payload: '{}' }], skipDuplicates: true }),
        ),
      );
      expect(inserted.reduce((sum, result) => sum + result.count, 0)).toBe(1);
    });
  });

  describe('identities and numbering', () => {
    it('keeps one member per platform identity', async () => {
      const { alice } = seed;
      await expect(
        db.prisma.member.create({ data: { platform: alice.platform, platformUserId: alice.platformUserId, displayName: 'again' } }),
      ).rejects.toMatchObject(duplicate);
    });

    it('numbers issues and polls once per community', async () => {
      const { community } = seed;
      await expect(db.prisma.issue.create({ data: { communityId: community.id, number: 1, text: 'again' } })).rejects.toMatchObject(
        duplicate,
      );
      await expect(
        db.prisma.poll.create({ data: { communityId: community.id, number: 1, kind: 'ordinary', question: 'q', closesAt: new Date() } }),
      ).rejects.toMatchObject(duplicate);
    });

    it('keeps one household per unit of a building', async () => {
      const { building } = seed;
      await expect(
        db.prisma.household.create({ data: { buildingId: building.id, unit: '1-101', areaM2: '1', ownerName: 'x' } }),
      ).rejects.toMatchObject(duplicate);
    });

    it('stores a one-time code hash once', async () => {
      const { community } = seed;
      const data = {
        purpose: 'chat_link' as const,
        codeHash: unique('hash'),
        communityId: community.id,
        binding: 'community' as const,
        expiresAt: new Date(),
      };
      await db.prisma.oneTimeCode.create({ data });
      await expect(db.prisma.oneTimeCode.create({ data })).rejects.toMatchObject(duplicate);
    });

    it('schedules a reminder key once and sends a digest once per chat and period', async () => {
      const key = unique('poll.close');
      await db.prisma.scheduledReminder.create({ data: { key, kind: 'poll.close', dueAt: new Date() } });
      await expect(db.prisma.scheduledReminder.create({ data: { key, kind: 'poll.close', dueAt: new Date() } })).rejects.toMatchObject(
        duplicate,
      );
      await db.prisma.sentDigest.create({ data: { chatId: seed.chat.id, kind: 'daily', period: '2026-11-29' } });
      await expect(
        db.prisma.sentDigest.create({ data: { chatId: seed.chat.id, kind: 'daily', period: '2026-11-29' } }),
      ).rejects.toMatchObject(duplicate);
    });

    it('keeps one rating per member per round of an issue', async () => {
      const { issue, alice } = seed;
      await db.prisma.rating.create({ data: { issueId: issue.id, round: 1, memberId: alice.id, score: 4 } });
      await expect(db.prisma.rating.create({ data: { issueId: issue.id, round: 1, memberId: alice.id, score: 2 } })).rejects.toMatchObject(
        duplicate,
      );
      await db.prisma.rating.create({ data: { issueId: issue.id, round: 2, memberId: alice.id, score: 2 } });
    });
  });

  describe('roles', () => {
    it('refuses the same community-wide role twice, though its building and party columns are empty', async () => {
      const { community, bob } = seed;
      const data = { memberId: bob.id, kind: 'committee' as const, communityId: community.id, scopeKey: 'community' };
      await db.prisma.role.create({ data });
      await expect(db.prisma.role.create({ data })).rejects.toMatchObject(duplicate);
    });

    it('refuses a scope key that does not match the scope columns', async () => {
      const { community, building, alice } = seed;
      await expect(
        db.prisma.role.create({
          data: { memberId: alice.id, kind: 'building_head', communityId: community.id, buildingId: building.id, scopeKey: 'community' },
        }),
      ).rejects.toThrow(/Role_scopeKey_check/);
      await db.prisma.role.create({
        data: {
          memberId: alice.id,
          kind: 'building_head',
          communityId: community.id,
          buildingId: building.id,
          scopeKey: `building:${building.id}`,
        },
      });
    });
  });

  describe('checks', () => {
    it('refuses a rating outside 1-5 and a household without area', async () => {
      const { issue, bob, building } = seed;
      await expect(db.prisma.rating.create({ data: { issueId: issue.id, round: 1, memberId: bob.id, score: 6 } })).rejects.toThrow(
        /Rating_score_check/,
      );
      await expect(
        db.prisma.household.create({ data: { buildingId: building.id, unit: '9-999', areaM2: '0', ownerName: 'x' } }),
      ).rejects.toThrow(/Household_areaM2_check/);
    });

    it('keeps floor areas exact to the hundredth of a square metre', async () => {
      const { building } = seed;
      const created = await db.prisma.household.create({
        data: { buildingId: building.id, unit: '2-201', areaM2: '0.10', ownerName: 'x' },
      });
      const again = await db.prisma.household.findUniqueOrThrow({ where: { id: created.id } });
      expect(again.areaM2.toFixed(2)).toBe('0.10');
      expect(again.areaM2.plus('0.20').toFixed(2)).toBe('0.30');
    });
  });

  describe('audit log', () => {
    it('accepts new entries but refuses to change or delete any', async () => {
      const entry = await db.prisma.auditEntry.create({
        data: { communityId: seed.community.id, actorLabel: 'cli', action: 'community.created' },
      });
      await expect(db.prisma.auditEntry.update({ where: { id: entry.id }, data: { action: 'forged' } })).rejects.toThrow(/append-only/);
      await expect(db.prisma.auditEntry.delete({ where: { id: entry.id } })).rejects.toThrow(/append-only/);
      expect(await db.prisma.auditEntry.findUniqueOrThrow({ where: { id: entry.id } })).toMatchObject({ action: 'community.created' });
    });
  });
});
