import { DomainError } from '../../../core/errors.js';
import type { CommandContext } from '../../context.js';
import { reply } from '../../context.js';
import type { NoticeBody } from '../../notices.js';
import { moveUp } from './escalate.js';
import { findIssue } from './issue-queries.js';
import { escalatorAt, nextLevel } from './levels.js';
import { requireEscalator } from './permissions.js';
import { openStatuses } from './raise-issue.js';

/**
 * `/escalate <n> [reason]`: moves an issue one level up the platform. Allowed to the role that speaks for the
 * issue's current level (the building head of its building, a group head, a representative) and to the committee.
 * Emits issue.escalated to the chats of both levels, and to the chat where it was typed; throws issue_not_found, issue_not_open, already_top_level,
 * escalate_role_required.
 */
export async function escalateIssue(ctx: CommandContext, action: { number: number; reason?: string }): Promise<void> {
  const issue = await findIssue(ctx, action.number);
  if (!(openStatuses as readonly string[]).includes(issue.status)) throw new DomainError('issue_not_open', { number: issue.number });
  const to = nextLevel(issue.level);
  const role = escalatorAt[issue.level];
  if (!to || !role) throw new DomainError('already_top_level', { number: issue.number });
  await requireEscalator(ctx, issue, role);
  const reason = action.reason?.trim() ? [...action.reason.trim()].slice(0, ctx.settings.maxTextLength).join('') : null;
  await moveUp(ctx, issue, to, 'manual', reason, { id: ctx.member.id, name: ctx.member.displayName });
  // Whoever typed it hears the answer where they typed it, even when that chat is at neither level.
  const escalated = ctx.notices.find((notice) => notice.type === 'issue.escalated');
  if (escalated && !ctx.notices.some((notice) => notice.chatId === ctx.chat.id))
    reply(ctx, { type: escalated.type, params: escalated.params } as NoticeBody);
}
