import { describe, expect, it } from 'vitest';
import { domainErrorCodes } from '../../src/core/errors.js';
import { decodeButton } from '../../src/engine/buttons.js';
import { commandNames } from '../../src/engine/capabilities.js';
import type { Button, NoticeType, PollHeader } from '../../src/engine/notices.js';
import { createI18n, type Locale, supportedLocales, type TFunction } from '../../src/i18n/index.js';
import { type DocumentButton, documentToText, percent, type RenderedDocument, renderNotice } from '../../src/render/index.js';
import {
  createdAt,
  deadline,
  noticeTypes,
  ordinaryFinal,
  ordinaryLive,
  ordinaryNoQuorum,
  ordinaryPoll,
  ordinaryResults,
  ownersFinal,
  ownersLive,
  ownersNoQuorum,
  ownersOrdinaryRejected,
  ownersPoll,
  pollResults,
  type Renderable,
  refusalParams,
  samples,
  voteButtons,
  voterNames,
} from './samples.js';

const i18n = createI18n();
const fixed = (locale: Locale): TFunction => i18n.getFixedT(locale);
/** The document, its plain text (what Telegram sends, before escaping) and its buttons in order, row after row. */
type Rendered = { document: RenderedDocument; text: string; buttons: DocumentButton[] };
const render = (locale: Locale, notice: Renderable, timeZone?: string): Rendered => {
  const document = renderNotice(fixed(locale), notice, timeZone ? { timeZone } : {});
  return { document, text: documentToText(document), buttons: document.buttons.flat() };
};

const cases = supportedLocales.flatMap((locale) => samples.map((sample) => [locale, sample.name, sample] as const));

