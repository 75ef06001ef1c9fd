import type { FollowUp } from '../../../db/generated/client.js';
import { announce, audit, type EffectContext, type Tx } from '../../context.js';
import { moveUp } from '../issues/escalate.js';
import { nextLevel } from '../issues/levels.js';
import { openStatuses } from '../issues/raise-issue.js';
import { outsideQuietHours, type QuietHours } from '../reminders/quiet-hours.js';
import { scheduleReminders } from '../reminders/schedule.js';

const day = 86_400_000;

/**
 * A follow-up's reminders, in the transaction that creates it: one a day before the deadline (halfway for shorter
 * ones), out of quiet hours, and at the deadline the overdue escalation.
 */
export async function scheduleFollowUpReminders(
  tx: Tx,
  followUp: Pick<FollowUp, 'id' | 'deadline'>,
  community: QuietHours,
  now: Date,
): Promise<void> {
  const { id, deadline } = followUp;
  const remindAt = outsideQuietHours(
    new Date(deadline.getTime() - Math.min(day, (deadline.getTime() - now.getTime()) / 2)),
    community,
    deadline,
    now,
  );
  await scheduleReminders(tx, [
    ...(remindAt ? [{ key: `followup.remind:${id}`, kind: 'followup.remind' as const, dueAt: remindAt, params: { followUpId: id } }] : []),
    { key: `followup.overdue:${id}`, kind: 'followup.overdue', dueAt: outsideQuietHours(deadline, community), params: { followUpId: id } },
  ]);
}

/** The follow-up and its issue, if it still waits for an answer. */
async function unanswered(ctx: EffectContext, followUpId: number) {
  const followUp = await ctx.tx.followUp.findUnique({
    where: { id: followUpId },
    include: { party: true, issue: { include: { community: true } } },
  });
  if (!followUp || followUp.respondedAt !== null || !(openStatuses as readonly string[]).includes(followUp.issue.status)) return null;
  ctx.community = followUp.issue.community;
  return followUp;
}

const partyChats = (ctx: EffectContext, partyId: number) =>
  ctx.tx.chat.findMany({ where: { binding: 'party', partyId, leftAt: null }, orderBy: { id: 'asc' } });

/** The scheduler's reminder before a follow-up's deadline, in the responsible party's chats; nothing if it was answered. */
export async function remindFollowUp(ctx: EffectContext, params: { followUpId: number }): Promise<void> {
  const followUp = await unanswered(ctx, params.followUpId);
  if (!followUp) return;
  const { issue, party } = followUp;
  for (const chat of await partyChats(ctx, party.id))
    announce(ctx, chat, {
      type: 'followup.due_soon',
      params: { number: issue.number, text: issue.text, party: party.name, deadline: followUp.deadline.toISOString() },
    });
}

/**
 * At the deadline of a follow-up still unanswered: the party and the committee are told, and the issue moves one
 * level up (DOMAIN rule 4), once. The digest lists it as overdue from then on.
 */
export async function escalateOverdue(ctx: EffectContext, params: { followUpId: number }): Promise<void> {
  const followUp = await unanswered(ctx, params.followUpId);
  if (!followUp) return;
  const { count } = await ctx.tx.followUp.updateMany({ where: { id: followUp.id, escalatedAt: null }, data: { escalatedAt: ctx.now } });
  if (count === 0) return;
  const { issue, party } = followUp;
  const body = {
    type: 'followup.overdue' as const,
    params: { number: issue.number, text: issue.text, party: party.name, deadline: followUp.deadline.toISOString() },
  };
  const committee = await ctx.tx.chat.findMany({ where: { communityId: issue.communityId, binding: 'committee', leftAt: null } });
  for (const chat of [...(await partyChats(ctx, party.id)), ...committee]) announce(ctx, chat, body);
  await audit(ctx, {
    communityId: issue.communityId,
    actorLabel: 'scheduler',
    action: 'followup.overdue',
    subjectType: 'issue',
    subjectId: issue.id,
    data: { followUpId: followUp.id, partyId: party.id, deadline: followUp.deadline.toISOString() },
  });
  const to = nextLevel(issue.level);
  if (to) await moveUp(ctx, issue, to, 'overdue', null, null);
}
