import { describe, expect, it } from 'vitest';
import { type RenderedNotice, renderNotice } from '../../../src/adapters/shared/render-text.js';
import { type DomainErrorCode, domainErrorCodes } from '../../../src/core/errors.js';
import { commandNames } from '../../../src/engine/commands.js';
import type { Button, NoticeBody, NoticeType } from '../../../src/engine/notices.js';
import { createI18n, type Locale, supportedLocales, type TFunction } from '../../../src/i18n/index.js';

type Renderable = NoticeBody & { buttons?: Button[] };
type Sample = { name: string; notice: Renderable; numbers: number[] };

const i18n = createI18n();
const fixed = (locale: Locale): TFunction => i18n.getFixedT(locale);
const render = (locale: Locale, notice: Renderable, timeZone?: string): RenderedNotice =>
  renderNotice(fixed(locale), notice, timeZone ? { timeZone } : {});

/** Every notice type; a missing or unknown one is a type error, so a new notice type must get a sample here. */
const noticeTypes: Record<NoticeType, true> = {
  'member.welcomed': true,
  'member.help': true,
  'member.language_set': true,
  'member.data_exported': true,
  'member.forget_requested': true,
  'member.forgotten': true,
  'chat.linked': true,
  'household.claimed': true,
  'issue.raised': true,
  'issue.looks_duplicate': true,
  'issue.supported': true,
  'issue.escalated': true,
  'issue.listed': true,
  'issue.shown': true,
  'issue.triaged': true,
  'issue.assigned': true,
  'issue.responded': true,
  'issue.resolved': true,
  'issue.rating_requested': true,
  'issue.rated': true,
  'issue.reopened': true,
  'issue.closed': true,
  'issue.hidden': true,
  'command.refused': true,
  'command.failed': true,
};

/** Plausible params for every refusal, as the engine throws them. */
const refusalParams: Record<DomainErrorCode, Record<string, string | number>> = {
  unknown_command: { name: 'vote' },
  usage: { command: 'support' },
  rate_limited: { seconds: 30 },
  group_only: {},
  private_only: {},
  chat_not_linked: {},
  chat_not_for_issues: {},
  no_community: {},
  not_a_member: { community: '幸福社区' },
  code_invalid: {},
  code_expired: {},
  code_used: {},
  code_wrong_purpose: {},
  locale_unsupported: { given: 'fr', supported: 'zh-CN, en' },
  text_empty: {},
  text_too_long: { length: 2100, max: 2000 },
  issue_not_found: { number: 12 },
  issue_not_open: { number: 12 },
  issue_not_resolved: { number: 12 },
  issue_not_closed: { number: 12 },
  already_supported: { number: 12 },
  committee_only: {},
  escalate_role_required: { role: 'building_head', number: 12 },
  already_top_level: { number: 12 },
  triage_small_not_assignable: { number: 12 },
  responder_not_found: { name: '水务公司', known: '街道城管科, 物业公司' },
  days_invalid: { max: 90 },
  not_responder: { number: 12, party: '物业公司' },
  no_open_follow_up: { number: 12 },
  resolve_not_allowed: { number: 12 },
  score_invalid: {},
  not_a_rater: { number: 12 },
  not_a_supporter: { number: 12 },
  draft_not_found: {},
  forget_needs_confirmation: {},
  reason_required: {},
};

const createdAt = '2026-03-01T02:30:00.000Z';
const deadline = '2026-03-08T02:30:00.000Z';

