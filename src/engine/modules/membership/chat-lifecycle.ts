import { audit, type CommandContext, settleOutbox } from '../../context.js';

/** The bot was removed from a group: nothing more is posted there; the binding stays for when it is added back. */
export async function markChatLeft(ctx: CommandContext): Promise<void> {
  await ctx.tx.chat.update({ where: { id: ctx.chat.id }, data: { leftAt: ctx.now } });
}

/** The bot is back in a group it had left: its binding resumes. */
export async function markChatJoined(ctx: CommandContext): Promise<void> {
  await ctx.tx.chat.update({ where: { id: ctx.chat.id }, data: { leftAt: null } });
}

/**
 * A group became a supergroup under a new id (Telegram's migrate_to_chat_id): the chat row moves to the new id with
 * its binding, issues and polls. If the new id was already seen (an update from the supergroup came first), that
 * empty row is folded into this one.
 */
export async function migrateChat(ctx: CommandContext, action: { toPlatformChatId: string }): Promise<void> {
  const target = await ctx.tx.chat.findUnique({
    where: { platform_platformChatId: { platform: ctx.chat.platform, platformChatId: action.toPlatformChatId } },
  });
  if (target && target.id !== ctx.chat.id) {
    await settleOutbox(ctx);
    await ctx.tx.outboxNotice.updateMany({ where: { chatId: target.id }, data: { chatId: ctx.chat.id } });
    await ctx.tx.chat.delete({ where: { id: target.id } });
  }
  await ctx.tx.chat.update({ where: { id: ctx.chat.id }, data: { platformChatId: action.toPlatformChatId, leftAt: null } });
  await audit(ctx, {
    communityId: ctx.chat.communityId,
    actorLabel: 'system',
    action: 'chat.migrated',
    subjectType: 'chat',
    subjectId: ctx.chat.id,
    data: { to: action.toPlatformChatId },
  });
}
