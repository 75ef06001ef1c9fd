import { describe, expect, it } from 'vitest';
import { eventIdOf, type StoredUpdate, translateUpdate, type Update } from '../../../src/adapters/telegram/translate.js';
import type { EngineCommand } from '../../../src/engine/commands.js';

const botId = 900;
const botUsername = 'yishi_test_bot';

const alice = { id: 11, first_name: 'Alice', last_name: 'Wang', username: 'alicew', language_code: 'zh-hans', is_bot: false };
const privateChat = { id: 11, type: 'private' as const };
const groupChat = { id: -100, type: 'group' as const, title: '1栋邻里群' };
const supergroupChat = { id: -1001234, type: 'supergroup' as const, title: '阳光小区' };
const channelChat = { id: -1009999, type: 'channel' as const, title: '公告频道' };

const stored = (update: Update): StoredUpdate => ({ botId, botUsername, update });
const textUpdate = (text: string, overrides: Partial<NonNullable<Update['message']>> = {}, updateId = 501): Update => ({
  update_id: updateId,
  message: { message_id: 77, chat: privateChat, from: alice, text, ...overrides },
});

const aliceActor: EngineCommand['actor'] = {
  platform: 'telegram',
  platformUserId: '11',
  displayName: 'Alice Wang',
  languageHint: 'zh-hans',
};
const privateRef: EngineCommand['chat'] = { platform: 'telegram', platformChatId: '11', kind: 'private' };

describe('eventIdOf', () => {
  it('joins the bot id and the update id', () => {
    expect(eventIdOf(900, { update_id: 12345 })).toBe('900:12345');
  });
});

