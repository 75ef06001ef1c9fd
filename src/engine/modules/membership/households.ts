import { type Chat, Prisma } from '../../../db/generated/client.js';
import type { Tx } from '../../context.js';

/** A household a member has claimed, with its building: what scope, voting and confirmations need of it. */
export type ClaimedHousehold = { id: number; unit: string; areaM2: string; buildingId: number; buildingName: string; communityId: number };

/** The households each member has claimed, in every community, lowest id first; one statement for any number of members. */
export async function claimedHouseholds(tx: Tx, memberIds: number[]): Promise<Map<number, ClaimedHousehold[]>> {
  const claims = await tx.$queryRaw<Array<ClaimedHousehold & { memberId: number }>>`
    ${claimedHouseholdRows(Prisma.sql`${memberIds}::int[]`)} ORDER BY "id"`;
  const byMember = new Map<number, ClaimedHousehold[]>(memberIds.map((id) => [id, []]));
  for (const { memberId, ...household } of claims) byMember.get(memberId)!.push(household);
  return byMember;
}

/** The households claimed by the members in the int[] `memberIds`, as rows of ClaimedHousehold with the memberId. */
export function claimedHouseholdRows(memberIds: Prisma.Sql): Prisma.Sql {
  return Prisma.sql`
    SELECT c."memberId", h."id", h."unit", h."areaM2"::text AS "areaM2", h."buildingId", b."name" AS "buildingName", b."communityId"
    FROM "HouseholdClaim" c JOIN "Household" h ON h."id" = c."householdId" JOIN "Building" b ON b."id" = h."buildingId"
    WHERE c."memberId" = ANY(${memberIds})`;
}

/** The (memberId, communityId) pairs of verified membership (DOMAIN rule 6) of the members in the int[] `memberIds`. */
export function membershipPairs(memberIds: Prisma.Sql): Prisma.Sql {
  return Prisma.sql`
    SELECT c."memberId", b."communityId"
    FROM "HouseholdClaim" c JOIN "Household" h ON h."id" = c."householdId" JOIN "Building" b ON b."id" = h."buildingId"
    WHERE c."memberId" = ANY(${memberIds})
    UNION
    SELECT "memberId", "communityId" FROM "Role" WHERE "memberId" = ANY(${memberIds})`;
}

/**
 * Verified membership (DOMAIN rule 6): the communities where each member has claimed a household or holds a role.
 * One statement for any number of members.
 */
export async function membershipsOf(tx: Tx, memberIds: number[]): Promise<Map<number, Set<number>>> {
  const rows = await tx.$queryRaw<Array<{ memberId: number; communityId: number }>>(membershipPairs(Prisma.sql`${memberIds}::int[]`));
  const byMember = new Map<number, Set<number>>(memberIds.map((id) => [id, new Set()]));
  for (const row of rows) byMember.get(row.memberId)!.add(row.communityId);
  return byMember;
}

/** Each member's private chat with the bot (the latest they opened and have not left), for those who have one. */
export async function privateChatsOf(tx: Tx, memberIds: number[]): Promise<Map<number, Chat>> {
  const chats = await tx.$queryRaw<Chat[]>`
    SELECT DISTINCT ON ("memberId") * FROM "Chat"
    WHERE "memberId" = ANY(${memberIds}::int[]) AND "kind" = 'private' AND "leftAt" IS NULL
    ORDER BY "memberId", "id" DESC`;
  return new Map(chats.map((chat) => [chat.memberId!, chat]));
}

/** A member's private chat with the bot, if they ever opened one. */
export async function privateChatOf(tx: Tx, memberId: number): Promise<Chat | null> {
  return (await privateChatsOf(tx, [memberId])).get(memberId) ?? null;
}
