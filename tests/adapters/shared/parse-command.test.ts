import { describe, expect, it } from 'vitest';
import { parseCommand } from '../../../src/adapters/shared/parse-command.js';
import { commandNames } from '../../../src/engine/capabilities.js';
import type { Action, CommandName } from '../../../src/engine/commands.js';

const bot = 'yishi_bot';

/** The command name a chat text starts with: "/assign@bot 3 x 7" → "assign". */
const typedName = (text: string): string => /^\/([A-Za-z_]+)/.exec(text.trim())?.[1]?.toLowerCase() ?? '';

describe('parseCommand', () => {
  describe('when a known command has valid arguments', () => {
    const valid: Array<[string, Action]> = [
      ['/start', { type: 'member.start' }],
      ['/start payload', { type: 'member.start' }],
      ['/help', { type: 'member.help' }],
      ['/lang en', { type: 'member.set_language', locale: 'en' }],
      ['/lang zh-CN', { type: 'member.set_language', locale: 'zh-CN' }],
      ['/link K7M2-Q9TX', { type: 'chat.link', code: 'K7M2-Q9TX' }],
      ['/claim K7M2-Q9TX', { type: 'household.claim', code: 'K7M2-Q9TX' }],
      ['/issue 电梯坏了', { type: 'issue.raise', text: '电梯坏了' }],
      ['/issue 电梯坏了\n第二行', { type: 'issue.raise', text: '电梯坏了\n第二行' }],
      ['/issue   The lift is broken again  ', { type: 'issue.raise', text: 'The lift is broken again' }],
      ['/support 12', { type: 'issue.support', number: 12 }],
      ['/support #12', { type: 'issue.support', number: 12 }],
      ['/issues', { type: 'issue.list' }],
      ['/show 7', { type: 'issue.show', number: 7 }],
      ['/show #7', { type: 'issue.show', number: 7 }],
      ['/triage 4 big', { type: 'issue.triage', number: 4, triage: 'big' }],
      ['/triage 4 small', { type: 'issue.triage', number: 4, triage: 'small' }],
      ['/triage 4 大事', { type: 'issue.triage', number: 4, triage: 'big' }],
      ['/triage 4 小事', { type: 'issue.triage', number: 4, triage: 'small' }],
      ['/triage 4 大', { type: 'issue.triage', number: 4, triage: 'big' }],
      ['/triage 4 小', { type: 'issue.triage', number: 4, triage: 'small' }],
      ['/triage #4 BIG', { type: 'issue.triage', number: 4, triage: 'big' }],
      ['/escalate 3', { type: 'issue.escalate', number: 3 }],
      ['/escalate #3 nobody has fixed it', { type: 'issue.escalate', number: 3, reason: 'nobody has fixed it' }],
      ['/assign 3 街道城管科 7', { type: 'issue.assign', number: 3, responder: '街道城管科', days: 7 }],
      ['/assign 3 property manager 14d', { type: 'issue.assign', number: 3, responder: 'property manager', days: 14 }],
      ['/assign #3 街道城管科 10天', { type: 'issue.assign', number: 3, responder: '街道城管科', days: 10 }],
      ['/assign 3 Water Company 1day', { type: 'issue.assign', number: 3, responder: 'Water Company', days: 1 }],
      ['/assign 3 Water Company 30DAYS', { type: 'issue.assign', number: 3, responder: 'Water Company', days: 30 }],
      ['/respond 3 We replaced the lamp.', { type: 'issue.respond', number: 3, text: 'We replaced the lamp.' }],
      ['/respond #3 已派人维修\n明天完工', { type: 'issue.respond', number: 3, text: '已派人维修\n明天完工' }],
      ['/resolve 3', { type: 'issue.resolve', number: 3 }],
      ['/resolve 3 换了灯泡', { type: 'issue.resolve', number: 3, text: '换了灯泡' }],
      ['/rate 5 4', { type: 'issue.rate', number: 5, score: 4 }],
      ['/rate #5 1', { type: 'issue.rate', number: 5, score: 1 }],
      ['/rate 5 5', { type: 'issue.rate', number: 5, score: 5 }],
      ['/reopen 9', { type: 'issue.reopen', number: 9 }],
      ['/reopen #9', { type: 'issue.reopen', number: 9 }],
      ['/hide 3 广告', { type: 'issue.hide', number: 3, reason: '广告' }],
      ['/hide 3 off topic spam', { type: 'issue.hide', number: 3, reason: 'off topic spam' }],
      ['/mydata', { type: 'member.export_data' }],
      ['/forgetme', { type: 'member.forget', confirmed: false }],
      ['/forgetme confirm', { type: 'member.forget', confirmed: true }],
      ['/forgetme CONFIRM', { type: 'member.forget', confirmed: true }],
      ['/forgetme yes', { type: 'member.forget', confirmed: true }],
      ['/forgetme 确认', { type: 'member.forget', confirmed: true }],
      ['/forgetme 是', { type: 'member.forget', confirmed: true }],
      ['/forgetme maybe', { type: 'member.forget', confirmed: false }],
      ['  /support 3  ', { type: 'issue.support', number: 3 }],
      [
        '/poll 楼道要不要粉刷？| 要 | 不要',
        { type: 'poll.create', question: '楼道要不要粉刷？', options: ['要', '不要'], multi: false, secret: false },
      ],
      [
        '/poll Paint? | Yes | No --hours 48 --multi --secret --quorum 60%',
        { type: 'poll.create', question: 'Paint?', options: ['Yes', 'No'], hours: 48, multi: true, secret: true, quorumPercent: 60 },
      ],
      [
        '/poll --secret Paint the stairwell? | Yes | No | Later --hours 24',
        { type: 'poll.create', question: 'Paint the stairwell?', options: ['Yes', 'No', 'Later'], hours: 24, multi: false, secret: true },
      ],
      [
        '/poll 哪天开会？ --multi | 周六 --quorum 50 | 周日',
        { type: 'poll.create', question: '哪天开会？', options: ['周六', '周日'], multi: true, secret: false, quorumPercent: 50 },
      ],
      [
        '/poll 楼道要不要粉刷？｜要｜不要',
        { type: 'poll.create', question: '楼道要不要粉刷？', options: ['要', '不要'], multi: false, secret: false },
      ],
      [
        '/poll 要不要装充电桩？ | 要 ｜ 不要',
        { type: 'poll.create', question: '要不要装充电桩？', options: ['要', '不要'], multi: false, secret: false },
      ],
      ['/poll 只有问题', { type: 'poll.create', question: '只有问题', options: [], multi: false, secret: false }],
      ['/poll Q | A | | B', { type: 'poll.create', question: 'Q', options: ['A', 'B'], multi: false, secret: false }],
      [
        '/ownersvote major 使用维修资金更换电梯',
        { type: 'poll.create_owners_vote', matterClass: 'major', question: '使用维修资金更换电梯' },
      ],
      [
        '/ownersvote 重大 使用维修资金更换电梯',
        { type: 'poll.create_owners_vote', matterClass: 'major', question: '使用维修资金更换电梯' },
      ],
      ['/ownersvote MAJOR Replace the lifts', { type: 'poll.create_owners_vote', matterClass: 'major', question: 'Replace the lifts' }],
      [
        '/ownersvote ordinary 续聘物业 --hours 240',
        { type: 'poll.create_owners_vote', matterClass: 'ordinary', question: '续聘物业', hours: 240 },
      ],
      [
        '/ownersvote 一般 --hours 168 续聘物业公司',
        { type: 'poll.create_owners_vote', matterClass: 'ordinary', question: '续聘物业公司', hours: 168 },
      ],
      ['/results 3', { type: 'poll.results', number: 3 }],
      ['/results #3', { type: 'poll.results', number: 3 }],
      ['/close 3', { type: 'poll.close', number: 3 }],
      ['/remind 3', { type: 'poll.remind', number: 3 }],
      ['/turnout 3', { type: 'poll.turnout', number: 3 }],
      ['/paperballot 2 1-101 yes 老人委托', { type: 'poll.paper_ballot', number: 2, unit: '1-101', choice: 'yes', note: '老人委托' }],
      ['/paperballot 2 3栋/1-101 同意', { type: 'poll.paper_ballot', number: 2, unit: '3栋/1-101', choice: 'yes' }],
      ['/paperballot #2 1-102 反对', { type: 'poll.paper_ballot', number: 2, unit: '1-102', choice: 'no' }],
      ['/paperballot 2 1-103 弃权', { type: 'poll.paper_ballot', number: 2, unit: '1-103', choice: 'abstain' }],
      [
        '/paperballot 2 1-104 NO proxy for my mother',
        { type: 'poll.paper_ballot', number: 2, unit: '1-104', choice: 'no', note: 'proxy for my mother' },
      ],
      ['/paperballot 2 1-105 abstain', { type: 'poll.paper_ballot', number: 2, unit: '1-105', choice: 'abstain' }],
      ['/digest', { type: 'digest.show' }],
      ['/DIGEST', { type: 'digest.show' }],
      ['/meeting 2026-12-10 19:30 社区 会议室', { type: 'meeting.schedule', date: '2026-12-10', time: '19:30', place: '社区 会议室' }],
      ['/meeting 2026-12-10 19:30', { type: 'meeting.schedule', date: '2026-12-10', time: '19:30' }],
      ['/meeting monthly 15 19:30 社区会议室', { type: 'meeting.schedule', monthlyDay: 15, time: '19:30', place: '社区会议室' }],
      ['/meetings', { type: 'meeting.list' }],
      ['/agenda', { type: 'meeting.agenda', op: 'show' }],
      ['/agenda add #7', { type: 'meeting.agenda', op: 'add', number: 7 }],
      ['/agenda drop 7', { type: 'meeting.agenda', op: 'drop', number: 7 }],
      ['/agenda move 7 1', { type: 'meeting.agenda', op: 'move', number: 7, position: 1 }],
      ['/agenda LOCK', { type: 'meeting.agenda', op: 'lock' }],
      ['/propose 7 老人出行困难', { type: 'meeting.propose', number: 7, why: '老人出行困难' }],
      ['/rsvp attend', { type: 'meeting.rsvp', answer: 'attend' }],
      ['/rsvp 缺席 出差', { type: 'meeting.rsvp', answer: 'absent', reason: '出差' }],
      ['/rsvp delegate 张 三', { type: 'meeting.rsvp', answer: 'delegate', delegate: '张 三' }],
      ['/decide 1 物业一周内修好', { type: 'meeting.decide', item: 1, text: '物业一周内修好' }],
      ['/position 1 同意 没问题', { type: 'meeting.position', item: 1, stance: 'agree', remark: '没问题' }],
      ['/position 1 物业 object', { type: 'meeting.position', item: 1, party: '物业', stance: 'object' }],
      ['/action 1 物业 7天 更换主板', { type: 'meeting.action', item: 1, party: '物业', days: 7, task: '更换主板' }],
      ['/defer 2', { type: 'meeting.settle', item: 2, outcome: 'deferred' }],
      ['/sendup 2 街道办 城管科', { type: 'meeting.settle', item: 2, outcome: 'sent_up', to: '街道办 城管科' }],
      ['/minutes', { type: 'meeting.minutes' }],
    ];

    it.each(valid)('parses %j', (text, action) => {
      expect(parseCommand(text)).toEqual(action);
      expect(parseCommand(text, bot)).toEqual(action);
    });

    it('covers every command name', () => {
      const covered = new Set(valid.map(([text]) => typedName(text)));
      expect(commandNames.filter((name) => !covered.has(name))).toEqual([]);
    });
  });

  describe('when the arguments are missing or malformed', () => {
    const malformed: Array<[string, CommandName]> = [
      ['/support', 'support'],
      ['/support abc', 'support'],
      ['/support 0', 'support'],
      ['/support #', 'support'],
      ['/support 12abc', 'support'],
      ['/support -3', 'support'],
      ['/show', 'show'],
      ['/show x', 'show'],
      ['/reopen', 'reopen'],
      ['/rate 5 6', 'rate'],
      ['/rate 5 0', 'rate'],
      ['/rate 5', 'rate'],
      ['/rate 5 4 great', 'rate'],
      ['/rate x 4', 'rate'],
      ['/triage 4 huge', 'triage'],
      ['/triage 4', 'triage'],
      ['/triage big', 'triage'],
      ['/triage 4 big now', 'triage'],
      ['/escalate', 'escalate'],
      ['/escalate soon', 'escalate'],
      ['/assign 3 7', 'assign'],
      ['/assign 3 街道城管科', 'assign'],
      ['/assign 3 街道城管科 soon', 'assign'],
      ['/assign x 街道城管科 7', 'assign'],
      ['/assign', 'assign'],
      ['/respond 3', 'respond'],
      ['/respond', 'respond'],
      ['/respond x fixed', 'respond'],
      ['/resolve', 'resolve'],
      ['/hide 3', 'hide'],
      ['/hide', 'hide'],
      ['/lang', 'lang'],
      ['/link', 'link'],
      ['/claim', 'claim'],
      ['/issue', 'issue'],
      ['/issue   ', 'issue'],
      ['/issue \n \t ', 'issue'],
      ['/poll Q | A | B --hours abc', 'poll'],
      ['/poll Q | A | B --hours', 'poll'],
      ['/poll Q | A | B --hours -5', 'poll'],
      ['/poll Q | A | B --quorum abc', 'poll'],
      ['/poll Q | A | B --quorum 60%%', 'poll'],
      ['/ownersvote huge x', 'ownersvote'],
      ['/ownersvote major', 'ownersvote'],
      ['/ownersvote major --hours 240', 'ownersvote'],
      ['/ownersvote', 'ownersvote'],
      ['/ownersvote 使用维修资金更换电梯', 'ownersvote'],
      ['/ownersvote major x --hours abc', 'ownersvote'],
      ['/paperballot 2 1-101 maybe', 'paperballot'],
      ['/paperballot 2 1-101', 'paperballot'],
      ['/paperballot 2', 'paperballot'],
      ['/paperballot', 'paperballot'],
      ['/paperballot x 1-101 yes', 'paperballot'],
      ['/results', 'results'],
      ['/results x', 'results'],
      ['/results 0', 'results'],
      ['/close', 'close'],
      ['/close abc', 'close'],
      ['/remind', 'remind'],
      ['/turnout', 'turnout'],
      ['/turnout #', 'turnout'],
    ];

    it.each(malformed)('%j is a malformed %s', (text, command) => {
      expect(parseCommand(text)).toEqual({ type: 'command.malformed', command });
    });
  });

  describe('when the command is unknown', () => {
    it.each([
      ['/foo', 'foo'],
      ['/vote 3 yes', 'vote'],
      ['/Vote', 'vote'],
      ['/not_a_command', 'not_a_command'],
    ])('%j is unknown command %j', (text, name) => {
      expect(parseCommand(text)).toEqual({ type: 'command.unknown', name });
    });

    it('is unknown when addressed to this bot', () => {
      expect(parseCommand('/foo@yishi_bot', bot)).toEqual({ type: 'command.unknown', name: 'foo' });
    });
  });

  describe('when the text is not a command', () => {
    it.each(['hello', '', '   ', 'support 3', 'please /support 3', '/ support 3', '/usr/bin', '/123', '电梯坏了'])(
      '%j gives null',
      (text) => {
        expect(parseCommand(text)).toBeNull();
        expect(parseCommand(text, bot)).toBeNull();
      },
    );
  });

  describe('when the command names a bot', () => {
    it('parses a command addressed to this bot', () => {
      expect(parseCommand('/support@yishi_bot 3', bot)).toEqual({ type: 'issue.support', number: 3 });
    });

    it('matches the bot name case-insensitively', () => {
      expect(parseCommand('/support@Yishi_Bot 3', bot)).toEqual({ type: 'issue.support', number: 3 });
    });

    it('parses an addressed command without arguments', () => {
      expect(parseCommand('/issues@yishi_bot', bot)).toEqual({ type: 'issue.list' });
    });

    it('ignores a command addressed to another bot', () => {
      expect(parseCommand('/support@other_bot 3', bot)).toBeNull();
      expect(parseCommand('/foo@other_bot', bot)).toBeNull();
    });

    it('parses an addressed command when it does not know its own name', () => {
      expect(parseCommand('/support@yishi_bot 3')).toEqual({ type: 'issue.support', number: 3 });
    });
  });

  describe('when the command name is not lower case', () => {
    it.each<[string, Action]>([
      ['/SUPPORT 3', { type: 'issue.support', number: 3 }],
      ['/Support #3', { type: 'issue.support', number: 3 }],
      ['/ISSUES', { type: 'issue.list' }],
      ['/ForgetMe confirm', { type: 'member.forget', confirmed: true }],
      ['/OwnersVote Major x', { type: 'poll.create_owners_vote', matterClass: 'major', question: 'x' }],
      ['/PaperBallot 2 1-101 Abstain', { type: 'poll.paper_ballot', number: 2, unit: '1-101', choice: 'abstain' }],
    ])('parses %j', (text, action) => {
      expect(parseCommand(text)).toEqual(action);
    });
  });
});

