import { beforeAll, describe, expect, it } from 'vitest';
import { commandNames, commandSpec, menuCommands } from '../../src/engine/capabilities.js';
import type { ChatRef } from '../../src/engine/commands.js';
import { describeEachDatabase } from '../helpers/database.js';
import { type CommunitySetup, type Person, useCommunity } from '../helpers/engine.js';

// /help is composed from the capabilities' manifests. Whatever it offers someone in a chat, the rules let them use
// there: sent with sensible arguments, no offered command is refused for a role or a chat it was offered in.

/**
 * Refusals that say "not you" or "not here": /help must never lead anyone into one of these. (Rules that depend on the
 * issue or poll named, not on who or where, are narrower by design: escalation by the current level's role, a poll's
 * creator, an issue's supporters.)
 */
const notYouOrNotHere = new Set([
  'committee_only',
  'poll_role_required',
  'turnout_role_required',
  'not_responder',
  'private_only',
  'group_only',
  'chat_not_for_issues',
  'chat_not_linked',
  'committee_chat_only',
  'not_a_member',
  'meeting_role_required',
  'not_party_member',
  'party_not_at_meeting',
]);

const sampleArguments: Record<string, string> = {
  lang: 'zh-CN',
  link: 'ZZZZ-ZZZZ',
  claim: 'ZZZZ-ZZZZ',
  issue: '楼道里的灯坏了，晚上看不见台阶',
  support: '1',
  show: '1',
  triage: '1 big',
  escalate: '1 情况紧急',
  assign: '1 物业 7',
  respond: '1 已安排维修',
  resolve: '1 已修好',
  rate: '1 5',
  reopen: '1',
  hide: '1 重复',
  poll: '是否更换门禁？ | 同意 | 不同意',
  ownersvote: 'ordinary 是否续聘物业公司？',
  results: '1',
  close: '1',
  remind: '1',
  turnout: '1',
  paperballot: '1 101 yes',
  meeting: '2099-01-10 19:30 社区会议室',
  propose: '1 请联席会议讨论',
  rsvp: 'attend',
  decide: '1 物业一周内修好',
  position: '1 agree',
  action: '1 物业 7 更换电梯主板',
  defer: '1',
  sendup: '1 街道办',
};

describe('the command catalogue', () => {
  it('declares every command once, with its usage and summary keys', () => {
    expect(new Set(commandNames).size).toBe(commandNames.length);
    for (const name of commandNames) {
      expect(commandSpec(name)).toMatchObject({ usageKey: `commands:${name}.usage`, summaryKey: `commands:${name}.summary` });
    }
  });

  it('puts in the fixed menus only commands anyone may use there', () => {
    for (const kind of ['private', 'group'] as const)
      for (const name of menuCommands(kind)) {
        const offer = commandSpec(name)!.offer;
        expect(offer.in, `/${name} in ${kind} menu`).toContain(kind);
        expect(Array.isArray(offer.to), `/${name} in ${kind} menu`).toBe(false);
      }
  });
});

describeEachDatabase('/help offers only what the rules allow', (kind) => {
  const setup = useCommunity(kind);
  let c: CommunitySetup['c'];
  let h: CommunitySetup['h'];
  beforeAll(async () => {
    ({ c, h } = setup);
    await h.say(c.residents.r1, c.chats.b1, '/issue 电梯经常停运，老人上下楼困难');
    await h.say(c.staff.head1, c.chats.b1, '/poll 是否加装声控灯？ | 同意 | 不同意');
  });

  const people = (): Array<[string, Person]> => [
    ['a resident', c.residents.r2],
    ['a building head', c.staff.head1],
    ['a committee member', c.staff.committee],
    ['a responder', c.staff.propertyStaff],
    ['a group head', c.staff.groupHead],
    ['an outsider', c.staff.outsider],
  ];
  const chats = (who: Person): Array<[string, ChatRef]> => [
    ['their private chat', h.privateChat(who)],
    ['a building group', c.chats.b1],
    ['the community group', c.chats.community],
    ['the committee group', c.chats.committee],
    ['a party group', c.chats.property],
  ];

  it('never leads anyone into a "not you" or "not here" refusal, and every command is answered where it was typed', async () => {
    const misled: string[] = [];
    const silent: string[] = [];
    const chatIdOf = async (chat: ChatRef) =>
      (
        await setup.db.prisma.chat.findUnique({
          where: { platform_platformChatId: { platform: chat.platform, platformChatId: chat.platformChatId } },
        })
      )?.id;
    for (const [whoName, who] of people())
      for (const [chatName, chat] of chats(who)) {
        const help = await h.say(who, chat, '/help');
        const offered = (help.notices[0]!.params as { commands: string[] }).commands;
        expect(offered.length, `${whoName} in ${chatName}`).toBeGreaterThan(0);
        for (const name of offered) {
          if (name === 'forgetme' || name === 'start' || name === 'help') continue;
          const result = await h.say(who, chat, `/${name} ${sampleArguments[name] ?? ''}`.trim());
          if (result.error && notYouOrNotHere.has(result.error)) misled.push(`${whoName} in ${chatName}: /${name} -> ${result.error}`);
          // An answer where it was typed (or, for a deliberately private answer, in the private chat with the bot).
          const here = await chatIdOf(chat);
          const privately = await chatIdOf(h.privateChat(who));
          if (!result.notices.some((notice) => notice.chatId === here || notice.chatId === privately))
            silent.push(`${whoName} in ${chatName}: /${name} (${result.status}) answered nowhere near`);
        }
      }
    expect(misled).toEqual([]);
    expect(silent).toEqual([]);
  }, 120_000);

  it('offers the committee its commands and a resident none of them', async () => {
    const offered = async (who: Person, chat: ChatRef) =>
      ((await h.say(who, chat, '/help')).notices[0]!.params as { commands: string[] }).commands;
    expect(await offered(c.staff.committee, c.chats.b1)).toEqual(expect.arrayContaining(['triage', 'assign', 'ownersvote', 'remind']));
    expect(await offered(c.staff.committee, c.chats.committee)).toContain('digest');
    expect(await offered(c.staff.committee, c.chats.b1)).not.toContain('digest');
    expect(await offered(c.staff.head1, c.chats.b2)).not.toContain('poll');
    expect(await offered(c.residents.r2, c.chats.b1)).not.toContain('triage');
    expect(await offered(c.residents.r2, c.chats.committee)).not.toContain('issue');
    expect(await offered(c.staff.outsider, c.chats.b1)).not.toContain('issue');
  });
});