describe('translateUpdate', () => {
  describe('text messages', () => {
    it('turns a private command into an engine command with actor, chat and message id', () => {
      expect(translateUpdate(stored(textUpdate('/claim K7M2-Q9TX')))).toEqual<EngineCommand>({
        eventId: '900:501',
        actor: { platform: 'telegram', platformUserId: '11', displayName: 'Alice Wang', languageHint: 'zh-hans' },
        chat: { platform: 'telegram', platformChatId: '11', kind: 'private' },
        messageId: '77',
        action: { type: 'household.claim', code: 'K7M2-Q9TX' },
      });
    });

    it('uses the stored bot id and the update id for the event id', () => {
      const command = translateUpdate({ botId: 42, botUsername, update: textUpdate('/start', {}, 9) });
      expect(command?.eventId).toBe('42:9');
    });

    const groups: Array<[string, typeof groupChat | typeof supergroupChat]> = [
      ['group', groupChat],
      ['supergroup', supergroupChat],
    ];
    it.each(groups)('maps a %s message to a group chat with its title', (_name, chat) => {
      expect(translateUpdate(stored(textUpdate('/issues', { chat })))).toEqual<EngineCommand>({
        eventId: '900:501',
        actor: aliceActor,
        chat: { platform: 'telegram', platformChatId: String(chat.id), kind: 'group', title: chat.title },
        messageId: '77',
        action: { type: 'issue.list' },
      });
    });

    it('leaves the title out when the chat has none', () => {
      const command = translateUpdate(stored(textUpdate('/issues', { chat: { id: -5, type: 'group' } })));
      expect(command?.chat).toEqual({ platform: 'telegram', platformChatId: '-5', kind: 'group' });
    });

    const texts: Array<[string, string, EngineCommand['action'] | null]> = [
      ['a command addressed to this bot', '/support@yishi_test_bot 3', { type: 'issue.support', number: 3 }],
      ['a command addressed to this bot in other case', '/support@Yishi_Test_Bot 3', { type: 'issue.support', number: 3 }],
      ['a command addressed to another bot', '/support@other_bot 3', null],
      ['plain text', 'hello', null],
      ['an unknown command', '/frobnicate', { type: 'command.unknown', name: 'frobnicate' }],
      ['a malformed command', '/support', { type: 'command.malformed', command: 'support' }],
    ];
    it.each(texts)('%s: %j', (_name, text, action) => {
      const command = translateUpdate(stored(textUpdate(text, { chat: supergroupChat })));
      expect(command === null ? null : command.action).toEqual(action);
    });

    it('ignores messages sent by bots', () => {
      const bot = { id: 55, first_name: 'Other', is_bot: true };
      expect(translateUpdate(stored(textUpdate('/support 3', { from: bot })))).toBeNull();
    });

    it('ignores a message without a sender', () => {
      expect(translateUpdate(stored({ update_id: 1, message: { message_id: 1, chat: groupChat, text: '/issues' } }))).toBeNull();
    });

    it('ignores a message without text', () => {
      expect(translateUpdate(stored({ update_id: 1, message: { message_id: 1, chat: groupChat, from: alice } }))).toBeNull();
    });
  });

  describe('the actor', () => {
    const users: Array<[string, { id: number; first_name?: string; last_name?: string; username?: string }, string]> = [
      ['first and last name', { id: 11, first_name: 'Alice', last_name: 'Wang', username: 'alicew' }, 'Alice Wang'],
      ['first name only', { id: 11, first_name: '小明', username: 'xm' }, '小明'],
      ['a Chinese family and given name', { id: 11, first_name: '王', last_name: '建国' }, '王建国'],
      ['a Chinese given and family name', { id: 11, first_name: '建国', last_name: '王' }, '建国王'],
      ['a Chinese name with a Latin part', { id: 11, first_name: 'Lily', last_name: '王' }, 'Lily 王'],
      ['a Japanese name', { id: 11, first_name: '山田', last_name: 'たろう' }, '山田たろう'],
      ['names with spaces around them', { id: 11, first_name: ' 王 ', last_name: ' 建国 ' }, '王建国'],
      ['a blank first name', { id: 11, first_name: ' ', last_name: 'Wang' }, 'Wang'],
      ['last name only', { id: 11, last_name: 'Wang', username: 'wang' }, 'Wang'],
      ['username only', { id: 11, username: 'alicew' }, 'alicew'],
      ['neither name nor username', { id: 11 }, '11'],
    ];
    it.each(users)('with %s is named %j', (_name, from, displayName) => {
      const command = translateUpdate(stored(textUpdate('/start', { from })));
      expect(command?.actor).toEqual({ platform: 'telegram', platformUserId: '11', displayName });
    });

    it('carries the language code as a hint', () => {
      const command = translateUpdate(stored(textUpdate('/start', { from: { id: 11, first_name: 'A', language_code: 'en' } })));
      expect(command?.actor.languageHint).toBe('en');
    });
  });

  describe('button taps', () => {
    const callback = (data: string | undefined, message: NonNullable<Update['message']> | undefined): Update => ({
      update_id: 602,
      callback_query: {
        id: 'cb-1',
        from: alice,
        ...(message ? { message } : {}),
        ...(data !== undefined ? { data } : {}),
      },
    });
    const posted = { message_id: 313, chat: supergroupChat, from: { id: botId, first_name: 'Yishi', is_bot: true }, text: '#3 ...' };

    it('turns support data into issue.support in the chat and on the message that carried the button, answerable by its id', () => {
      expect(translateUpdate(stored(callback('s:3', posted)))).toEqual<EngineCommand>({
        eventId: '900:602',
        actor: aliceActor,
        chat: { platform: 'telegram', platformChatId: String(supergroupChat.id), kind: 'group', title: supergroupChat.title },
        messageId: '313',
        tapId: 'cb-1',
        action: { type: 'issue.support', number: 3 },
      });
    });

    it('turns rate data into issue.rate', () => {
      expect(translateUpdate(stored(callback('r:3:5', posted)))?.action).toEqual({ type: 'issue.rate', number: 3, score: 5 });
    });

    const ignored: Array<[string, Update]> = [
      ['data this version did not make', callback('junk', posted)],
      ['no data', callback(undefined, posted)],
      ['no message (too old or inline)', callback('s:3', undefined)],
      ['a message in a channel', callback('s:3', { ...posted, chat: channelChat })],
    ];
    it.each(ignored)('ignores a tap with %s', (_name, update) => {
      expect(translateUpdate(stored(update))).toBeNull();
    });
  });

  describe('group migration', () => {
    it('reports the new chat id when a group becomes a supergroup', () => {
      const update: Update = { update_id: 700, message: { message_id: 5, chat: groupChat, from: alice, migrate_to_chat_id: -1005550001 } };
      expect(translateUpdate(stored(update))).toEqual<EngineCommand>({
        eventId: '900:700',
        actor: aliceActor,
        chat: { platform: 'telegram', platformChatId: '-100', kind: 'group', title: groupChat.title },
        action: { type: 'chat.migrated', toPlatformChatId: '-1005550001' },
      });
    });
  });

  describe('membership changes', () => {
    const membership = (status: string, userId = botId, chat: typeof groupChat | typeof channelChat = groupChat): Update => ({
      update_id: 800,
      my_chat_member: {
        chat,
        from: alice,
        new_chat_member: { status, user: { id: userId, first_name: 'Yishi', is_bot: true } },
      },
    });

    const statuses: Array<[string, EngineCommand['action'] | null]> = [
      ['kicked', { type: 'chat.left' }],
      ['left', { type: 'chat.left' }],
      ['member', { type: 'chat.joined' }],
      ['administrator', { type: 'chat.joined' }],
      ['restricted', null],
    ];
    it.each(statuses)('this bot becoming %s gives %j', (status, action) => {
      const command = translateUpdate(stored(membership(status)));
      if (action === null) {
        expect(command).toBeNull();
        return;
      }
      expect(command).toEqual<EngineCommand>({
        eventId: '900:800',
        actor: aliceActor,
        chat: { platform: 'telegram', platformChatId: '-100', kind: 'group', title: groupChat.title },
        action,
      });
    });

    it("ignores another user's membership", () => {
      expect(translateUpdate(stored(membership('member', 12345)))).toBeNull();
      expect(translateUpdate(stored(membership('kicked', 12345)))).toBeNull();
    });

    it('ignores membership changes in a channel', () => {
      expect(translateUpdate(stored(membership('administrator', botId, channelChat)))).toBeNull();
    });
  });

  describe('channels', () => {
    it('ignores a channel post', () => {
      const channelPost = { update_id: 900, channel_post: { message_id: 1, chat: channelChat, text: '/issues' } };
      expect(translateUpdate({ botId, botUsername, update: channelPost })).toBeNull();
    });

    it('ignores a command in a message from a channel chat', () => {
      expect(translateUpdate(stored(textUpdate('/issues', { chat: channelChat })))).toBeNull();
    });
  });

  it('ignores an update with nothing the engine uses', () => {
    expect(translateUpdate(stored({ update_id: 1 }))).toBeNull();
  });

  it('keeps private chats private', () => {
    expect(translateUpdate(stored(textUpdate('/start')))?.chat).toEqual(privateRef);
  });
});