describe('parseCommand for polls', () => {
  it('keeps the word after a flag that takes no value', () => {
    expect(parseCommand('/poll --multi Paint? | Yes | No')).toEqual({
      type: 'poll.create',
      question: 'Paint?',
      options: ['Yes', 'No'],
      multi: true,
      secret: false,
    });
  });

  it('leaves the option count to the engine', () => {
    const options = Array.from({ length: 12 }, (_, index) => `选项${index + 1}`);
    expect(parseCommand(`/poll 选哪个？ | ${options.join(' | ')}`)).toMatchObject({ type: 'poll.create', options });
    expect(parseCommand('/poll | A | B')).toMatchObject({ type: 'poll.create', question: '', options: ['A', 'B'] });
  });

  it('parses a poll addressed to this bot', () => {
    expect(parseCommand('/poll@yishi_bot Q | A | B --secret', bot)).toEqual({
      type: 'poll.create',
      question: 'Q',
      options: ['A', 'B'],
      multi: false,
      secret: true,
    });
    expect(parseCommand('/poll@other_bot Q | A | B', bot)).toBeNull();
  });

  it('keeps a multi-line question with its options', () => {
    expect(parseCommand('/poll 周末要不要\n一起打扫楼道？ | 要 | 不要')).toMatchObject({
      question: '周末要不要\n一起打扫楼道？',
      options: ['要', '不要'],
    });
  });
});

describe('parseCommand with words that are names on every JavaScript object', () => {
  it.each([
    '/ownersvote constructor x',
    '/ownersvote __proto__ x',
    '/paperballot 2 1-101 constructor',
    '/triage 4 constructor',
    '/triage 4 toString',
  ])('%s is malformed', (text) => {
    expect(parseCommand(text)?.type).toBe('command.malformed');
  });
});
