import { audit, type EffectContext } from '../../context.js';
import { buildingInScopeSql } from '../../scope.js';
import { privateChatsOf } from '../membership/households.js';

/**
 * The scheduler's reminder a day and two hours before an owners' vote closes: each member of a household in its
 * scope that has not voted is told privately, once (the reminder row fires once). A household that voted, paper
 * ballots included, is never reminded; members who never opened a private chat with the bot cannot be.
 */
export async function remindNonVoters(ctx: EffectContext, params: { pollId: number; hoursLeft: number }): Promise<void> {
  const poll = await ctx.tx.poll.findUnique({ where: { id: params.pollId }, include: { community: true } });
  if (poll?.status !== 'open' || poll.closesAt <= ctx.now) return;
  ctx.community = poll.community;
  const members = await ctx.tx.$queryRaw<Array<{ memberId: number; locale: string | null; households: string[] }>>`
    SELECT m."id" AS "memberId", m."locale", array_agg(b."name" || ' ' || h."unit" ORDER BY b."name", h."unit") AS "households"
    FROM "Household" h
    JOIN "Building" b ON b."id" = h."buildingId"
    JOIN "HouseholdClaim" c ON c."householdId" = h."id"
    JOIN "Member" m ON m."id" = c."memberId"
    WHERE ${buildingInScopeSql('b', poll)}
      AND NOT EXISTS (SELECT 1 FROM "Ballot" bl WHERE bl."pollId" = ${poll.id} AND bl."householdId" = h."id")
    GROUP BY m."id"
    ORDER BY m."id"`;
  const chats = await privateChatsOf(
    ctx.tx,
    members.map((member) => member.memberId),
  );
  const reached = members.filter((member) => chats.has(member.memberId));
  for (const member of reached) {
    const chat = chats.get(member.memberId)!;
    ctx.notices.push({
      type: 'poll.vote_reminder',
      params: {
        number: poll.number,
        question: poll.question,
        closesAt: poll.closesAt.toISOString(),
        hoursLeft: params.hoursLeft,
        households: member.households,
      },
      chatId: chat.id,
      locale: member.locale ?? chat.locale ?? poll.community.locale,
    });
  }
  await audit(ctx, {
    communityId: poll.communityId,
    actorLabel: 'scheduler',
    action: 'poll.voters_reminded',
    subjectType: 'poll',
    subjectId: poll.id,
    data: { hoursLeft: params.hoursLeft, members: reached.length },
  });
}
