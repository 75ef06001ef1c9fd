import { test } from '@fast-check/vitest';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  type BuildingTurnout,
  centi,
  formatArea,
  type OrdinaryBallot,
  type OwnersChoice,
  type OwnersTally,
  ownersChoices,
  tallyOrdinary,
  tallyOwners,
  type Weight,
} from '../../../src/engine/modules/polls/tally.js';

// ---------------------------------------------------------------- helpers for hand-built buildings

/** [households, area in hundredths of a square metre] */
type Pair = [households: number, area: bigint];

const weight = (pair: Pair | undefined): Weight => ({ households: pair?.[0] ?? 0, area: pair?.[1] ?? 0n });

/** A building with its total and the households/area that voted each way; `voted` is the sum of the three choices. */
function building(buildingId: number, total: Pair, votes: Partial<Record<OwnersChoice, Pair>> = {}): BuildingTurnout {
  const byChoice: Record<OwnersChoice, Weight> = { yes: weight(votes.yes), no: weight(votes.no), abstain: weight(votes.abstain) };
  const voted: Weight = {
    households: byChoice.yes.households + byChoice.no.households + byChoice.abstain.households,
    area: byChoice.yes.area + byChoice.no.area + byChoice.abstain.area,
  };
  return { buildingId, name: `Building ${buildingId}`, total: weight(total), voted, byChoice };
}

type OwnersCase = {
  name: string;
  matterClass: 'ordinary' | 'major';
  buildings: BuildingTurnout[];
  quorum: OwnersTally['quorum'];
  approval: OwnersTally['approval'];
  verdict: OwnersTally['verdict'];
  gap: Weight;
};

function expectOwnersCase(c: OwnersCase): void {
  const tally = tallyOwners(c.matterClass, c.buildings);
  expect(tally.matterClass).toBe(c.matterClass);
  expect(tally.quorum).toEqual(c.quorum);
  expect(tally.approval).toEqual(c.approval);
  expect(tally.verdict).toBe(c.verdict);
  expect(tally.gap).toEqual(c.gap);
}

// ---------------------------------------------------------------- independent exact arithmetic for the oracles

/**
 * Sign of p/q − r/s for p, r >= 0 and q, s > 0, by comparing integer parts and then the reciprocals of the
 * remainders (the Euclidean / continued-fraction expansion). No cross-multiplication, no floats.
 */
function compareFractions(p: bigint, q: bigint, r: bigint, s: bigint): -1 | 0 | 1 {
  const a = p / q;
  const b = r / s;
  if (a !== b) return a < b ? -1 : 1;
  const pRest = p % q;
  const rRest = r % s;
  if (pRest === 0n && rRest === 0n) return 0;
  if (pRest === 0n) return -1;
  if (rRest === 0n) return 1;
  // pRest/q vs rRest/s has the same sign as s/rRest vs q/pRest.
  return compareFractions(s, rRest, q, pRest);
}

/** The smallest x in [0, total] with (have + x) / total >= 2/3, found by binary search over compareFractions. */
function stillNeededForTwoThirds(have: bigint, total: bigint): bigint {
  if (total === 0n) return 0n;
  const enough = (x: bigint) => compareFractions(have + x, total, 2n, 3n) >= 0;
  if (enough(0n)) return 0n;
  let low = 0n; // not enough
  let high = total; // enough: have + total >= total >= 2/3 of total
  while (high - low > 1n) {
    const middle = (low + high) / 2n;
    if (enough(middle)) high = middle;
    else low = middle;
  }
  return high;
}

// ---------------------------------------------------------------- tallyOwners: hand-worked boundaries

