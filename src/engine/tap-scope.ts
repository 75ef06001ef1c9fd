import type { ActorHousehold, TapContext } from './tap-batch.js';

// Shared by the capabilities' tap handlers (and the raters of an issue); kept apart from tap-batch.ts, which imports those handlers.

/** Whether a household counts for an issue or poll: in its building, or anywhere in its community. */
export function householdInScope(
  subject: { buildingId: number | null; communityId: number },
  household: Pick<ActorHousehold, 'buildingId' | 'communityId'>,
): boolean {
  return subject.buildingId === null ? household.communityId === subject.communityId : household.buildingId === subject.buildingId;
}

/** The distinct (community, number) pairs the taps name, as the two arrays an `unnest` takes. */
export function numberedSubjects(taps: Array<{ ctx: TapContext; action: { number: number } }>): {
  communityIds: number[];
  numbers: number[];
} {
  const pairs = [
    ...new Map(
      taps.map(({ ctx, action }) => [`${ctx.community.id}:${action.number}`, [ctx.community.id, action.number] as const]),
    ).values(),
  ];
  return { communityIds: pairs.map(([communityId]) => communityId), numbers: pairs.map(([, number]) => number) };
}
