import { beforeAll, describe, expect, it } from 'vitest';
import { describeEachDatabase } from '../helpers/database.js';
import { type CommunitySetup, useCommunity } from '../helpers/engine.js';

// Whoever types a command gets an answer in the chat where they typed it: an escalation typed in a chat at neither
// of the two levels is confirmed there too, besides going to the chats of both levels.

describeEachDatabase('escalateIssue', (kind) => {
  const setup = useCommunity(kind);
  let c: CommunitySetup['c'];
  let h: CommunitySetup['h'];
  beforeAll(async () => {
    ({ c, h } = setup);
    await h.say(c.residents.r1, c.chats.b1, '/issue 1栋电梯经常停运，老人上下楼困难');
  });

  describe('when typed in a chat at neither level', () => {
    it('answers there as well as in the chats of both levels, once each', async () => {
      const result = await h.say(c.staff.committee, c.chats.b2, '/escalate 1 多户反映');
      expect(result.status).toBe('done');
      const [b1, b2, community] = await Promise.all([c.chatRow(c.chats.b1), c.chatRow(c.chats.b2), c.chatRow(c.chats.community)]);
      const escalated = result.notices.filter((notice) => notice.type === 'issue.escalated').map((notice) => notice.chatId);
      expect(escalated.sort()).toEqual([b1.id, b2.id, community.id].sort());
      expect(result.notices.find((notice) => notice.chatId === b2.id)?.replyToMessageId).toBeTruthy();
    });
  });

  describe('when typed in one of the levels’ chats', () => {
    it('answers there once, not twice', async () => {
      const result = await h.say(c.staff.committee, c.chats.community, '/escalate 1');
      const community = await c.chatRow(c.chats.community);
      expect(result.notices.filter((notice) => notice.chatId === community.id)).toHaveLength(1);
    });
  });
});
