import { beforeAll, describe, expect, it } from 'vitest';
import { createI18n } from '../../../src/i18n/index.js';
import { documentToText, renderNotice } from '../../../src/render/index.js';
import { describeEachDatabase } from '../../helpers/database.js';
import { type CommunitySetup, useCommunity } from '../../helpers/engine.js';

// A building head asking for turnout sees their own building: the answer must say so, and say how many households
// elsewhere have not voted, never "every household has voted" while the vote is short of that.

describeEachDatabase('listTurnout', (kind) => {
  const setup = useCommunity(kind);
  let c: CommunitySetup['c'];
  let h: CommunitySetup['h'];
  let number: number;
  beforeAll(async () => {
    ({ c, h } = setup);
    await h.say(c.staff.committee, c.chats.community, '/ownersvote ordinary 续聘物业公司');
    number = (await h.db.prisma.poll.findFirstOrThrow({ where: { communityId: c.community.id }, orderBy: { id: 'desc' } })).number;
    for (const resident of [c.residents.r1, c.residents.r2, c.residents.r3, c.residents.r4, c.residents.r5, c.residents.r6])
      await h.tap(resident, c.chats.community, `v:${number}:0`);
  });

  describe('when every household of the head’s building has voted and others have not', () => {
    it('names the building and counts the households elsewhere', async () => {
      const result = await h.say(c.staff.head1, c.chats.b1, `/turnout ${number}`);
      expect(result.notices[0]).toMatchObject({
        type: 'poll.turnout_listed',
        params: { number, buildings: [], scope: ['1栋'], elsewhere: 3 },
      });
      const i18n = createI18n();
      const zh = documentToText(renderNotice(i18n.getFixedT('zh-CN'), result.notices[0]!, { timeZone: 'Asia/Shanghai' }));
      expect(zh).toContain('1栋所有住户都已投票');
      expect(zh).toContain('其他楼栋还有 3 户尚未投票');
      const en = documentToText(renderNotice(i18n.getFixedT('en'), result.notices[0]!, { timeZone: 'Asia/Shanghai' }));
      expect(en).toContain('3 households elsewhere have not voted yet');
    });
  });

  describe('when the committee asks', () => {
    it('lists the whole vote, with no scope', async () => {
      const result = await h.say(c.staff.committee, c.chats.committee, `/turnout ${number}`);
      const params = result.notices[0]!.params as { scope?: string[]; buildings: Array<{ building: string; units: string[] }> };
      expect(params.scope).toBeUndefined();
      expect(params.buildings).toEqual([{ building: '2栋', units: ['101', '102', '201'] }]);
    });
  });
});
