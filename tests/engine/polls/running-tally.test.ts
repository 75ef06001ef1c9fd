import fc from 'fast-check';
import { beforeAll, expect, it } from 'vitest';
import type { EngineCommand } from '../../../src/engine/commands.js';
import { ownersTurnout, recountOwnersTurnout } from '../../../src/engine/modules/polls/poll-queries.js';
import { importRegister } from '../../../src/engine/modules/setup/import-register.js';
import { describeEachDatabase, type TestDatabase } from '../../helpers/database.js';
import { type CommunitySetup, type Harness, type Person, useCommunity } from '../../helpers/engine.js';

// An owners' vote's running totals (kept by triggers as ballots and households change) against a full recount from
// the register and the ballots: after every step of random sequences of what can happen during a vote — single taps,
// bursts of taps decided in one batch, paper ballots, register corrections and additions, a ballot deleted — the two
// agree. At close the recount is checked against them; a disagreement is repaired and logged.

type Step =
  | { kind: 'tap'; voter: number; position: number }
  | { kind: 'burst'; taps: Array<{ voter: number; position: number }> }
  | { kind: 'paper'; unit: number; choice: 'yes' | 'no' | 'abstain' }
  | { kind: 'area'; unit: number; area: string }
  | { kind: 'newUnit'; building: '1栋' | '2栋'; area: string }
  | { kind: 'deleteBallot'; unit: number };

const area = fc
  .tuple(fc.integer({ min: 30, max: 400 }), fc.integer({ min: 0, max: 99 }))
  .map(([m, c]) => `${m}.${String(c).padStart(2, '0')}`);
const position = fc.integer({ min: 0, max: 2 });
const voter = fc.integer({ min: 0, max: 7 });
const unit = fc.integer({ min: 0, max: 8 });
const step: fc.Arbitrary<Step> = fc.oneof(
  fc.record({ kind: fc.constant('tap' as const), voter, position }),
  fc.record({ kind: fc.constant('burst' as const), taps: fc.array(fc.record({ voter, position }), { minLength: 1, maxLength: 8 }) }),
  fc.record({ kind: fc.constant('paper' as const), unit, choice: fc.constantFrom('yes' as const, 'no' as const, 'abstain' as const) }),
  fc.record({ kind: fc.constant('area' as const), unit, area }),
  fc.record({ kind: fc.constant('newUnit' as const), building: fc.constantFrom('1栋' as const, '2栋' as const), area }),
  fc.record({ kind: fc.constant('deleteBallot' as const), unit }),
);

describeEachDatabase('owners’ vote running tally', (kind) => {
  const setup = useCommunity(kind);
  let db: TestDatabase;
  let h: Harness;
  let c: CommunitySetup['c'];
  let voters: Person[];
  let newUnits = 0;
  beforeAll(() => {
    ({ db, h, c } = setup);
    const r = c.residents;
    voters = [r.r1, r.r1b, r.r2, r.r3, r.r4, r.r5, r.r6, r.s1];
  });

  async function openVote() {
    const opened = await h.say(c.staff.committee, c.chats.community, '/ownersvote major 更换电梯');
    expect(opened.status).toBe('done');
    return db.prisma.poll.findFirstOrThrow({ where: { communityId: c.community.id }, orderBy: { id: 'desc' } });
  }

  async function households() {
    return db.prisma.household.findMany({
      where: { building: { communityId: c.community.id } },
      include: { building: true },
      orderBy: { id: 'asc' },
    });
  }

  async function run(poll: { id: number; number: number }, s: Step): Promise<void> {
    const units = await households();
    switch (s.kind) {
      case 'tap':
        await h.tap(voters[s.voter]!, c.chats.community, `v:${poll.number}:${s.position}`);
        return;
      case 'burst': {
        const commands: EngineCommand[] = s.taps.map((tap, i) => ({
          eventId: `burst-${poll.id}-${Date.now()}-${i}-${Math.random()}`,
          actor: { platform: 'telegram', platformUserId: voters[tap.voter]!.id, displayName: voters[tap.voter]!.name },
          chat: c.chats.community,
          messageId: `m-burst-${i}`,
          tapId: `cb-burst-${i}`,
          action: { type: 'poll.vote', number: poll.number, position: tap.position },
        }));
        await h.engine.dispatchAll(commands);
        return;
      }
      case 'paper': {
        const household = units[s.unit % units.length]!;
        await h.say(
          c.staff.committee,
          c.chats.committee,
          `/paperballot ${poll.number} ${household.building.name}/${household.unit} ${s.choice}`,
        );
        return;
      }
      case 'area': {
        const household = units[s.unit % units.length]!;
        await h.engine.operate((tx, now) =>
          importRegister(
            tx,
            c.slug,
            [{ line: 2, building: household.building.name, unit: household.unit, area_m2: s.area, owner: household.ownerName }],
            now,
          ),
        );
        return;
      }
      case 'newUnit':
        newUnits += 1;
        await h.engine.operate((tx, now) =>
          importRegister(
            tx,
            c.slug,
            [{ line: 2, building: s.building, unit: `9${newUnits}`, area_m2: s.area, owner: `新业主${newUnits}` }],
            now,
          ),
        );
        return;
      case 'deleteBallot': {
        const household = units[s.unit % units.length]!;
        await db.prisma.ballot.deleteMany({ where: { pollId: poll.id, householdId: household.id } });
        return;
      }
    }
  }

  it('always equals a full recount, whatever happens during the vote', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(step, { minLength: 1, maxLength: 10 }), async (steps) => {
        const poll = await openVote();
        for (const s of steps) {
          await run(poll, s);
          expect(await ownersTurnout(db.prisma, poll)).toEqual(await recountOwnersTurnout(db.prisma, poll));
        }
        const closed = await h.say(c.staff.committee, c.chats.community, `/close ${poll.number}`);
        expect(closed.status).toBe('done');
        expect(await db.prisma.auditEntry.count({ where: { action: 'poll.tally_mismatch' } })).toBe(0);
      }),
      { numRuns: 12 },
    );
  });

  it('is recounted at close: a running total that disagrees is repaired, the recount decides, and the audit log says so', async () => {
    const poll = await openVote();
    for (const who of voters) await h.tap(who, c.chats.community, `v:${poll.number}:0`);
    const exact = await recountOwnersTurnout(db.prisma, poll);
    await db.prisma.$executeRaw`UPDATE "OwnersTally" SET "households" = "households" + 3 WHERE "pollId" = ${poll.id} AND "position" = 1`;
    await db.prisma.$executeRaw`UPDATE "Building" SET "registerArea" = "registerArea" + 1 WHERE "communityId" = ${c.community.id}`;
    expect(await ownersTurnout(db.prisma, poll)).not.toEqual(exact);

    const closed = await h.say(c.staff.committee, c.chats.community, `/close ${poll.number}`);
    expect(closed.status).toBe('done');
    const stored = await db.prisma.poll.findUniqueOrThrow({ where: { id: poll.id } });
    const recounted = (stored.result as { owners: { participating: { households: number } } }).owners.participating.households;
    expect(recounted).toBe(exact.reduce((sum, building) => sum + building.voted.households, 0));
    const alarm = await db.prisma.auditEntry.findFirstOrThrow({ where: { action: 'poll.tally_mismatch', subjectId: poll.id } });
    expect(alarm.data).toMatchObject({ running: expect.any(Array), recount: expect.any(Array) });
    expect(await ownersTurnout(db.prisma, poll)).toEqual(exact);
  });
});
