import { DomainError } from '../../../core/errors.js';
import { type CommandContext, reply, requireCommunity } from '../../context.js';
import { requireCommittee } from '../membership/permissions.js';
import { composeDailyDigest, digestNotice } from './daily-digest.js';

/**
 * `/digest`: the committee's daily digest as of now, at once, as a reply in the committee's chat. An on-demand view:
 * it is not recorded as sent, so the scheduled digest still goes out. Emits digest.daily (digest.daily_empty on a
 * quiet day); throws chat_not_linked / no_community, committee_only (not a committee member) and
 * committee_chat_only (anywhere but a group bound to the committee).
 */
export async function showDigest(ctx: CommandContext): Promise<void> {
  const community = requireCommunity(ctx);
  await requireCommittee(ctx);
  if (ctx.chat.kind !== 'group' || ctx.chat.binding !== 'committee') throw new DomainError('committee_chat_only');
  reply(ctx, digestNotice(await composeDailyDigest(ctx.tx, community, ctx.now)));
}
