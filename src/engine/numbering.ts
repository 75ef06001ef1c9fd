import { Prisma } from '../db/generated/client.js';
import type { Tx } from './context.js';

export type Counter = 'lastIssueNumber' | 'lastPollNumber' | 'lastMeetingNumber';

/**
 * The next #number of a community's issues, polls or meetings, as a statement returning it as "number" (to be used
 * as a CTE). Its counter row stays locked until the transaction commits, so numbers have no gaps and no repeats.
 */
export function nextNumberSql(communityId: number, counter: Counter): Prisma.Sql {
  const column = Prisma.raw(`"${counter}"`);
  return Prisma.sql`
    INSERT INTO "CommunityCounter" AS x ("communityId", ${column}) VALUES (${communityId}, 1)
    ON CONFLICT ("communityId") DO UPDATE SET ${column} = x.${column} + 1
    RETURNING ${column} AS "number"`;
}

export async function nextNumber(tx: Tx, communityId: number, counter: Counter): Promise<number> {
  const [row] = await tx.$queryRaw<Array<{ number: number }>>(nextNumberSql(communityId, counter));
  return row!.number;
}
