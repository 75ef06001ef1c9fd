// Pure vote arithmetic. Areas are integers of 0.01 m² (bigint), shares are compared by cross-multiplication:
// nothing here is ever a float, so a vote exactly on 2/3, 1/2 or 3/4 is decided exactly.

export type Fraction = { numerator: number; denominator: number };

// ---------------------------------------------------------------- ordinary polls: one person, one vote

export type OrdinaryBallot = { choices: number[] };
export type OrdinaryTally = {
  counts: Array<{ position: number; votes: number; share: Fraction }>;
  voters: number;
  eligible: number;
  turnout: Fraction;
  /** null when the poll set no quorum. */
  quorumMet: boolean | null;
};

/**
 * Counts per option (a multi-choice ballot counts once for each option it names), voters, turnout among the
 * eligible members, and whether the poll's quorum (whole percent of the eligible) was met.
 */
export function tallyOrdinary(
  optionCount: number,
  ballots: OrdinaryBallot[],
  eligible: number,
  quorumPercent: number | null,
): OrdinaryTally {
  const votes = Array.from({ length: optionCount }, () => 0);
  for (const ballot of ballots)
    for (const position of new Set(ballot.choices)) if (position >= 0 && position < optionCount) votes[position]! += 1;
  return tallyOrdinaryCounts(votes, ballots.length, eligible, quorumPercent);
}

/** The same tally from counts already made (votes per option position, voters), as the database gives them. */
export function tallyOrdinaryCounts(votes: number[], voters: number, eligible: number, quorumPercent: number | null): OrdinaryTally {
  return {
    counts: votes.map((count, position) => ({ position, votes: count, share: { numerator: count, denominator: voters } })),
    voters,
    eligible,
    turnout: { numerator: voters, denominator: eligible },
    quorumMet: quorumPercent === null ? null : voters * 100 >= quorumPercent * eligible,
  };
}

// ---------------------------------------------------------------- owners' votes: Civil Code art. 278

export type OwnersChoice = 'yes' | 'no' | 'abstain';
export const ownersChoices: OwnersChoice[] = ['yes', 'no', 'abstain'];

/** Households and area of one group (a building, a choice, the whole scope). */
export type Weight = { households: number; area: bigint };

export type BuildingTurnout = {
  buildingId: number;
  name: string;
  total: Weight;
  voted: Weight;
  byChoice: Record<OwnersChoice, Weight>;
};

export type OwnersTally = {
  matterClass: 'ordinary' | 'major';
  total: Weight;
  participating: Weight;
  byChoice: Record<OwnersChoice, Weight>;
  /** Civil Code: at least 2/3 of the area and at least 2/3 of the households take part. */
  quorum: { area: boolean; households: boolean; met: boolean };
  /** What is still needed to reach the quorum (zero once reached). */
  gap: Weight;
  /** Ordinary: more than 1/2 of the participating area and households; major: at least 3/4 of both. */
  approval: { area: boolean; households: boolean };
  verdict: 'passed' | 'rejected' | 'no_quorum';
  buildings: Array<BuildingTurnout & { notVoted: Weight }>;
};

const zero = (): Weight => ({ households: 0, area: 0n });
const add = (a: Weight, b: Weight): Weight => ({ households: a.households + b.households, area: a.area + b.area });

/** The smallest integer x with x / total >= 2/3, i.e. ceil(2 * total / 3). */
function twoThirdsOf(total: bigint): bigint {
  return (2n * total + 2n) / 3n;
}

export function tallyOwners(matterClass: 'ordinary' | 'major', buildings: BuildingTurnout[]): OwnersTally {
  let total = zero();
  let participating = zero();
  const byChoice: Record<OwnersChoice, Weight> = { yes: zero(), no: zero(), abstain: zero() };
  for (const building of buildings) {
    total = add(total, building.total);
    participating = add(participating, building.voted);
    for (const choice of ownersChoices) byChoice[choice] = add(byChoice[choice], building.byChoice[choice]);
  }
  const quorumArea = 3n * participating.area >= 2n * total.area && total.area > 0n;
  const quorumHouseholds = 3 * participating.households >= 2 * total.households && total.households > 0;
  const yes = byChoice.yes;
  const approval =
    matterClass === 'major'
      ? {
          area: 4n * yes.area >= 3n * participating.area && participating.area > 0n,
          households: 4 * yes.households >= 3 * participating.households && participating.households > 0,
        }
      : { area: 2n * yes.area > participating.area, households: 2 * yes.households > participating.households };
  const met = quorumArea && quorumHouseholds;
  const neededHouseholds = Number(twoThirdsOf(BigInt(total.households))) - participating.households;
  const neededArea = twoThirdsOf(total.area) - participating.area;
  return {
    matterClass,
    total,
    participating,
    byChoice,
    quorum: { area: quorumArea, households: quorumHouseholds, met },
    gap: { households: Math.max(0, neededHouseholds), area: neededArea > 0n ? neededArea : 0n },
    approval,
    verdict: !met ? 'no_quorum' : approval.area && approval.households ? 'passed' : 'rejected',
    buildings: buildings.map((b) => ({
      ...b,
      notVoted: { households: b.total.households - b.voted.households, area: b.total.area - b.voted.area },
    })),
  };
}

/** "123.45" (a Decimal(10,2) as text) → 12345n. */
export function centi(area: string): bigint {
  const [whole = '0', fraction = ''] = area.split('.');
  return BigInt(whole) * 100n + BigInt(fraction.padEnd(2, '0').slice(0, 2));
}

/** 12345n → "123.45", for messages. */
export function formatArea(area: bigint): string {
  const whole = area / 100n;
  const cents = (area % 100n).toString().padStart(2, '0');
  return `${whole}.${cents}`;
}
