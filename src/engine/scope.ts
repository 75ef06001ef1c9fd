import { Prisma } from '../db/generated/client.js';
import type { Tx } from './context.js';

/**
 * The scope rule, in the three forms the engine asks it: an issue or a poll belongs to one building, or (with none) to
 * its whole community, and only households of buildings in that scope count for it. The predicate decides in memory,
 * the Prisma `where` and the SQL fragment decide in the database; they sit together so that they change together.
 */
export type Scoped = { buildingId: number | null; communityId: number };

export function householdInScope(subject: Scoped, household: { buildingId: number; communityId: number }): boolean {
  return subject.buildingId === null ? household.communityId === subject.communityId : household.buildingId === subject.buildingId;
}

/** The buildings in the subject's scope, as a Prisma `where` on Building. */
export function buildingsInScope(subject: Scoped): Prisma.BuildingWhereInput {
  return subject.buildingId === null ? { communityId: subject.communityId } : { id: subject.buildingId };
}

/**
 * The building row aliased `building` is in the scope of a subject given by its values, or by the alias of a row with
 * `buildingId` and `communityId` columns (an issue or a poll joined in the same query).
 */
export function buildingInScopeSql(building: string, subject: Scoped | string): Prisma.Sql {
  const b = Prisma.raw(`"${building}"`);
  const [buildingId, communityId] =
    typeof subject === 'string'
      ? [Prisma.raw(`"${subject}"."buildingId"`), Prisma.raw(`"${subject}"."communityId"`)]
      : [Prisma.sql`${subject.buildingId}::int`, Prisma.sql`${subject.communityId}::int`];
  return Prisma.sql`(${b}."communityId" = ${communityId} AND (${buildingId} IS NULL OR ${b}."id" = ${buildingId}))`;
}

/** Households in a subject's scope, from the community's buildings and their sizes. */
export function householdsInScopeOf(
  subject: Scoped,
  buildings: Array<{ buildingId: number; communityId: number; households: number }>,
): number {
  return buildings.filter((building) => householdInScope(subject, building)).reduce((sum, building) => sum + building.households, 0);
}

/**
 * Each building of the communities with its number of households (the register's count the database keeps with
 * the households: see the owners' running tally); one statement.
 */
export function buildingSizes(tx: Tx, communityIds: number[]): Promise<BuildingSize[]> {
  return tx.$queryRaw`${buildingSizesSql(communityIds)}`;
}

export type BuildingSize = { buildingId: number; communityId: number; name: string; households: number };

/** `buildingSizes` as a query to nest in another statement. */
export function buildingSizesSql(communityIds: number[]): Prisma.Sql {
  return Prisma.sql`
    SELECT b."id" AS "buildingId", b."communityId", b."name", b."registerHouseholds" AS "households"
    FROM "Building" b
    WHERE b."communityId" = ANY(${communityIds}::int[])`;
}
