import { beforeAll, describe, expect, it } from 'vitest';
import type { ChatRef } from '../../src/engine/commands.js';
import { hashCode } from '../../src/engine/modules/membership/codes.js';
import { issueClaimCodes, issueLinkCode } from '../../src/engine/modules/setup/issue-codes.js';
import type { Notice } from '../../src/engine/notices.js';
import { createI18n, supportedLocales } from '../../src/i18n/index.js';
import { documentToText, renderNotice } from '../../src/render/index.js';
import { describeEachDatabase, type TestDatabase } from '../helpers/database.js';
import { type CommunitySetup, domainSnapshot, group, type Harness, type Person, useCommunity } from '../helpers/engine.js';

describeEachDatabase('burnExposedCode: a code shown in a group is burned', (kind) => {
  const setup = useCommunity(kind);
  let db: TestDatabase;
  let h: Harness;
  let c: CommunitySetup['c'];
  let committeeChatId: number;
  let people = 0;
  beforeAll(async () => {
    ({ db, h, c } = setup);
    committeeChatId = (await c.chatRow(c.chats.committee)).id;
  });

  const newcomer = (): Person => ({ id: `${c.slug}-newcomer${++people}`, name: `新住户${people}` });
  /** A fresh claim code for a household of 2栋 (101, 102 or 201). */
  const claimCode = async (unit: '101' | '102' | '201', days = 30) => {
    const codes = await h.engine.operate((tx, now) => issueClaimCodes(tx, c.slug, { building: '2栋', days }, now));
    return codes.find((code) => code.unit === unit)!.code;
  };
  const linkCode = async (days = 7) =>
    (await h.engine.operate((tx, now) => issueLinkCode(tx, c.slug, { binding: 'building', name: '1栋', days }, now))).code;
  const codeRow = (code: string) => db.prisma.oneTimeCode.findUniqueOrThrow({ where: { codeHash: hashCode(code) } });
  const chatOf = async (chat: ChatRef) => (await c.chatRow(chat)).id;
  /** Everything a refused command must leave alone, burned codes included. */
  const snapshot = async () => ({
    ...(await domainSnapshot(db)),
    exposed: await db.prisma.oneTimeCode.findMany({ where: { exposedAt: { not: null } }, select: { id: true, exposedAt: true } }),
  });

  /** Asserts that `text` from `who` in `chat` is refused with `code` and writes nothing but its one answer. */
  async function expectRefusedQuietly(who: Person, chat: ChatRef, text: string, code: string) {
    // The member and chat rows exist before the snapshot: a first message from anyone creates them.
    expect((await h.say(who, chat, '/help')).status).toBe('done');
    const before = await snapshot();
    const outboxBefore = await db.prisma.outboxNotice.count();
    const result = await h.say(who, chat, text);
    expect(result).toMatchObject({ status: 'refused', error: code });
    expect(result.notices).toEqual([expect.objectContaining({ type: 'command.refused', params: expect.objectContaining({ code }) })]);
    expect(await snapshot()).toEqual(before);
    expect(await db.prisma.outboxNotice.count()).toBe(outboxBefore + 1);
  }

  /** Asserts a burn: the code is marked exposed, the chat told it is void, the committee told what it was for. */
  function expectBurned(result: Awaited<ReturnType<Harness['say']>>, groupChatId: number, purpose: 'household_claim' | 'chat_link') {
    expect(result.status).toBe('done');
    expect(result.error).toBeUndefined();
    const toGroup = result.notices.filter((notice) => notice.chatId === groupChatId);
    expect(toGroup).toEqual([expect.objectContaining({ type: 'code.exposed', params: { purpose } })]);
    const toCommittee = result.notices.filter((notice) => notice.type === 'code.exposure_reported');
    expect(toCommittee.map((notice) => notice.chatId)).toEqual([committeeChatId]);
    return toCommittee[0]!;
  }

  describe('when a resident pastes /claim <claim code> in a group', () => {
    it('burns it, tells the group it is void without naming the household, and tells the committee which household', async () => {
      const who = newcomer();
      const code = await claimCode('102');
      const b1 = await chatOf(c.chats.b1);
      const claimsBefore = await db.prisma.householdClaim.count();
      const result = await h.say(who, c.chats.b1, `/claim ${code}`);

      const report = expectBurned(result, b1, 'household_claim');
      expect(report.params).toEqual({ purpose: 'household_claim', building: '2栋', unit: '102', by: who.name, chat: '1栋业主群' });
      const row = await codeRow(code);
      expect(row.exposedAt).toEqual(h.clock.now());
      expect(row.usedAt).toBeNull();
      expect(await db.prisma.householdClaim.count()).toBe(claimsBefore);
      expect(await db.prisma.auditEntry.findFirst({ where: { action: 'code.exposed', subjectId: row.id } })).toMatchObject({
        subjectType: 'code',
        data: expect.objectContaining({ purpose: 'household_claim', householdId: row.householdId, chatId: b1 }),
      });

      // What reaches the group, stored and rendered in every language, names no household.
      const rows = await db.prisma.outboxNotice.findMany({ where: { chatId: b1, type: 'code.exposed' }, orderBy: { id: 'desc' }, take: 1 });
      expect(rows[0]?.params).toEqual({ purpose: 'household_claim' });
      const i18n = createI18n();
      const groupNotice = result.notices.find((notice) => notice.chatId === b1) as Notice;
      for (const locale of supportedLocales) {
        const text = documentToText(renderNotice(i18n.getFixedT(locale), groupNotice));
        expect(text).not.toContain('102');
        expect(text).not.toContain('2栋');
      }
    });

    it('refuses the code in a private chat afterwards with code_exposed, writing nothing', async () => {
      const code = await claimCode('201');
      await h.say(newcomer(), c.chats.community, `/claim ${code}`);
      const owner = newcomer();
      await expectRefusedQuietly(owner, h.privateChat(owner), `/claim ${code}`, 'code_exposed');
      expect((await codeRow(code)).usedAt).toBeNull();
    });

    it('burns it in a group linked to nothing too, and tells the committee of the code’s community', async () => {
      const stray = group('随便一个群');
      const code = await claimCode('101');
      const result = await h.say(newcomer(), stray, `/claim ${code}`);
      const report = expectBurned(result, await chatOf(stray), 'household_claim');
      expect(report.params).toMatchObject({ building: '2栋', unit: '101', chat: '随便一个群' });
      expect((await codeRow(code)).exposedAt).not.toBeNull();
    });
  });

  describe('when /claim in a group carries no live code', () => {
    it('refuses text that is no code with private_only, burning nothing', async () => {
      await expectRefusedQuietly(newcomer(), c.chats.b1, '/claim ABCD-EFGH', 'private_only');
      await expectRefusedQuietly(newcomer(), c.chats.b1, '/claim 我的码是多少', 'private_only');
    });

    it('refuses a used code with private_only: it claims nothing any more, so nothing is burned or reported', async () => {
      const code = await claimCode('102');
      const owner = newcomer();
      expect((await h.say(owner, h.privateChat(owner), `/claim ${code}`)).status).toBe('done');
      await expectRefusedQuietly(owner, c.chats.b2, `/claim ${code}`, 'private_only');
      expect((await codeRow(code)).exposedAt).toBeNull();
    });

    it('refuses an expired code with private_only, burning nothing', async () => {
      const code = await claimCode('201', 1);
      h.clock.advance(2 * 86_400_000);
      try {
        await expectRefusedQuietly(newcomer(), c.chats.b2, `/claim ${code}`, 'private_only');
        expect((await codeRow(code)).exposedAt).toBeNull();
      } finally {
        h.clock.advance(-2 * 86_400_000);
      }
    });

    it('refuses a code already burned with private_only, without telling the committee twice', async () => {
      const code = await claimCode('101');
      expect((await h.say(newcomer(), c.chats.b1, `/claim ${code}`)).status).toBe('done');
      const { exposedAt } = await codeRow(code);
      h.clock.advance(60_000);
      try {
        await expectRefusedQuietly(newcomer(), c.chats.b2, `/claim ${code}`, 'private_only');
        expect((await codeRow(code)).exposedAt).toEqual(exposedAt);
      } finally {
        h.clock.advance(-60_000);
      }
    });
  });

  describe('when a link code is sent with /claim in a group', () => {
    it('burns it, tells the committee what it would have linked, and it links nothing afterwards', async () => {
      const code = await linkCode();
      const community = await chatOf(c.chats.community);
      const result = await h.say(c.staff.head1, c.chats.community, `/claim ${code}`);
      const report = expectBurned(result, community, 'chat_link');
      expect(report.params).toEqual({
        purpose: 'chat_link',
        binding: 'building',
        building: '1栋',
        party: null,
        by: c.staff.head1.name,
        chat: '幸福社区居民群',
      });
      const fresh = group('新建的1栋群');
      await expectRefusedQuietly(c.staff.head1, fresh, `/link ${code}`, 'code_exposed');
      expect((await c.chatRow(fresh)).binding).toBeNull();
    });
  });

  describe('when a claim code is sent with /link in a group', () => {
    it('burns it instead of refusing it for its purpose, and the group stays unlinked', async () => {
      const code = await claimCode('102');
      const fresh = group('想关联的群');
      const result = await h.say(newcomer(), fresh, `/link ${code}`);
      const report = expectBurned(result, await chatOf(fresh), 'household_claim');
      expect(report.params).toMatchObject({ building: '2栋', unit: '102' });
      expect(await c.chatRow(fresh)).toMatchObject({ binding: null, communityId: null });
      const owner = newcomer();
      await expectRefusedQuietly(owner, h.privateChat(owner), `/claim ${code}`, 'code_exposed');
    });

    it('still links a group with a live link code, burning nothing', async () => {
      const code = await linkCode();
      const fresh = group('另一个1栋群');
      expect((await h.say(c.staff.head1, fresh, `/link ${code}`)).status).toBe('done');
      expect(await codeRow(code)).toMatchObject({ exposedAt: null, usedAt: expect.any(Date) });
    });
  });

  describe('when a code is sent in a private chat, where only the bot saw it', () => {
    it('refuses a link code sent with /link as group_only and does not burn it; it still links a group', async () => {
      const code = await linkCode();
      const who = c.staff.head1;
      await expectRefusedQuietly(who, h.privateChat(who), `/link ${code}`, 'group_only');
      await expectRefusedQuietly(who, h.privateChat(who), `/claim ${code}`, 'code_wrong_purpose');
      expect((await codeRow(code)).exposedAt).toBeNull();
      expect((await h.say(who, group('私聊后再关联的群'), `/link ${code}`)).status).toBe('done');
    });

    it('refuses a claim code sent with /link as group_only and does not burn it; it still claims', async () => {
      const code = await claimCode('201');
      const owner = newcomer();
      await expectRefusedQuietly(owner, h.privateChat(owner), `/link ${code}`, 'group_only');
      expect((await codeRow(code)).exposedAt).toBeNull();
      expect((await h.say(owner, h.privateChat(owner), `/claim ${code}`)).status).toBe('done');
    });
  });

  describe('when a burn and a private claim of one code race', () => {
    it('lets exactly one of them happen', async () => {
      const code = await claimCode('101');
      const owner = newcomer();
      const [inGroup, inPrivate] = await Promise.all([
        h.say(newcomer(), c.chats.b2, `/claim ${code}`),
        h.say(owner, h.privateChat(owner), `/claim ${code}`),
      ]);
      const row = await codeRow(code);
      if (inPrivate.status === 'done') {
        expect(inGroup).toMatchObject({ status: 'refused', error: 'private_only' });
        expect(row).toMatchObject({ exposedAt: null, usedAt: expect.any(Date) });
      } else {
        expect(inGroup.status).toBe('done');
        expect(inPrivate).toMatchObject({ status: 'refused', error: 'code_exposed' });
        expect(row).toMatchObject({ exposedAt: expect.any(Date), usedAt: null });
      }
    });
  });
});