const samples: Sample[] = [
  { name: 'member.welcomed (stranger)', notice: { type: 'member.welcomed', params: { name: '王五', community: null } }, numbers: [] },
  { name: 'member.welcomed (member)', notice: { type: 'member.welcomed', params: { name: '王五', community: '幸福社区' } }, numbers: [] },
  {
    name: 'member.help',
    notice: { type: 'member.help', params: { roles: ['committee'], chatKind: 'group', commands: [...commandNames] } },
    numbers: [],
  },
  { name: 'member.language_set (en)', notice: { type: 'member.language_set', params: { locale: 'en' } }, numbers: [] },
  { name: 'member.language_set (zh-CN)', notice: { type: 'member.language_set', params: { locale: 'zh-CN' } }, numbers: [] },
  {
    name: 'member.data_exported',
    notice: {
      type: 'member.data_exported',
      params: {
        data: {
          displayName: '王五',
          platform: 'telegram',
          platformUserId: '424242',
          locale: 'zh-CN',
          households: [{ community: '幸福社区', building: '3栋', unit: '1-101' }],
          roles: [{ community: '幸福社区', role: 'building_head', scope: '3栋' }],
          issuesRaised: [12, 15],
          supports: 4,
          ratings: 2,
          ballots: 1,
        },
      },
    },
    numbers: [12, 15],
  },
  {
    name: 'member.data_exported (empty)',
    notice: {
      type: 'member.data_exported',
      params: {
        data: {
          displayName: 'Bob',
          platform: 'slack',
          platformUserId: 'U123',
          locale: null,
          households: [],
          roles: [],
          issuesRaised: [],
          supports: 0,
          ratings: 0,
          ballots: 0,
        },
      },
    },
    numbers: [],
  },
  {
    name: 'member.forget_requested',
    notice: { type: 'member.forget_requested', params: {}, buttons: [{ kind: 'forget_confirm' }] },
    numbers: [],
  },
  { name: 'member.forgotten', notice: { type: 'member.forgotten', params: { ballotsKept: 3 } }, numbers: [] },
  ...(['community', 'building', 'committee', 'party', 'subdistrict'] as const).map(
    (binding): Sample => ({
      name: `chat.linked (${binding})`,
      notice: {
        type: 'chat.linked',
        params: {
          binding,
          community: '幸福社区',
          building: binding === 'building' ? '3栋' : null,
          party: binding === 'party' ? '物业公司' : null,
        },
      },
      numbers: [],
    }),
  ),
  {
    name: 'household.claimed',
    notice: { type: 'household.claimed', params: { community: '幸福社区', building: '3栋', unit: '1-101' } },
    numbers: [],
  },
  {
    name: 'issue.raised (building)',
    notice: {
      type: 'issue.raised',
      params: { number: 12, text: '电梯坏了', category: 'facilities', scope: { building: '3栋' }, level: 'building' },
      buttons: [{ kind: 'support', number: 12 }],
    },
    numbers: [12],
  },
  {
    name: 'issue.raised (community, no category)',
    notice: {
      type: 'issue.raised',
      params: { number: 13, text: 'Too much noise at night', category: null, scope: { building: null }, level: 'resident_group' },
    },
    numbers: [13],
  },
  {
    name: 'issue.looks_duplicate',
    notice: {
      type: 'issue.looks_duplicate',
      params: {
        similar: [
          { number: 7, text: '电梯又坏了' },
          { number: 9, text: 'The lift is broken' },
        ],
      },
      buttons: [
        { kind: 'support', number: 7 },
        { kind: 'support', number: 9 },
        { kind: 'raise_draft', draftId: 4 },
      ],
    },
    numbers: [7, 9],
  },
  { name: 'issue.supported', notice: { type: 'issue.supported', params: { number: 12, households: 3, threshold: 5 } }, numbers: [12] },
  {
    name: 'issue.escalated (automatic)',
    notice: {
      type: 'issue.escalated',
      params: { number: 12, text: '电梯坏了', from: 'building', to: 'resident_group', cause: 'support', by: null },
    },
    numbers: [12],
  },
  {
    name: 'issue.escalated (by a member)',
    notice: {
      type: 'issue.escalated',
      params: { number: 12, text: '电梯坏了', from: 'representatives', to: 'joint_meeting', cause: 'manual', by: '王五' },
    },
    numbers: [12],
  },
  {
    name: 'issue.escalated (overdue)',
    notice: {
      type: 'issue.escalated',
      params: { number: 12, text: '电梯坏了', from: 'resident_group', to: 'representatives', cause: 'overdue', by: null },
    },
    numbers: [12],
  },
  { name: 'issue.listed (empty)', notice: { type: 'issue.listed', params: { issues: [] } }, numbers: [] },
  {
    name: 'issue.listed',
    notice: {
      type: 'issue.listed',
      params: {
        issues: [
          { number: 12, text: '电梯坏了', status: 'open', level: 'building', supporters: 3 },
          { number: 14, text: 'Street light out', status: 'in_progress', level: 'joint_meeting', supporters: 11 },
          { number: 15, text: '垃圾没人清', status: 'answered', level: 'representatives', supporters: 0 },
        ],
      },
    },
    numbers: [12, 14, 15],
  },
  {
    name: 'issue.shown (new)',
    notice: {
      type: 'issue.shown',
      params: {
        number: 12,
        text: '电梯坏了',
        status: 'open',
        category: null,
        scope: { building: null },
        level: 'building',
        triage: null,
        supporters: 1,
        createdAt,
        followUp: null,
        hiddenReason: null,
      },
    },
    numbers: [12],
  },
  {
    name: 'issue.shown (assigned, answered, hidden)',
    notice: {
      type: 'issue.shown',
      params: {
        number: 12,
        text: '电梯坏了',
        status: 'hidden',
        category: 'facilities',
        scope: { building: '3栋' },
        level: 'joint_meeting',
        triage: 'big',
        supporters: 6,
        createdAt,
        followUp: { party: '物业公司', deadline, response: '已修好' },
        hiddenReason: '重复',
      },
    },
    numbers: [12],
  },
  {
    name: 'issue.triaged (big)',
    notice: { type: 'issue.triaged', params: { number: 12, triage: 'big', by: '居委会李主任' } },
    numbers: [12],
  },
  { name: 'issue.triaged (small)', notice: { type: 'issue.triaged', params: { number: 12, triage: 'small', by: 'Ms Li' } }, numbers: [12] },
  {
    name: 'issue.assigned',
    notice: { type: 'issue.assigned', params: { number: 12, text: '电梯坏了', party: '物业公司', deadline, days: 7 } },
    numbers: [12],
  },
  {
    name: 'issue.responded',
    notice: { type: 'issue.responded', params: { number: 12, party: '物业公司', response: '明天维修', late: false } },
    numbers: [12],
  },
  {
    name: 'issue.responded (late)',
    notice: { type: 'issue.responded', params: { number: 12, party: '物业公司', response: '明天维修', late: true } },
    numbers: [12],
  },
  {
    name: 'issue.resolved',
    notice: {
      type: 'issue.resolved',
      params: { number: 12, note: '换了新电机' },
      buttons: [1, 2, 3, 4, 5].map((score): Button => ({ kind: 'rate', number: 12, score })),
    },
    numbers: [12],
  },
  { name: 'issue.resolved (no note)', notice: { type: 'issue.resolved', params: { number: 12, note: null } }, numbers: [12] },
  {
    name: 'issue.rating_requested',
    notice: {
      type: 'issue.rating_requested',
      params: { number: 12, text: '电梯坏了' },
      buttons: [1, 2, 3, 4, 5].map((score): Button => ({ kind: 'rate', number: 12, score })),
    },
    numbers: [12],
  },
  { name: 'issue.rated', notice: { type: 'issue.rated', params: { number: 12, score: 4 } }, numbers: [12] },
  { name: 'issue.reopened (ratings)', notice: { type: 'issue.reopened', params: { number: 12, cause: 'ratings' } }, numbers: [12] },
  { name: 'issue.reopened (supporters)', notice: { type: 'issue.reopened', params: { number: 12, cause: 'supporters' } }, numbers: [12] },
  { name: 'issue.closed', notice: { type: 'issue.closed', params: { number: 12, satisfied: 4, raters: 5 } }, numbers: [12] },
  { name: 'issue.hidden', notice: { type: 'issue.hidden', params: { number: 12, reason: '广告' } }, numbers: [12] },
  ...domainErrorCodes.map(
    (code): Sample => ({
      name: `command.refused (${code})`,
      notice: { type: 'command.refused', params: { code, ...refusalParams[code] } },
      numbers: typeof refusalParams[code].number === 'number' ? [refusalParams[code].number] : [],
    }),
  ),
  { name: 'command.failed', notice: { type: 'command.failed', params: {} }, numbers: [] },
];