describe('tallyOwners', () => {
  describe('when the turnout is on or one unit beside the 2/3 quorum', () => {
    it.each<OwnersCase>([
      {
        // 9 households, 300.00 m². 6 households (240.00 m²) vote yes.
        // households: 3*6 = 18 >= 2*9 = 18 → met;  area: 3*24000 = 72000 >= 2*30000 = 60000 → met.
        // approval: 2*6 = 12 > 6, 2*24000 = 48000 > 24000 → passed.
        // gap: ceil(2*9/3) = 6 − 6 = 0;  ceil(2*30000/3) = 20000 − 24000 < 0 → 0.
        name: 'households exactly 2/3 (6 of 9): quorum met',
        matterClass: 'ordinary',
        buildings: [building(1, [9, 30000n], { yes: [6, 24000n] })],
        quorum: { area: true, households: true, met: true },
        approval: { area: true, households: true },
        verdict: 'passed',
        gap: { households: 0, area: 0n },
      },
      {
        // 5 of 9 households (240.00 of 300.00 m²), all yes.
        // households: 3*5 = 15 < 18 → not met;  area: 72000 >= 60000 → met.
        // gap: 6 − 5 = 1 household; area 0.
        name: 'households one below 2/3 (5 of 9) with area met: no quorum even though unanimous',
        matterClass: 'ordinary',
        buildings: [building(1, [9, 30000n], { yes: [5, 24000n] })],
        quorum: { area: true, households: false, met: false },
        approval: { area: true, households: true },
        verdict: 'no_quorum',
        gap: { households: 1, area: 0n },
      },
      {
        // 8 of 9 households holding 200.00 of 300.00 m², all yes.
        // area: 3*20000 = 60000 >= 60000 → met;  households: 24 >= 18 → met.  gap: 0 and 20000 − 20000 = 0.
        name: 'area exactly 2/3 (200.00 of 300.00 m²): quorum met',
        matterClass: 'ordinary',
        buildings: [building(1, [9, 30000n], { yes: [8, 20000n] })],
        quorum: { area: true, households: true, met: true },
        approval: { area: true, households: true },
        verdict: 'passed',
        gap: { households: 0, area: 0n },
      },
      {
        // 8 of 9 households holding 199.99 of 300.00 m², all yes.
        // area: 3*19999 = 59997 < 60000 → not met;  households: 24 >= 18 → met.  gap: 0 households, 20000 − 19999 = 1.
        name: 'area one hundredth below 2/3 (199.99 of 300.00 m²) with households met: no quorum even though unanimous',
        matterClass: 'ordinary',
        buildings: [building(1, [9, 30000n], { yes: [8, 19999n] })],
        quorum: { area: false, households: true, met: false },
        approval: { area: true, households: true },
        verdict: 'no_quorum',
        gap: { households: 0, area: 1n },
      },
      {
        // Both short: 5 of 9 households, 199.99 of 300.00 m². gap: 6 − 5 = 1, 20000 − 19999 = 1.
        name: 'both one unit below 2/3: no quorum, one household and 0.01 m² still needed',
        matterClass: 'major',
        buildings: [building(1, [9, 30000n], { yes: [5, 19999n] })],
        quorum: { area: false, households: false, met: false },
        approval: { area: true, households: true },
        verdict: 'no_quorum',
        gap: { households: 1, area: 1n },
      },
      {
        // 10 households: 2/3 of 10 = 6.67, so 7 are needed.  3*7 = 21 >= 20 → met.
        // area 250.00 of 300.00 m²: 75000 >= 60000.  gap: ceil(20/3) = 7 − 7 = 0.
        name: 'households 7 of 10 (first whole number over 2/3): quorum met',
        matterClass: 'ordinary',
        buildings: [building(1, [10, 30000n], { yes: [7, 25000n] })],
        quorum: { area: true, households: true, met: true },
        approval: { area: true, households: true },
        verdict: 'passed',
        gap: { households: 0, area: 0n },
      },
      {
        // 6 of 10: 3*6 = 18 < 20 → not met.  gap: 7 − 6 = 1.
        name: 'households 6 of 10 (one below): no quorum',
        matterClass: 'ordinary',
        buildings: [building(1, [10, 30000n], { yes: [6, 25000n] })],
        quorum: { area: true, households: false, met: false },
        approval: { area: true, households: true },
        verdict: 'no_quorum',
        gap: { households: 1, area: 0n },
      },
      {
        // Total 100.00 m²: 2/3 = 66.666…, so 66.67 m² (6667) is needed.  3*6667 = 20001 >= 20000 → met.
        name: 'area 66.67 of 100.00 m² (first hundredth over 2/3): quorum met',
        matterClass: 'ordinary',
        buildings: [building(1, [9, 10000n], { yes: [8, 6667n] })],
        quorum: { area: true, households: true, met: true },
        approval: { area: true, households: true },
        verdict: 'passed',
        gap: { households: 0, area: 0n },
      },
      {
        // 66.66 of 100.00 m²: 3*6666 = 19998 < 20000 → not met.  gap: ceil(20000/3) = 6667 − 6666 = 1.
        name: 'area 66.66 of 100.00 m² (one hundredth below): no quorum',
        matterClass: 'ordinary',
        buildings: [building(1, [9, 10000n], { yes: [8, 6666n] })],
        quorum: { area: false, households: true, met: false },
        approval: { area: true, households: true },
        verdict: 'no_quorum',
        gap: { households: 0, area: 1n },
      },
    ])('$name', expectOwnersCase);
  });

  // Participation in all of these: 8 of 9 households, 240.00 of 300.00 m² → quorum met (24 >= 18, 72000 >= 60000).
  describe('when an ordinary matter needs more than 1/2 of the participants', () => {
    it.each<OwnersCase>([
      {
        // yes 4 households (180.00 m²), no 2 (30.00), abstain 2 (30.00): participating 8 / 24000.
        // households: 2*4 = 8 > 8? no → fails;  area: 2*18000 = 36000 > 24000 → passes.  → rejected.
        // Also shows that abstentions count as participating: yes (4) beats no (2) and still loses.
        name: 'yes households exactly half (4 of 8, abstentions counted): rejected although area passes',
        matterClass: 'ordinary',
        buildings: [building(1, [9, 30000n], { yes: [4, 18000n], no: [2, 3000n], abstain: [2, 3000n] })],
        quorum: { area: true, households: true, met: true },
        approval: { area: true, households: false },
        verdict: 'rejected',
        gap: { households: 0, area: 0n },
      },
      {
        // yes 5 (180.00 m²), no 2 (30.00), abstain 1 (30.00): households 2*5 = 10 > 8; area 36000 > 24000 → passed.
        name: 'yes households half plus one (5 of 8): passed',
        matterClass: 'ordinary',
        buildings: [building(1, [9, 30000n], { yes: [5, 18000n], no: [2, 3000n], abstain: [1, 3000n] })],
        quorum: { area: true, households: true, met: true },
        approval: { area: true, households: true },
        verdict: 'passed',
        gap: { households: 0, area: 0n },
      },
      {
        // yes 6 households (120.00 m²), no 1 (60.00), abstain 1 (60.00): participating 8 / 24000.
        // households: 12 > 8 → passes;  area: 2*12000 = 24000 > 24000? no → fails.  → rejected.
        name: 'yes area exactly half (120.00 of 240.00 m²): rejected although households pass',
        matterClass: 'ordinary',
        buildings: [building(1, [9, 30000n], { yes: [6, 12000n], no: [1, 6000n], abstain: [1, 6000n] })],
        quorum: { area: true, households: true, met: true },
        approval: { area: false, households: true },
        verdict: 'rejected',
        gap: { households: 0, area: 0n },
      },
      {
        // yes 120.01 m², no 59.99, abstain 60.00 (total still 24000): area 2*12001 = 24002 > 24000 → passes.
        name: 'yes area half plus 0.01 m² (120.01 of 240.00 m²): passed',
        matterClass: 'ordinary',
        buildings: [building(1, [9, 30000n], { yes: [6, 12001n], no: [1, 5999n], abstain: [1, 6000n] })],
        quorum: { area: true, households: true, met: true },
        approval: { area: true, households: true },
        verdict: 'passed',
        gap: { households: 0, area: 0n },
      },
      {
        // The ballots of the major case "5 of 8" below: 2*5 = 10 > 8, 2*20000 = 40000 > 24000 → passed as ordinary.
        name: '5 of 8 households and 200.00 of 240.00 m² yes: passed as an ordinary matter',
        matterClass: 'ordinary',
        buildings: [building(1, [9, 30000n], { yes: [5, 20000n], no: [2, 2000n], abstain: [1, 2000n] })],
        quorum: { area: true, households: true, met: true },
        approval: { area: true, households: true },
        verdict: 'passed',
        gap: { households: 0, area: 0n },
      },
    ])('$name', expectOwnersCase);
  });

  // Participation again 8 of 9 households, 240.00 of 300.00 m² → quorum met.
  describe('when a major matter needs at least 3/4 of the participants', () => {
    it.each<OwnersCase>([
      {
        // yes 6 (200.00 m²), no 1 (20.00), abstain 1 (20.00).
        // households: 4*6 = 24 >= 3*8 = 24 → passes;  area: 4*20000 = 80000 >= 3*24000 = 72000 → passes.
        name: 'yes households exactly 3/4 (6 of 8): passed',
        matterClass: 'major',
        buildings: [building(1, [9, 30000n], { yes: [6, 20000n], no: [1, 2000n], abstain: [1, 2000n] })],
        quorum: { area: true, households: true, met: true },
        approval: { area: true, households: true },
        verdict: 'passed',
        gap: { households: 0, area: 0n },
      },
      {
        // yes 5 (200.00 m²), no 2 (20.00), abstain 1 (20.00).
        // households: 4*5 = 20 >= 24? no → fails;  area: 80000 >= 72000 → passes.  → rejected.
        name: 'yes households one below 3/4 (5 of 8): rejected although area passes',
        matterClass: 'major',
        buildings: [building(1, [9, 30000n], { yes: [5, 20000n], no: [2, 2000n], abstain: [1, 2000n] })],
        quorum: { area: true, households: true, met: true },
        approval: { area: true, households: false },
        verdict: 'rejected',
        gap: { households: 0, area: 0n },
      },
      {
        // yes 7 (180.00 m²), no 1 (60.00).
        // households: 28 >= 24 → passes;  area: 4*18000 = 72000 >= 72000 → passes.
        name: 'yes area exactly 3/4 (180.00 of 240.00 m²): passed',
        matterClass: 'major',
        buildings: [building(1, [9, 30000n], { yes: [7, 18000n], no: [1, 6000n] })],
        quorum: { area: true, households: true, met: true },
        approval: { area: true, households: true },
        verdict: 'passed',
        gap: { households: 0, area: 0n },
      },
      {
        // yes 7 (179.99 m²), no 1 (60.01).  area: 4*17999 = 71996 >= 72000? no → fails;  households 28 >= 24 → passes.
        name: 'yes area 0.01 m² below 3/4 (179.99 of 240.00 m²): rejected although households pass',
        matterClass: 'major',
        buildings: [building(1, [9, 30000n], { yes: [7, 17999n], no: [1, 6001n] })],
        quorum: { area: true, households: true, met: true },
        approval: { area: false, households: true },
        verdict: 'rejected',
        gap: { households: 0, area: 0n },
      },
    ])('$name', expectOwnersCase);
  });

  describe('when the owners are spread over several buildings', () => {
    // Building 1: 5 households, 150.00 m²; yes 1 (30.00), no 1 (30.00) → voted 2 / 6000, not voted 3 / 9000.
    // Building 2: 4 households, 150.00 m²; abstain 2 (70.00)          → voted 2 / 7000, not voted 2 / 8000.
    // Total 9 / 30000; participating 4 / 13000.
    // households: 3*4 = 12 < 18; area: 3*13000 = 39000 < 60000 → no quorum.
    // gap: ceil(2*9/3) = 6 − 4 = 2 households; ceil(2*30000/3) = 20000 − 13000 = 7000 (70.00 m²).
    const short = [building(1, [5, 15000n], { yes: [1, 3000n], no: [1, 3000n] }), building(2, [4, 15000n], { abstain: [2, 7000n] })];

    it('sums totals, participation and choices over the buildings', () => {
      const tally = tallyOwners('ordinary', short);
      expect(tally.total).toEqual({ households: 9, area: 30000n });
      expect(tally.participating).toEqual({ households: 4, area: 13000n });
      expect(tally.byChoice).toEqual({
        yes: { households: 1, area: 3000n },
        no: { households: 1, area: 3000n },
        abstain: { households: 2, area: 7000n },
      });
    });

    it('reports what is still needed for the quorum: 2 households and 70.00 m²', () => {
      const tally = tallyOwners('ordinary', short);
      expect(tally.quorum).toEqual({ area: false, households: false, met: false });
      expect(tally.verdict).toBe('no_quorum');
      expect(tally.gap).toEqual({ households: 2, area: 7000n });
      expect(formatArea(tally.gap.area)).toBe('70.00');
    });

    it('reports per building who has not voted yet', () => {
      const tally = tallyOwners('ordinary', short);
      expect(tally.buildings.map((b) => ({ id: b.buildingId, notVoted: b.notVoted }))).toEqual([
        { id: 1, notVoted: { households: 3, area: 9000n } },
        { id: 2, notVoted: { households: 2, area: 8000n } },
      ]);
      expect(tally.buildings[0]!.name).toBe('Building 1');
      expect(tally.buildings[1]!.voted).toEqual({ households: 2, area: 7000n });
    });

    it('reports a zero gap once the quorum is exactly reached, and still lists who has not voted', () => {
      // Building 1: 5 / 15000, yes 4 / 12000 → not voted 1 / 3000.  Building 2: 4 / 15000, yes 2 / 8000 → not voted 2 / 7000.
      // participating 6 / 20000: 3*6 = 18 >= 18, 3*20000 = 60000 >= 60000 → met; gap 6 − 6 = 0, 20000 − 20000 = 0.
      const tally = tallyOwners('major', [building(1, [5, 15000n], { yes: [4, 12000n] }), building(2, [4, 15000n], { yes: [2, 8000n] })]);
      expect(tally.quorum.met).toBe(true);
      expect(tally.gap).toEqual({ households: 0, area: 0n });
      expect(tally.verdict).toBe('passed');
      expect(tally.buildings.map((b) => b.notVoted)).toEqual([
        { households: 1, area: 3000n },
        { households: 2, area: 7000n },
      ]);
    });
  });
});

