import type { CommandContext } from '../../context.js';
import { reply, requirePrivate } from '../../context.js';
import type { MemberData } from '../../notices.js';

/** What yishi holds about a member (PIPL): for /mydata. Ballot choices are not shown, only how many ballots. */
export async function collectMemberData(ctx: CommandContext): Promise<MemberData> {
  const memberId = ctx.member.id;
  const claims = await ctx.tx.householdClaim.findMany({
    where: { memberId },
    include: { household: { include: { building: { include: { community: true } } } } },
  });
  const roles = await ctx.tx.role.findMany({ where: { memberId }, include: { community: true, building: true, party: true } });
  const issues = await ctx.tx.issue.findMany({ where: { raisedById: memberId }, select: { number: true }, orderBy: { number: 'asc' } });
  const supports = await ctx.tx.support.count({ where: { memberId } });
  const ratings = await ctx.tx.rating.count({ where: { memberId } });
  const ballots = await ctx.tx.ballot.count({ where: { OR: [{ memberId }, { castById: memberId }] } });
  return {
    displayName: ctx.member.displayName,
    platform: ctx.member.platform,
    platformUserId: ctx.member.platformUserId,
    locale: ctx.member.locale,
    households: claims.map((claim) => ({
      community: claim.household.building.community.name,
      building: claim.household.building.name,
      unit: claim.household.unit,
    })),
    roles: roles.map((role) => ({
      community: role.community.name,
      role: role.kind,
      scope: role.building?.name ?? role.party?.name ?? role.community.name,
    })),
    issuesRaised: issues.map((issue) => issue.number),
    supports,
    ratings,
    ballots,
  };
}

/** `/mydata` in a private chat: everything held about the member. Emits member.data_exported; throws private_only. */
export async function exportMemberData(ctx: CommandContext): Promise<void> {
  requirePrivate(ctx);
  reply(ctx, { type: 'member.data_exported', params: { data: await collectMemberData(ctx) } });
}