describe('renderNotice', () => {
  it('has a sample of every notice type', () => {
    const sampled = new Set(samples.map((sample) => sample.notice.type));
    expect(Object.keys(noticeTypes).filter((type) => !sampled.has(type as NoticeType))).toEqual([]);
  });

  describe.each(cases)('in %s, %s', (locale, _name, { notice, numbers }) => {
    const { document, text, buttons } = render(locale, notice);

    it('gives non-empty text (a blank tap answer says nothing)', () => {
      if (notice.type === 'tap.answered') expect(text).toBe('');
      else expect(text.trim()).not.toBe('');
    });

    it('leaves no i18next key or placeholder unresolved', () => {
      for (const leftover of ['notices:', 'errors:', 'labels:', 'commands:', 'common:', '{{', '}}']) expect(text).not.toContain(leftover);
    });

    it('looks up only keys that exist', () => {
      const t = fixed(locale);
      const keys: Array<[string, Record<string, unknown> | undefined]> = [];
      const spy = ((key: string, options?: Record<string, unknown>) => {
        keys.push([key, options]);
        return t(key, options);
      }) as unknown as TFunction;
      expect(renderNotice(spy, notice)).toEqual(document);
      if (notice.type !== 'tap.answered') expect(keys.length).toBeGreaterThan(0);
      // With a count, a key exists in its plural forms (key_one, key_other) as i18next picks them.
      const missing = keys.filter(
        ([key, options]) =>
          !i18n.exists(key, { lng: locale, ...(options && 'count' in options ? { count: options.count as number } : {}) }),
      );
      expect(missing.map(([key]) => key)).toEqual([]);
    });

    if (numbers.length > 0) {
      it('mentions the issue number', () => {
        for (const number of numbers) expect(text).toMatch(new RegExp(`#${number}(?!\\d)`));
      });
    }

    it('renders one labelled button per button, in order, each with an id that decodes', () => {
      expect(buttons).toHaveLength(notice.buttons?.length ?? 0);
      expect(buttons.map((button) => button.kind)).toEqual((notice.buttons ?? []).map((button) => button.kind));
      for (const button of buttons) {
        expect(button.label.trim()).not.toBe('');
        expect(decodeButton(button.id)).not.toBeNull();
        expect(button.label).not.toMatch(/labels:|\{\{/);
      }
      for (const row of document.buttons) expect(row.length).toBeGreaterThan(0);
    });

    it('has no empty block (a blank tap answer has none at all)', () => {
      if (notice.type === 'tap.answered') expect(document.blocks).toEqual([]);
      else expect(document.blocks.length).toBeGreaterThan(0);
      for (const block of document.blocks) {
        if (block.kind === 'list') {
          expect(block.items.length).toBeGreaterThan(0);
          for (const item of block.items) expect(item.trim()).not.toBe('');
        } else expect(block.text.trim()).not.toBe('');
      }
    });
  });

  describe.each(supportedLocales)('for a refusal in %s', (locale) => {
    it.each(domainErrorCodes.filter((code) => code !== 'usage'))('shows the params of %s', (code) => {
      const { role, ...shown } = refusalParams[code];
      const { text } = render(locale, { type: 'command.refused', params: { code, ...refusalParams[code] } });
      for (const value of Object.values(shown)) expect(text).toContain(String(value));
      if (role !== undefined) expect(text).not.toContain(String(role));
    });
  });

  describe('when the notice is issue.supported', () => {
    it('tells the household count and the threshold in English', () => {
      const { text } = render('en', { type: 'issue.supported', params: { number: 12, households: 3, threshold: 5 } });
      expect(text).toContain('issue #12');
      expect(text).toContain('Households supporting it: 3');
      expect(text).toContain('it moves up at 5');
    });

    it('tells the household count and the threshold in Chinese', () => {
      const { text } = render('zh-CN', { type: 'issue.supported', params: { number: 12, households: 3, threshold: 5 } });
      expect(text).toContain('#12');
      expect(text).toContain('目前附议户数：3');
      expect(text).toContain('达到 5 户');
    });
  });

  describe('when a command is refused for its usage', () => {
    it('shows the command’s usage in Chinese', () => {
      const { text } = render('zh-CN', { type: 'command.refused', params: { code: 'usage', command: 'support' } });
      expect(text).toContain('/support <编号>');
      expect(text).toContain('正确用法');
    });

    it('shows the command’s usage in English', () => {
      const { text } = render('en', { type: 'command.refused', params: { code: 'usage', command: 'assign' } });
      expect(text).toContain('/assign <number> <responsible body> <days>');
    });

    it.each(supportedLocales.flatMap((locale) => commandNames.map((command) => [locale, command] as const)))(
      'shows a usage in %s for /%s',
      (locale, command) => {
        const { text } = render(locale, { type: 'command.refused', params: { code: 'usage', command } });
        expect(text).toContain(`/${command}`);
        expect(text).not.toContain('{{');
      },
    );
  });

  describe.each(supportedLocales)('when a code was shown in public, in %s', (locale) => {
    it('tells the chat what to send instead, for a claim code and for a link code', () => {
      expect(render(locale, { type: 'code.exposed', params: { purpose: 'household_claim' } }).text).toContain('/claim');
      expect(render(locale, { type: 'code.exposed', params: { purpose: 'chat_link' } }).text).toContain('/link');
    });

    it("tells the committee the household's building and unit, who posted it and where", () => {
      const { text } = render(locale, {
        type: 'code.exposure_reported',
        params: { purpose: 'household_claim', building: '3栋', unit: '1-101', by: '王五', chat: '3栋业主群' },
      });
      for (const shown of ['3栋', '1-101', '王五', '3栋业主群']) expect(text).toContain(shown);
    });

    it('names what a link code was for, and an untitled chat by a label', () => {
      const t = fixed(locale);
      const { text } = render(locale, {
        type: 'code.exposure_reported',
        params: { purpose: 'chat_link', binding: 'party', building: null, party: '物业公司', by: 'Alice', chat: null },
      });
      expect(text).toContain('物业公司');
      expect(text).toContain(t('labels:untitled_chat'));
      const committee = render(locale, {
        type: 'code.exposure_reported',
        params: { purpose: 'chat_link', binding: 'committee', building: null, party: null, by: 'Alice', chat: '群' },
      });
      expect(committee.text).toContain(t('labels:binding.committee'));
    });
  });

  describe('when a refusal names a role', () => {
    it('shows the role’s label', () => {
      const params = { code: 'escalate_role_required', role: 'building_head', number: 12 } as const;
      expect(render('en', { type: 'command.refused', params }).text).toContain('Only a building head');
      expect(render('zh-CN', { type: 'command.refused', params }).text).toContain('只能由楼长');
    });
  });

  describe('when the notice is an unknown command', () => {
    it('names the command', () => {
      expect(render('en', { type: 'command.refused', params: { code: 'unknown_command', name: 'vote' } }).text).toContain(
        "I don't know /vote",
      );
      expect(render('zh-CN', { type: 'command.refused', params: { code: 'unknown_command', name: 'vote' } }).text).toContain('没有 /vote');
    });
  });

  describe('when the notice has buttons', () => {
    it('labels a support button and encodes it', () => {
      const notice: Renderable = {
        type: 'issue.raised',
        params: { number: 12, text: '电梯坏了', category: 'facilities', scope: { building: '3栋' }, level: 'building' },
        buttons: [{ kind: 'support', number: 12 }],
      };
      expect(render('en', notice).buttons).toEqual([{ id: 's:12', label: '👍 Support #12', kind: 'support' }]);
      expect(render('zh-CN', notice).buttons).toEqual([{ id: 's:12', label: '👍 附议 #12', kind: 'support' }]);
    });

    it('labels rating buttons with their score', () => {
      const notice: Renderable = {
        type: 'issue.resolved',
        params: { number: 12, note: null },
        buttons: [1, 2, 3, 4, 5].map((score): Button => ({ kind: 'rate', number: 12, score })),
      };
      const { buttons } = render('en', notice);
      expect(buttons.map((button) => button.id)).toEqual(['r:12:1', 'r:12:2', 'r:12:3', 'r:12:4', 'r:12:5']);
      expect(buttons.map((button) => button.label)).toEqual(['1★', '2★', '3★', '4★', '5★']);
    });

    it('labels the draft and forget buttons', () => {
      const duplicate = render('zh-CN', {
        type: 'issue.looks_duplicate',
        params: { similar: [{ number: 7, text: '电梯又坏了' }] },
        buttons: [
          { kind: 'support', number: 7 },
          { kind: 'raise_draft', draftId: 4 },
        ],
      });
      expect(duplicate.buttons).toEqual([
        { id: 's:7', label: '👍 附议 #7', kind: 'support' },
        { id: 'd:4', label: '仍然提出我的议题', kind: 'raise_draft' },
      ]);
      const forget = render('en', { type: 'member.forget_requested', params: {}, buttons: [{ kind: 'forget_confirm' }] });
      expect(forget.buttons).toEqual([{ id: 'f', label: 'Yes, delete my data', kind: 'forget_confirm' }]);
    });

    it('gives no buttons when the notice has none', () => {
      expect(render('en', { type: 'command.failed', params: {} }).buttons).toEqual([]);
    });
  });

  describe('when the notice names labelled values', () => {
    it('shows the language’s name', () => {
      expect(render('en', { type: 'member.language_set', params: { locale: 'zh-CN' } }).text).toContain('Chinese (简体中文)');
      expect(render('zh-CN', { type: 'member.language_set', params: { locale: 'zh-CN' } }).text).toContain('简体中文');
    });

    it('shows the levels and the cause of an escalation', () => {
      const { text } = render('en', {
        type: 'issue.escalated',
        params: { number: 12, text: 'Lift broken', from: 'building', to: 'resident_group', cause: 'support', by: null },
      });
      expect(text).toContain('from the building level to the resident group level (enough neighbours supported it)');
    });

    it('shows the category, scope and level of a raised issue', () => {
      const { text } = render('zh-CN', {
        type: 'issue.raised',
        params: { number: 12, text: '电梯坏了', category: null, scope: { building: null }, level: 'building' },
      });
      expect(text).toContain('（其他，全社区）');
      expect(text).toContain('/support 12');
      expect(text).toContain('“楼栋”');
    });

    it('lists every command with its usage and summary in help', () => {
      const { text } = render('en', { type: 'member.help', params: { roles: [], chatKind: 'private', commands: ['support', 'rate'] } });
      expect(text.split('\n')).toEqual([
        'Commands you can use here:',
        "/support <number> — back a neighbour's issue",
        '/rate <number> <1-5> — rate how a resolved issue was handled',
      ]);
    });
  });

  describe('when the notice carries a date', () => {
    const shown: Renderable = {
      type: 'issue.shown',
      params: {
        number: 12,
        text: '电梯坏了',
        status: 'in_progress',
        category: 'facilities',
        scope: { building: '3栋' },
        level: 'building',
        triage: 'big',
        supporters: 2,
        createdAt,
        followUp: { party: '物业公司', deadline, response: null },
        hiddenReason: null,
        steps: [],
        meetings: [],
      },
    };

    it('formats it in Asia/Shanghai by default', () => {
      const { text } = render('en', shown);
      expect(text).toContain('Mar 1, 2026');
      expect(text).toContain('10:30');
      expect(text).toContain('Mar 8, 2026');
      expect(text).not.toContain('Answer:');
    });

    it('formats it in the time zone asked for', () => {
      const { text } = render('en', shown, 'UTC');
      expect(text).toContain('2:30');
      expect(text).not.toContain('10:30');
    });

    it('formats it in Chinese for zh-CN', () => {
      expect(render('zh-CN', shown).text).toContain('2026年3月1日');
    });
  });

  describe('when a text is long', () => {
    it('shortens a listed issue to 60 characters', () => {
      const long = '楼'.repeat(100);
      const { text } = render('zh-CN', {
        type: 'issue.listed',
        params: { issues: [{ number: 12, text: long, status: 'open', level: 'building', supporters: 1 }] },
      });
      expect(text).toContain(`#12 ${'楼'.repeat(59)}… ——`);
    });

    it('keeps a raised issue whole', () => {
      const long = 'x'.repeat(500);
      const { text } = render('en', {
        type: 'issue.raised',
        params: { number: 12, text: long, category: null, scope: { building: null }, level: 'building' },
      });
      expect(text).toContain(long);
    });
  });

  describe('when the notice is about a poll', () => {
    const lines = (locale: Locale, notice: Renderable) => render(locale, notice).text.split('\n');

    it('shows exact shares of an ordinary poll with one decimal', () => {
      expect(lines('en', { type: 'poll.results', params: ordinaryLive })).toEqual([
        'Poll #3 so far: 楼道要不要粉刷？',
        '要: 2 (66.7%)',
        '不要: 1 (33.3%)',
        '再议: 0 (0.0%)',
        'Turnout: 3 of 6 (50.0%)',
        'Quorum of 60%: not reached',
        'Closes Mar 8, 2026, 10:30 AM.',
      ]);
      const zh = render('zh-CN', { type: 'poll.closed', params: ordinaryFinal }).text;
      expect(zh).toContain('要：2 票（66.7%）');
      expect(zh).toContain('不要：1 票（33.3%）');
      expect(zh).toContain('参与：5 人中 3 人（60.0%）');
      expect(zh).toContain('60% 的参与门槛：已达到');
    });

    it('tells a live result from a final one', () => {
      const live = render('en', { type: 'poll.results', params: ordinaryLive }).text;
      const final = render('en', { type: 'poll.results', params: ordinaryFinal }).text;
      const closed = render('en', { type: 'poll.closed', params: ordinaryFinal }).text;
      expect(live).toContain('Poll #3 so far');
      expect(live).toContain('Closes Mar 8, 2026');
      expect(final).toMatch(/^Result of poll #3: /);
      expect(final).not.toContain('Closes');
      expect(closed).toMatch(/^Poll #3 has closed: /);
      expect(closed).toContain('Quorum of 60%: reached');
      expect(render('zh-CN', { type: 'poll.results', params: ordinaryLive }).text).toContain('截止时间：2026年3月8日');
      expect(render('zh-CN', { type: 'poll.results', params: ordinaryFinal }).text).not.toContain('截止时间');
    });

    it('leaves out the quorum line of a poll without a quorum', () => {
      expect(render('en', { type: 'poll.results', params: ordinaryNoQuorum }).text).not.toContain('Quorum');
      expect(render('zh-CN', { type: 'poll.results', params: ordinaryNoQuorum }).text).not.toContain('门槛');
    });

    it('lists an ordinary poll’s options and its rules when it opens', () => {
      expect(lines('en', { type: 'poll.opened', params: ordinaryPoll })).toEqual([
        'Poll #3 (3栋): 楼道要不要粉刷？',
        '1. 要',
        '2. 不要',
        '3. 再议',
        'You may choose several options.',
        'Secret ballot: nobody, the committee included, can see who voted what.',
        'Valid if at least 60% of those eligible vote.',
        'Closes Mar 8, 2026, 10:30 AM.',
      ]);
      const zh = render('zh-CN', { type: 'poll.opened', params: ordinaryPoll }).text;
      expect(zh).toContain('#3 号投票（3栋）');
      expect(zh).toContain('可以多选');
      expect(zh).toContain('无记名投票');
      expect(zh).toContain('至少 60% ');
    });

    it('names the kind of matter of an owners’ vote when it opens, not its option codes', () => {
      const en = render('en', { type: 'poll.opened', params: ownersPoll }).text;
      expect(en).toContain("Owners' vote #4 (the whole community, major matter: passes with at least 3/4");
      expect(en).not.toMatch(/^\d\. /m);
      const zh = render('zh-CN', { type: 'poll.opened', params: ownersPoll }).text;
      expect(zh).toContain('#4 号业主表决（全社区，重大事项');
      expect(render('zh-CN', { type: 'poll.opened', params: { ...ownersPoll, matterClass: 'ordinary' } }).text).toContain('一般事项');
    });

    it('labels an owners’ vote’s buttons in the reader’s language', () => {
      const notice: Renderable = { type: 'poll.opened', params: ownersPoll, buttons: voteButtons(ownersPoll) };
      expect(render('zh-CN', notice).buttons).toEqual([
        { id: 'v:4:0', label: '同意', kind: 'vote' },
        { id: 'v:4:1', label: '反对', kind: 'vote' },
        { id: 'v:4:2', label: '弃权', kind: 'vote' },
      ]);
      expect(render('en', notice).buttons).toEqual([
        { id: 'v:4:0', label: 'yes', kind: 'vote' },
        { id: 'v:4:1', label: 'no', kind: 'vote' },
        { id: 'v:4:2', label: 'abstain', kind: 'vote' },
      ]);
    });

    it('labels an ordinary poll’s buttons with the options as typed', () => {
      const notice: Renderable = { type: 'poll.opened', params: ordinaryPoll, buttons: voteButtons(ordinaryPoll) };
      for (const locale of supportedLocales) {
        expect(render(locale, notice).buttons).toEqual([
          { id: 'v:3:0', label: '要', kind: 'vote' },
          { id: 'v:3:1', label: '不要', kind: 'vote' },
          { id: 'v:3:2', label: '再议', kind: 'vote' },
        ]);
      }
    });

    it('shows an owners’ vote short of its quorum, with the gap and the buildings still to vote', () => {
      expect(lines('en', { type: 'poll.closed', params: ownersNoQuorum })).toEqual([
        "Owners' vote #4 has closed: 使用维修资金更换电梯",
        'Taking part: 60 of 120 households (50.0%), 5400.50 of 10800.00 m² (50.0%)',
        'Quorum (2/3 of the area and 2/3 of the households): not reached (area not reached, households not reached)',
        'yes: 40 households (66.7%), 3600.25 m² (66.7%) of those taking part',
        'no: 15 households (25.0%), 1350.25 m² (25.0%) of those taking part',
        'abstain: 5 households (8.3%), 450.00 m² (8.3%) of those taking part',
        'Needed to pass: at least 3/4 of the participating area and of the participating households.',
        'Still needed for the quorum: 20 households and 1799.50 m².',
        '1栋: 30 of 50 voted; 20 households (1800.00 m²) still to vote',
        '2栋: 10 of 50 voted; 40 households (3599.50 m²) still to vote',
        'Verdict: not valid: the quorum was not reached.',
      ]);
      const zh = render('zh-CN', { type: 'poll.closed', params: ownersNoQuorum }).text;
      expect(zh).toContain('表决结果：无效：参与表决的业主未达法定比例。');
      expect(zh).toContain('距法定参与比例还差：20 户、1799.50 平方米。');
      expect(zh).toContain('1栋：50 户中已投 30 户；还有 20 户（1800.00 平方米）未投');
      expect(zh).toContain('同意：40 户（66.7%），3600.25 平方米（66.7%）');
      expect(zh).not.toContain('5栋');
    });

    it('tells what the verdict would be while an owners’ vote is open', () => {
      const en = render('en', { type: 'poll.results', params: ownersLive }).text;
      expect(en).toContain('If it closed now: not valid: the quorum was not reached.');
      expect(en).not.toContain('Verdict:');
      expect(en).toContain('Closes Mar 8, 2026');
      expect(render('zh-CN', { type: 'poll.results', params: ownersLive }).text).toContain('如现在结束：无效');
    });

    it('shows a passed owners’ vote with its paper ballots and no gap', () => {
      const en = render('en', { type: 'poll.closed', params: ownersFinal }).text;
      expect(en).toContain('Taking part: 96 of 120 households (80.0%), 8640.00 of 10800.00 m² (80.0%)');
      expect(en).toContain('yes: 84 households (87.5%), 7560.00 m² (87.5%)');
      expect(en).toContain('abstain: 4 households (4.2%), 360.00 m² (4.2%)');
      expect(en).toContain('Of these, 2 paper or proxy ballots.');
      expect(en).toContain('Verdict: passed.');
      expect(en).not.toContain('Still needed');
      expect(en).not.toContain('still to vote');
      const zh = render('zh-CN', { type: 'poll.closed', params: ownersFinal }).text;
      expect(zh).toContain('表决结果：通过。');
      expect(zh).toContain('其中纸质或委托投票 2 张。');
      expect(zh).toContain('面积四分之三以上');
      expect(zh).not.toContain('还差');
    });

    it('shows a rejected owners’ vote on an ordinary matter with its own threshold', () => {
      const en = render('en', { type: 'poll.closed', params: ownersOrdinaryRejected }).text;
      expect(en).toContain('Needed to pass: more than 1/2 of the participating area');
      expect(en).toContain('Verdict: rejected.');
      expect(en).not.toContain('paper');
      const zh = render('zh-CN', { type: 'poll.closed', params: ownersOrdinaryRejected }).text;
      expect(zh).toContain('表决结果：未通过。');
      expect(zh).toContain('过半数');
    });

    it('confirms a vote, a household’s ballot and a withdrawal', () => {
      const vote = (choices: string[], households: string[]): Renderable => ({
        type: 'poll.vote_recorded',
        params: { number: 4, question: ownersPoll.question, choices, households, secret: false },
      });
      expect(render('zh-CN', vote(['yes'], ['1栋 101'])).text).toContain('同意（1栋 101）');
      expect(render('en', vote(['abstain'], ['1栋 101', '2栋 202'])).text).toContain('abstain (1栋 101; 2栋 202)');
      expect(render('en', vote(['要', '再议'], [])).text).toContain('recorded: 要; 再议.');
      expect(render('zh-CN', vote(['要', '再议'], [])).text).toContain('已记录：要；再议。');
      expect(render('en', vote([], [])).text).toBe('You no longer have a choice in poll #4.');
      expect(render('zh-CN', vote([], ['1栋 101'])).text).toBe('您在 #4 号投票中已没有任何选择。');
    });

    it('names who has not voted only when the notice carries names', () => {
      const reminder = (notVoted: string[] | null, notVotedCount: number): Renderable => ({
        type: 'poll.reminder',
        params: { number: 6, question: '周六一起打扫楼道？', closesAt: deadline, notVoted, notVotedCount, scope: { building: '3栋' } },
      });
      expect(lines('en', reminder(['王五', 'Alice'], 2))).toEqual([
        'Reminder: poll #6 "周六一起打扫楼道？" (3栋) closes Mar 8, 2026, 10:30 AM; 2 have not voted yet.',
        'Not voted yet: 王五; Alice',
      ]);
      expect(render('zh-CN', reminder(['王五', 'Alice'], 2)).text).toContain('尚未投票：王五；Alice');
      expect(lines('en', reminder(null, 7))).toHaveLength(1);
      expect(render('en', reminder(null, 7)).text).toContain('7 have not voted yet');
      expect(render('zh-CN', reminder(null, 7)).text).toContain('还有 7 位未投票');
      expect(render('zh-CN', reminder(null, 7)).text).not.toContain('尚未投票：');
      expect(lines('zh-CN', reminder([], 0))).toHaveLength(1);
      // The count is the scope's: its building, or the whole community.
      expect(render('zh-CN', reminder(null, 7)).text).toContain('（3栋）');
      const communityWide: Renderable = {
        type: 'poll.reminder',
        params: { ...reminder(null, 7).params, scope: { building: null } } as never,
      };
      expect(render('zh-CN', communityWide).text).toContain('（全社区）');
    });

    it('never shows a voter’s name in a secret poll’s notices', () => {
      const secret: Renderable[] = [
        { type: 'poll.opened', params: ordinaryPoll, buttons: voteButtons(ordinaryPoll) },
        {
          type: 'poll.vote_recorded',
          params: { number: 3, question: ordinaryPoll.question, choices: ['要'], households: [], secret: true },
        },
        { type: 'poll.results', params: ordinaryLive },
        { type: 'poll.closed', params: ordinaryFinal },
        {
          type: 'poll.reminder',
          params: { number: 3, question: ordinaryPoll.question, closesAt: deadline, notVoted: null, notVotedCount: 2 },
        },
      ];
      for (const locale of supportedLocales) {
        for (const notice of secret) {
          const { text, buttons } = render(locale, notice);
          for (const name of voterNames) {
            expect(text).not.toContain(name);
            expect(JSON.stringify(buttons)).not.toContain(name);
          }
        }
      }
    });

    it('lists the households still to vote by building', () => {
      const listed: Renderable = {
        type: 'poll.turnout_listed',
        params: {
          number: 4,
          buildings: [
            { building: '1栋', units: ['1-101', '1-102'] },
            { building: '2栋', units: ['3-301'] },
          ],
        },
      };
      expect(lines('en', listed)).toEqual([
        "Owners' vote #4, households that have not voted yet:",
        '1栋 (2): 1-101; 1-102',
        '2栋 (1): 3-301',
      ]);
      expect(lines('zh-CN', listed)).toEqual(['#4 号业主表决，尚未投票的住户：', '1栋（2 户）：1-101；1-102', '2栋（1 户）：3-301']);
      expect(render('en', { type: 'poll.turnout_listed', params: { number: 4, buildings: [] } }).text).toBe(
        "Every household has voted in owners' vote #4.",
      );
      expect(render('zh-CN', { type: 'poll.turnout_listed', params: { number: 4, buildings: [] } }).text).toContain('所有住户都已投票');
    });

    it('tells the progress towards the quorum, and when it is reached', () => {
      const progress = (percentOfQuorum: number, households: number, area: string): Renderable => ({
        type: 'poll.turnout_progress',
        params: { number: 4, percentOfQuorum, gap: { households, area } },
      });
      expect(render('en', progress(75, 20, '1799.50')).text).toBe(
        "Owners' vote #4 is 75% of the way to its quorum: 20 more households and 1799.50 m² are needed.",
      );
      expect(render('zh-CN', progress(75, 20, '1799.50')).text).toContain('75%：还需 20 户、1799.50 平方米');
      expect(render('en', progress(100, 0, '0.00')).text).toContain('has reached its quorum');
      expect(render('zh-CN', progress(100, 0, '0.00')).text).toContain('已达到法定参与比例');
      expect(render('zh-CN', progress(100, 0, '0.00')).text).not.toContain('还需');
    });

    it('confirms a paper ballot, and a replaced one, with the choice’s label', () => {
      const paper = (choice: string, replaced: boolean): Renderable => ({
        type: 'poll.paper_recorded',
        params: { number: 4, building: '3栋', unit: '1-101', choice, replaced },
      });
      expect(render('zh-CN', paper('yes', false)).text).toBe('已在 #4 号业主表决中为 3栋 1-101 登记纸质票：同意。');
      expect(render('zh-CN', paper('abstain', true)).text).toBe('已更新 3栋 1-101 在 #4 号业主表决中的纸质票：弃权。');
      expect(render('en', paper('no', false)).text).toBe("Paper ballot recorded in owners' vote #4 for 3栋 1-101: no.");
      expect(render('en', paper('no', true)).text).toBe("Paper ballot for 3栋 1-101 in owners' vote #4 replaced: no.");
    });

    it('passes a typed question and options through unchanged', () => {
      const typed = '{{name}} <b>A & B</b> $t(notices:command.failed)';
      const poll: PollHeader = { ...ordinaryPoll, question: typed, options: [typed, 'B'] };
      const results = pollResults(poll, false, {
        ordinary: { ...ordinaryResults(5, null), counts: [{ label: typed, votes: 1, share: { numerator: 1, denominator: 1 } }] },
        owners: null,
      });
      for (const locale of supportedLocales) {
        expect(render(locale, { type: 'poll.opened', params: poll }).text.split(typed)).toHaveLength(3);
        expect(render(locale, { type: 'poll.results', params: results }).text.split(typed)).toHaveLength(3);
        expect(render(locale, { type: 'poll.opened', params: poll, buttons: voteButtons(poll) }).buttons[0]?.label).toBe(typed);
      }
    });
  });

  describe('percent', () => {
    it('rounds an exact fraction half up to one decimal', () => {
      expect(percent({ numerator: 2, denominator: 3 })).toBe('66.7%');
      expect(percent({ numerator: 1, denominator: 3 })).toBe('33.3%');
      expect(percent({ numerator: 1, denominator: 8 })).toBe('12.5%');
      expect(percent({ numerator: 1, denominator: 16 })).toBe('6.3%');
      expect(percent({ numerator: 1, denominator: 2000 })).toBe('0.1%');
      expect(percent({ numerator: 0, denominator: 7 })).toBe('0.0%');
      expect(percent({ numerator: 7, denominator: 7 })).toBe('100.0%');
      expect(percent({ numerator: 0, denominator: 0 })).toBe('-');
    });

    it('agrees with integer arithmetic for every fraction up to 1/200', () => {
      for (let denominator = 1; denominator <= 200; denominator++) {
        for (let numerator = 0; numerator <= denominator; numerator++) {
          const quotient = Math.floor((numerator * 1000) / denominator);
          const remainder = (numerator * 1000) % denominator;
          const tenths = remainder * 2 >= denominator ? quotient + 1 : quotient;
          expect(percent({ numerator, denominator })).toBe(`${Math.floor(tenths / 10)}.${tenths % 10}%`);
        }
      }
    });
  });

  describe('when a resident typed markup or template syntax', () => {
    const typed = ['A<li>ce', 'Tom & <b>Jerry</b>', '{{name}} <script>alert(1)</script>', '$t(notices:command.failed)', '&amp; "quoted"'];

    it.each(supportedLocales.flatMap((locale) => typed.map((value) => [locale, value] as const)))(
      'in %s passes %j through unchanged',
      (locale, value) => {
        const texts = [
          render(locale, { type: 'member.welcomed', params: { name: value, community: null } }).text,
          render(locale, { type: 'member.welcomed', params: { name: value, community: value } }).text,
          render(locale, {
            type: 'issue.raised',
            params: { number: 12, text: value, category: null, scope: { building: value }, level: 'building' },
          }).text,
          render(locale, { type: 'issue.responded', params: { number: 12, party: value, response: value, late: false } }).text,
          render(locale, { type: 'issue.hidden', params: { number: 12, reason: value } }).text,
          render(locale, { type: 'issue.looks_duplicate', params: { similar: [{ number: 12, text: value }] } }).text,
          render(locale, { type: 'command.refused', params: { code: 'responder_not_found', name: value, known: value } }).text,
        ];
        for (const text of texts) expect(text).toContain(value);
      },
    );

    it('keeps the resident’s name exactly', () => {
      expect(render('en', { type: 'member.welcomed', params: { name: 'A<li>ce', community: null } }).text).toMatch(/^Hello A<li>ce!/);
      expect(render('zh-CN', { type: 'member.welcomed', params: { name: 'A<li>ce', community: null } }).text).toMatch(/^A<li>ce您好！/);
    });
  });
});

describe('small slips in the texts (issue 17)', () => {
  it('tells the raiser "which you raised", a supporter "which you supported"', () => {
    const asked = (raiser: boolean): Renderable => ({ type: 'issue.rating_requested', params: { number: 12, text: '电梯坏了', raiser } });
    expect(render('zh-CN', asked(true)).text).toMatch(/^您提出的 #12 号议题已办结/);
    expect(render('zh-CN', asked(false)).text).toMatch(/^您附议的 #12 号议题已办结/);
    expect(render('en', asked(true)).text).toMatch(/^Issue #12, which you raised, is resolved/);
    expect(render('en', asked(false)).text).toMatch(/^Issue #12, which you supported, is resolved/);
    // A notice written before the flag existed reads as to a supporter.
    expect(render('en', { type: 'issue.rating_requested', params: { number: 12, text: '电梯坏了' } }).text).toContain(
      'which you supported',
    );
  });

  describe.each(supportedLocales)('in %s, a chat linked', (locale) => {
    const linked = (binding: string): string =>
      render(locale, {
        type: 'chat.linked',
        params: {
          binding,
          community: '幸福社区',
          building: binding === 'building' ? '3栋' : null,
          party: binding === 'party' ? '物业' : null,
        },
      }).text;

    it.each(['building', 'community'])('for %s tells residents they can raise issues there', (binding) => {
      expect(linked(binding)).toContain('/issue');
    });

    it.each(['committee', 'party', 'subdistrict'])('for %s does not offer /issue, which is refused there', (binding) => {
      expect(linked(binding)).not.toContain('/issue');
    });

    it('for a party offers /respond', () => {
      expect(linked('party')).toContain('/respond');
    });
  });

  describe("an owners' vote's reminder counts households and calls it an owners' vote", () => {
    const reminder = (kind: 'ordinary' | 'owners_vote' | undefined, count: number): Renderable => ({
      type: 'poll.reminder',
      params: { number: 4, question: '续聘物业？', closesAt: deadline, ...(kind ? { kind } : {}), notVoted: null, notVotedCount: count },
    });

    it('in Chinese: 户 and 业主表决', () => {
      const text = render('zh-CN', reminder('owners_vote', 1)).text;
      expect(text).toContain('#4 号业主表决');
      expect(text).toContain('还有 1 户未参与表决');
      expect(text).not.toContain('位');
      expect(render('zh-CN', reminder('ordinary', 1)).text).toContain('#4 号投票');
      expect(render('zh-CN', reminder(undefined, 1)).text).toContain('还有 1 位未投票');
    });

    it('in English, in the singular and the plural', () => {
      expect(render('en', reminder('owners_vote', 1)).text).toContain("owners' vote #4");
      expect(render('en', reminder('owners_vote', 1)).text).toContain('1 household has not voted yet');
      expect(render('en', reminder('owners_vote', 3)).text).toContain('3 households have not voted yet');
      expect(render('en', reminder('ordinary', 1)).text).toContain('1 has not voted yet');
    });

    it('the private reminder of an owners’ vote does not call it 投票', () => {
      const text = render('zh-CN', {
        type: 'poll.vote_reminder',
        params: { number: 4, question: '续聘物业？', closesAt: deadline, hoursLeft: 26, households: ['1栋 101'] },
      }).text;
      expect(text).not.toContain('投票');
      expect(text).toContain('尚未参与表决');
    });
  });

  describe('English says one household, one day, one rater, one ballot', () => {
    const one = {
      total: { households: 1, area: '90.00' },
      participating: { households: 1, area: '90.00' },
      byChoice: {
        yes: { households: 1, area: '90.00' },
        no: { households: 0, area: '0.00' },
        abstain: { households: 0, area: '0.00' },
      },
      quorum: { area: false, households: false, met: false },
      gap: { households: 1, area: '60.00' },
      approval: { area: true, households: true },
      verdict: 'no_quorum' as const,
      paperBallots: 1,
      buildings: [{ name: '1栋', total: 2, voted: 1, notVotedHouseholds: 1, notVotedArea: '60.00' }],
    };
    const cases: Array<[string, Renderable, string[]]> = [
      [
        "an owners' vote's results",
        { type: 'poll.results', params: { ...ownersLive, owners: one } },
        [
          'Taking part: 1 of 1 household (100.0%)',
          'yes: 1 household (100.0%)',
          'no: 0 households (0.0%)',
          'Of these, 1 paper or proxy ballot.',
          'Still needed for the quorum: 1 household and 60.00 m².',
          '1栋: 1 of 2 voted; 1 household (60.00 m²) still to vote',
        ],
      ],
      [
        'a listed issue',
        { type: 'issue.listed', params: { issues: [{ number: 3, text: '路灯', status: 'open', level: 'building', supporters: 1 }] } },
        ['1 household'],
      ],
      [
        'an assignment',
        { type: 'issue.assigned', params: { number: 3, text: '路灯', party: '物业', deadline, days: 1 } },
        ['due in 1 day ('],
      ],
      ['a closing', { type: 'issue.closed', params: { number: 3, satisfied: 1, raters: 1 } }, ['1 of 1 rater was satisfied']],
      ['a forgetting', { type: 'member.forgotten', params: { ballotsKept: 1 } }, ['1 ballot stays counted']],
      [
        'progress to the quorum',
        { type: 'poll.turnout_progress', params: { number: 4, percentOfQuorum: 90, gap: { households: 1, area: '60.00' } } },
        ['1 more household and 60.00 m² are needed'],
      ],
    ];
    it.each(cases)('in %s', (_name, notice, expected) => {
      const { text } = render('en', notice);
      for (const line of expected) expect(text).toContain(line);
      expect(text).not.toMatch(/\b1 (?:households|days|raters|ballots)\b|\(s\)/);
    });

    it('in the daily digest and the weekly roll-up', () => {
      const daily = samples.find((sample) => sample.notice.type === 'digest.daily')!.notice as Extract<
        Renderable,
        { type: 'digest.daily' }
      >;
      const text = render('en', {
        type: 'digest.daily',
        params: {
          ...daily.params,
          supportGains: [{ number: 3, text: '路灯', households: 1, added: 1 }],
          overdueFollowUps: [{ number: 3, party: '物业', deadline, daysOverdue: 1 }],
        },
      }).text;
      expect(text).toContain('#3 路灯: backed by 1 household (1 new in the last 24 hours)');
      expect(text).toContain('1 day overdue');
      const weekly = render('en', {
        type: 'digest.weekly',
        params: {
          subdistrict: '街道',
          period: '2026-W49',
          communities: [
            {
              name: '幸福社区',
              newIssues: 1,
              escalations: 1,
              resolved: 1,
              overdueFollowUps: 1,
              rates: {
                response: { numerator: 0, denominator: 0 },
                resolution: { numerator: 0, denominator: 0 },
                satisfaction: { numerator: 0, denominator: 0 },
              },
            },
          ],
        },
      }).text;
      expect(weekly).toContain('new issues 1, moved up 1, resolved 1, follow-ups overdue 1');
    });
  });
});
