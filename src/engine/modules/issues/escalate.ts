import type { EscalationCause, EscalationLevel, Issue } from '../../../db/generated/client.js';
import type { EffectContext } from '../../context.js';
import { announce, audit } from '../../context.js';
import { chatsAtLevel } from './issue-queries.js';

/** Moves an issue one level up, records who and why, and tells the chats of both levels. */
export async function moveUp(
  ctx: EffectContext,
  issue: Issue,
  to: EscalationLevel,
  cause: EscalationCause,
  reason: string | null,
  by: { id: number; name: string } | null,
): Promise<Issue> {
  const updated = await ctx.tx.issue.update({ where: { id: issue.id }, data: { level: to, updatedAt: ctx.now } });
  await ctx.tx.escalation.create({
    data: { issueId: issue.id, fromLevel: issue.level, toLevel: to, cause, byId: by?.id ?? null, reason, createdAt: ctx.now },
  });
  await audit(ctx, {
    communityId: issue.communityId,
    actorMemberId: by?.id ?? null,
    actorLabel: by ? undefined : 'system',
    action: 'issue.escalated',
    subjectType: 'issue',
    subjectId: issue.id,
    data: { from: issue.level, to, cause, reason },
  });
  const fromChats = await chatsAtLevel(ctx.tx, issue, issue.level);
  const toChats = await chatsAtLevel(ctx.tx, issue, to);
  const seen = new Set<number>();
  for (const chat of [...fromChats, ...toChats]) {
    if (seen.has(chat.id)) continue;
    seen.add(chat.id);
    announce(ctx, chat, {
      type: 'issue.escalated',
      params: { number: issue.number, text: issue.text, from: issue.level, to, cause, by: by?.name ?? null },
    });
  }
  return updated;
}