// ---------------------------------------------------------------- tallyOrdinary

describe('tallyOrdinary', () => {
  describe('when single and multiple choices are cast', () => {
    it('counts each option once per ballot that names it', () => {
      // 3 options; ballots: [0], [1], [0], [2], [0, 2] → option 0: 3, option 1: 1, option 2: 2; 5 voters of 10 eligible.
      const tally = tallyOrdinary(
        3,
        [{ choices: [0] }, { choices: [1] }, { choices: [0] }, { choices: [2] }, { choices: [0, 2] }],
        10,
        null,
      );
      expect(tally.counts).toEqual([
        { position: 0, votes: 3, share: { numerator: 3, denominator: 5 } },
        { position: 1, votes: 1, share: { numerator: 1, denominator: 5 } },
        { position: 2, votes: 2, share: { numerator: 2, denominator: 5 } },
      ]);
      expect(tally.voters).toBe(5);
      expect(tally.eligible).toBe(10);
      expect(tally.turnout).toEqual({ numerator: 5, denominator: 10 });
    });

    it('counts a position repeated within one ballot only once', () => {
      // [1, 1, 1] and [0, 1, 0] → option 0: 1, option 1: 2 (not 4).
      const tally = tallyOrdinary(2, [{ choices: [1, 1, 1] }, { choices: [0, 1, 0] }], 4, null);
      expect(tally.counts.map((c) => c.votes)).toEqual([1, 2]);
      expect(tally.voters).toBe(2);
    });

    it('ignores positions outside the options', () => {
      // 3 options (0..2); -1, 3 and 5 are ignored → option 0: 2, option 1: 0, option 2: 1.
      const tally = tallyOrdinary(3, [{ choices: [0, -1] }, { choices: [3, 2] }, { choices: [0, 5] }], 3, null);
      expect(tally.counts.map((c) => c.votes)).toEqual([2, 0, 1]);
    });

    it('gives the turnout as voters over eligible members', () => {
      // 3 ballots, 7 eligible → 3/7.
      const tally = tallyOrdinary(2, [{ choices: [0] }, { choices: [1] }, { choices: [1] }], 7, null);
      expect(tally.turnout).toEqual({ numerator: 3, denominator: 7 });
    });
  });

  describe('when a quorum is set in whole percent', () => {
    const ballots = (n: number): OrdinaryBallot[] => Array.from({ length: n }, () => ({ choices: [0] }));

    it('gives null when the poll set no quorum', () => {
      expect(tallyOrdinary(2, ballots(3), 10, null).quorumMet).toBeNull();
    });

    it.each([
      // 25% of 20 = 5 voters: 5*100 = 500 >= 25*20 = 500 → met;  4*100 = 400 < 500 → not met.
      { eligible: 20, quorum: 25, voters: 5, met: true },
      { eligible: 20, quorum: 25, voters: 4, met: false },
      // 50% of 7 = 3.5 → 4 voters: 400 >= 350 → met;  3: 300 < 350 → not met.
      { eligible: 7, quorum: 50, voters: 4, met: true },
      { eligible: 7, quorum: 50, voters: 3, met: false },
      // 100% of 3: 300 >= 300 → met;  2: 200 < 300 → not met.
      { eligible: 3, quorum: 100, voters: 3, met: true },
      { eligible: 3, quorum: 100, voters: 2, met: false },
      // 0%: met even with nobody.
      { eligible: 5, quorum: 0, voters: 0, met: true },
    ])('$voters of $eligible with a $quorum% quorum → met: $met', ({ eligible, quorum, voters, met }) => {
      expect(tallyOrdinary(2, ballots(voters), eligible, quorum).quorumMet).toBe(met);
    });
  });
});

