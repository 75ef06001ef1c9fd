import type { CommandContext } from '../../context.js';
import { reply } from '../../context.js';

/** `/start`: greets the member; in a private chat this is also how the bot learns it may write to them. Emits member.welcomed. */
export async function start(ctx: CommandContext): Promise<void> {
  reply(ctx, { type: 'member.welcomed', params: { name: ctx.member.displayName, community: ctx.community?.name ?? null } });
}
