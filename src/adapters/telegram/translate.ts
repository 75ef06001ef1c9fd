import { decodeButton } from '../../engine/buttons.js';
import type { Action, EngineCommand } from '../../engine/commands.js';
import { parseCommand } from '../shared/parse-command.js';

/** The parts of a Telegram Update this adapter reads (Bot API 7+). */
type User = { id: number; first_name?: string; last_name?: string; username?: string; language_code?: string; is_bot?: boolean };
type TgChat = { id: number; type: 'private' | 'group' | 'supergroup' | 'channel'; title?: string };
type Message = { message_id: number; chat: TgChat; from?: User; text?: string; migrate_to_chat_id?: number };
export type Update = {
  update_id: number;
  message?: Message;
  callback_query?: { id: string; from: User; message?: Message; data?: string };
  my_chat_member?: { chat: TgChat; from: User; new_chat_member: { status: string; user: User } };
};

/** What the inbox stores for a Telegram update: the update itself and the bot it was sent to. */
export type StoredUpdate = { botId: number; botUsername: string; update: Update };

export function eventIdOf(botId: number, update: Update): string {
  return `${botId}:${update.update_id}`;
}

const cjk = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}]/u;

/**
 * A person's name from Telegram's first and last name, as it is written: "Alice Wang", but "王建国" from 王 and 建国
 * (CJK names take no space between their parts).
 */
export function fullName(first: string | undefined, last: string | undefined): string {
  const parts = [first?.trim(), last?.trim()].filter((part): part is string => Boolean(part));
  if (parts.length < 2) return parts[0] ?? '';
  const [a, b] = parts as [string, string];
  return cjk.test([...a].at(-1) ?? '') && cjk.test([...b][0] ?? '') ? `${a}${b}` : `${a} ${b}`;
}

function actorOf(user: User) {
  const name = fullName(user.first_name, user.last_name) || user.username || String(user.id);
  return {
    platform: 'telegram' as const,
    platformUserId: String(user.id),
    displayName: name,
    ...(user.language_code ? { languageHint: user.language_code } : {}),
  };
}

function chatOf(chat: TgChat) {
  return {
    platform: 'telegram' as const,
    platformChatId: String(chat.id),
    kind: chat.type === 'private' ? ('private' as const) : ('group' as const),
    ...(chat.title ? { title: chat.title } : {}),
  };
}

/**
 * A stored Telegram update as an engine command, or null for updates the engine has no use for (ordinary chat
 * messages, commands addressed to another bot, channel posts, button data from elsewhere).
 */
export function translateUpdate(stored: unknown): EngineCommand | null {
  const { botId, botUsername, update } = stored as StoredUpdate;
  const eventId = eventIdOf(botId, update);
  const command = (from: User, chat: TgChat, action: Action | null, messageId?: number, tapId?: string): EngineCommand | null =>
    action && chat.type !== 'channel'
      ? {
          eventId,
          actor: actorOf(from),
          chat: chatOf(chat),
          action,
          ...(messageId ? { messageId: String(messageId) } : {}),
          ...(tapId ? { tapId } : {}),
        }
      : null;

  const message = update.message;
  if (message?.migrate_to_chat_id && message.from) {
    return command(message.from, message.chat, { type: 'chat.migrated', toPlatformChatId: String(message.migrate_to_chat_id) });
  }
  if (message?.text && message.from && !message.from.is_bot) {
    return command(message.from, message.chat, parseCommand(message.text, botUsername), message.message_id);
  }
  const callback = update.callback_query;
  if (callback?.data && callback.message) {
    return command(callback.from, callback.message.chat, decodeButton(callback.data), callback.message.message_id, callback.id);
  }
  const membership = update.my_chat_member;
  if (membership && membership.new_chat_member.user.id === botId) {
    const status = membership.new_chat_member.status;
    const action: Action | null =
      status === 'left' || status === 'kicked'
        ? { type: 'chat.left' }
        : status === 'member' || status === 'administrator'
          ? { type: 'chat.joined' }
          : null;
    return command(membership.from, membership.chat, action);
  }
  return null;
}