// ---------------------------------------------------------------- centi / formatArea

describe('centi', () => {
  describe('when given a Decimal(10,2) as text', () => {
    it.each([
      ['89.5', 8950n],
      ['120.25', 12025n],
      ['75', 7500n],
      ['0.01', 1n],
      ['0', 0n],
      ['12345678.90', 1234567890n],
    ])('%s → %s', (text, hundredths) => {
      expect(centi(text)).toBe(hundredths);
    });
  });
});

describe('formatArea', () => {
  describe('when given hundredths of a square metre', () => {
    it.each([
      [8950n, '89.50'],
      [12025n, '120.25'],
      [7500n, '75.00'],
      [1n, '0.01'],
      [0n, '0.00'],
      [1234567890n, '12345678.90'],
    ])('%s → %s', (hundredths, text) => {
      expect(formatArea(hundredths)).toBe(text);
    });

    test.prop([fc.bigInt({ min: 0n, max: 9_999_999_999n })], { numRuns: 500 })('is undone by centi', (hundredths) => {
      expect(centi(formatArea(hundredths))).toBe(hundredths);
    });
  });
});

// ---------------------------------------------------------------- property tests against brute-force recounts

type Household = { area: bigint; ballot: OwnersChoice | null };

// A third of the runs give every flat 100.00 m² and a third give 100.00, 200.00 or 300.00 m², so that exact 1/2, 2/3
// and 3/4 splits of the area occur often; the rest give every flat any area from 0.01 to 500.00 m². Each run also
// picks how likely a yes is (from 1 in 4 to 8 in 11), so that 3/4 majorities are common too.
const areaArbs = [fc.constant(10_000), fc.constantFrom(10_000, 20_000, 30_000), fc.integer({ min: 1, max: 50_000 })];
const buildingsArb = fc
  .tuple(fc.constantFrom(...areaArbs), fc.integer({ min: 1, max: 8 }))
  .chain(([areaArb, yesWeight]) => {
    const household: fc.Arbitrary<Household> = fc.record({
      area: areaArb.map((n) => BigInt(n)),
      ballot: fc.oneof(
        { arbitrary: fc.constant<OwnersChoice | null>('yes'), weight: yesWeight },
        { arbitrary: fc.constantFrom<OwnersChoice | null>(null, 'no', 'abstain'), weight: 3 },
      ),
    });
    return fc.array(fc.array(household, { maxLength: 12 }), { minLength: 1, maxLength: 5 });
  })
  .filter((buildings) => buildings.some((households) => households.length > 0));

