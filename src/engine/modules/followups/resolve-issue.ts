import { DomainError } from '../../../core/errors.js';
import type { CommandContext } from '../../context.js';
import { announce, audit, optionalText, reply, requireCommunity } from '../../context.js';
import type { Button } from '../../notices.js';
import { findIssue, originChat } from '../issues/issue-queries.js';
import { openStatuses } from '../issues/raise-issue.js';
import { privateChatOf } from '../membership/households.js';
import { hasRole, rolesIn } from '../membership/permissions.js';
import { answeringParties } from './permissions.js';
import { ratersOf } from './raters.js';

const day = 86_400_000;

export function ratingButtons(number: number): Button[] {
  return [1, 2, 3, 4, 5].map((score) => ({ kind: 'rate' as const, number, score }));
}

export function ratingReminderKey(issueId: number, round: number): string {
  return `issue.close_rating:${issueId}:${round}`;
}

/**
 * `/resolve <n> [text]`: the committee, a member of a body following it up, or for a matter not triaged big the
 * raiser, marks the issue resolved. Its raters (the raiser and the neighbours whose support counted: ratersOf) are
 * then asked to rate it 1-5 (privately where they have a private chat with the bot, and with buttons where it was
 * raised; the raiser is told it is their own issue); the outcome is decided when all have rated or the rating window
 * closes. Emits issue.resolved and issue.rating_requested; throws issue_not_found, issue_not_open, resolve_not_allowed.
 */
export async function resolveIssue(ctx: CommandContext, action: { number: number; text?: string }): Promise<void> {
  const community = requireCommunity(ctx);
  const issue = await findIssue(ctx, action.number);
  if (!(openStatuses as readonly string[]).includes(issue.status)) throw new DomainError('issue_not_open', { number: issue.number });
  const roles = rolesIn(ctx, community.id);
  const followUpParties = new Set(
    (await ctx.tx.followUp.findMany({ where: { issueId: issue.id }, select: { partyId: true } })).map((f) => f.partyId),
  );
  const allowed =
    hasRole(roles, 'committee') ||
    [...answeringParties(roles)].some((partyId) => followUpParties.has(partyId)) ||
    (issue.raisedById === ctx.member.id && issue.triage !== 'big');
  if (!allowed) throw new DomainError('resolve_not_allowed', { number: issue.number });
  const note = optionalText(ctx, action.text);

  await ctx.tx.issue.update({ where: { id: issue.id }, data: { status: 'resolved', resolvedAt: ctx.now, updatedAt: ctx.now } });
  await ctx.tx.scheduledReminder.createMany({
    data: [
      {
        key: ratingReminderKey(issue.id, issue.round),
        kind: 'issue.close_rating',
        dueAt: new Date(ctx.now.getTime() + ctx.settings.ratingWindowDays * day),
        params: { issueId: issue.id, round: issue.round },
      },
    ],
    skipDuplicates: true,
  });
  await audit(ctx, {
    communityId: community.id,
    actorMemberId: ctx.member.id,
    action: 'issue.resolved',
    subjectType: 'issue',
    subjectId: issue.id,
    data: { note },
  });

  const resolved = { type: 'issue.resolved' as const, params: { number: issue.number, note } };
  const origin = await originChat(ctx.tx, issue);
  if (origin) announce(ctx, origin, resolved, ratingButtons(issue.number));
  if (origin?.id !== ctx.chat.id) reply(ctx, resolved);
  const raters = (await ratersOf(ctx.tx, [issue])).get(issue.id) ?? [];
  const members = new Map((await ctx.tx.member.findMany({ where: { id: { in: raters } } })).map((member) => [member.id, member]));
  for (const memberId of raters) {
    const member = members.get(memberId);
    const chat = member ? await privateChatOf(ctx.tx, member.id) : null;
    if (member && chat) {
      announce(
        ctx,
        { id: chat.id, locale: member.locale ?? chat.locale },
        { type: 'issue.rating_requested', params: { number: issue.number, text: issue.text, raiser: member.id === issue.raisedById } },
        ratingButtons(issue.number),
      );
    }
  }
}