const cases = supportedLocales.flatMap((locale) => samples.map((sample) => [locale, sample.name, sample] as const));

describe('renderNotice', () => {
  it('has a sample of every notice type', () => {
    const sampled = new Set(samples.map((sample) => sample.notice.type));
    expect(Object.keys(noticeTypes).filter((type) => !sampled.has(type as NoticeType))).toEqual([]);
  });

  describe.each(cases)('in %s, %s', (locale, _name, { notice, numbers }) => {
    const { text, buttons } = render(locale, notice);

    it('gives non-empty text', () => {
      expect(text.trim()).not.toBe('');
    });

    it('leaves no i18next key or placeholder unresolved', () => {
      for (const leftover of ['notices:', 'errors:', 'labels:', 'commands:', 'common:', '{{', '}}']) expect(text).not.toContain(leftover);
    });

    it('looks up only keys that exist', () => {
      const t = fixed(locale);
      const keys: string[] = [];
      const spy = ((key: string, options?: Record<string, unknown>) => {
        keys.push(key);
        return t(key, options);
      }) as unknown as TFunction;
      expect(renderNotice(spy, notice).text).toBe(text);
      expect(keys.length).toBeGreaterThan(0);
      expect(keys.filter((key) => !i18n.exists(key, { lng: locale }))).toEqual([]);
    });

    if (numbers.length > 0) {
      it('mentions the issue number', () => {
        for (const number of numbers) expect(text).toMatch(new RegExp(`#${number}(?!\\d)`));
      });
    }

    it('renders one labelled button per button', () => {
      expect(buttons).toHaveLength(notice.buttons?.length ?? 0);
      for (const button of buttons) {
        expect(button.label.trim()).not.toBe('');
        expect(button.data).not.toBe('');
        expect(button.label).not.toMatch(/labels:|\{\{/);
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
      expect(render('en', notice).buttons).toEqual([{ label: '👍 Support #12', data: 's:12' }]);
      expect(render('zh-CN', notice).buttons).toEqual([{ label: '👍 附议 #12', data: 's:12' }]);
    });

    it('labels rating buttons with their score', () => {
      const notice: Renderable = {
        type: 'issue.resolved',
        params: { number: 12, note: null },
        buttons: [1, 2, 3, 4, 5].map((score): Button => ({ kind: 'rate', number: 12, score })),
      };
      const { buttons } = render('en', notice);
      expect(buttons.map((button) => button.data)).toEqual(['r:12:1', 'r:12:2', 'r:12:3', 'r:12:4', 'r:12:5']);
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
        { label: '👍 附议 #7', data: 's:7' },
        { label: '仍然提出我的议题', data: 'd:4' },
      ]);
      const forget = render('en', { type: 'member.forget_requested', params: {}, buttons: [{ kind: 'forget_confirm' }] });
      expect(forget.buttons).toEqual([{ label: 'Yes, delete my data', data: 'f' }]);
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