function sumHouseholds(households: Household[], keep: (h: Household) => boolean): Weight {
  let result: Weight = { households: 0, area: 0n };
  for (const h of households) if (keep(h)) result = { households: result.households + 1, area: result.area + h.area };
  return result;
}

function toTurnout(households: Household[], index: number): BuildingTurnout {
  return {
    buildingId: index + 1,
    name: `B${index + 1}`,
    total: sumHouseholds(households, () => true),
    voted: sumHouseholds(households, (h) => h.ballot !== null),
    byChoice: {
      yes: sumHouseholds(households, (h) => h.ballot === 'yes'),
      no: sumHouseholds(households, (h) => h.ballot === 'no'),
      abstain: sumHouseholds(households, (h) => h.ballot === 'abstain'),
    },
  };
}

describe('tallyOwners (property)', () => {
  describe('when random buildings vote household by household', () => {
    test.prop([fc.constantFrom<'ordinary' | 'major'>('ordinary', 'major'), buildingsArb], { numRuns: 1000 })(
      'agrees with a brute-force recount of every household',
      (matterClass, buildings) => {
        const all = buildings.flat();
        const count = (keep: (h: Household) => boolean) => all.filter(keep).length;
        const area = (keep: (h: Household) => boolean) => all.filter(keep).reduce((s, h) => s + h.area, 0n);
        const took = (h: Household) => h.ballot !== null;

        const total = { households: all.length, area: area(() => true) };
        const participating = { households: count(took), area: area(took) };
        const yes = { households: count((h) => h.ballot === 'yes'), area: area((h) => h.ballot === 'yes') };

        const quorumHouseholds = compareFractions(BigInt(participating.households), BigInt(total.households), 2n, 3n) >= 0;
        const quorumArea = compareFractions(participating.area, total.area, 2n, 3n) >= 0;
        const [num, den] = matterClass === 'major' ? [3n, 4n] : [1n, 2n];
        const approves = (part: bigint, whole: bigint) => {
          if (whole === 0n) return false;
          const c = compareFractions(part, whole, num, den);
          return matterClass === 'major' ? c >= 0 : c > 0;
        };
        const approval = {
          area: approves(yes.area, participating.area),
          households: approves(BigInt(yes.households), BigInt(participating.households)),
        };
        const met = quorumArea && quorumHouseholds;

        const tally = tallyOwners(matterClass, buildings.map(toTurnout));

        expect(tally.total).toEqual(total);
        expect(tally.participating).toEqual(participating);
        for (const choice of ownersChoices) {
          expect(tally.byChoice[choice]).toEqual({ households: count((h) => h.ballot === choice), area: area((h) => h.ballot === choice) });
        }
        expect(tally.quorum).toEqual({ area: quorumArea, households: quorumHouseholds, met });
        expect(tally.approval).toEqual(approval);
        expect(tally.verdict).toBe(!met ? 'no_quorum' : approval.area && approval.households ? 'passed' : 'rejected');
        expect(tally.gap).toEqual({
          households: Number(stillNeededForTwoThirds(BigInt(participating.households), BigInt(total.households))),
          area: stillNeededForTwoThirds(participating.area, total.area),
        });
        expect(tally.buildings.map((b) => b.notVoted)).toEqual(
          buildings.map((households) => sumHouseholds(households, (h) => h.ballot === null)),
        );
      },
    );
  });
});

describe('tallyOrdinary (property)', () => {
  describe('when random ballots are cast', () => {
    const pollArb = fc
      .integer({ min: 1, max: 8 })
      .chain((optionCount) =>
        fc.record({
          optionCount: fc.constant(optionCount),
          ballots: fc.array(fc.record({ choices: fc.array(fc.integer({ min: -2, max: optionCount + 2 }), { maxLength: 6 }) }), {
            maxLength: 40,
          }),
          absent: fc.integer({ min: 0, max: 40 }),
          quorumPercent: fc.option(fc.integer({ min: 0, max: 100 }), { nil: null }),
        }),
      )
      .filter((poll) => poll.ballots.length + poll.absent > 0);

    test.prop([pollArb], { numRuns: 1000 })('agrees with a brute-force recount', ({ optionCount, ballots, absent, quorumPercent }) => {
      const eligible = ballots.length + absent;
      const tally = tallyOrdinary(optionCount, ballots, eligible, quorumPercent);

      const expectedCounts = [];
      for (let position = 0; position < optionCount; position++) {
        const votes = ballots.filter((b) => b.choices.includes(position)).length;
        expectedCounts.push({ position, votes, share: { numerator: votes, denominator: ballots.length } });
      }
      expect(tally.counts).toEqual(expectedCounts);
      expect(tally.voters).toBe(ballots.length);
      expect(tally.eligible).toBe(eligible);
      expect(tally.turnout).toEqual({ numerator: ballots.length, denominator: eligible });
      expect(tally.quorumMet).toBe(
        quorumPercent === null ? null : compareFractions(BigInt(ballots.length), BigInt(eligible), BigInt(quorumPercent), 100n) >= 0,
      );
    });
  });
});
