import { describe, expect, it } from 'vitest';
import { decodeButton, encodeButton, parseCommand } from '../../../src/adapters/shared/parse-command.js';
import { type Action, type CommandName, commandNames } from '../../../src/engine/commands.js';
import type { Button } from '../../../src/engine/notices.js';

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
    ])('parses %j', (text, action) => {
      expect(parseCommand(text)).toEqual(action);
    });
  });
});

describe('encodeButton and decodeButton', () => {
  describe('when the data was made by encodeButton', () => {
    it.each<[Button, string, Action]>([
      [{ kind: 'support', number: 12 }, 's:12', { type: 'issue.support', number: 12 }],
      [{ kind: 'rate', number: 12, score: 5 }, 'r:12:5', { type: 'issue.rate', number: 12, score: 5 }],
      [{ kind: 'rate', number: 3, score: 1 }, 'r:3:1', { type: 'issue.rate', number: 3, score: 1 }],
      [{ kind: 'raise_draft', draftId: 7 }, 'd:7', { type: 'issue.raise_draft', draftId: 7 }],
      [{ kind: 'forget_confirm' }, 'f', { type: 'member.forget', confirmed: true }],
    ])('round-trips %j', (button, data, action) => {
      expect(encodeButton(button)).toBe(data);
      expect(decodeButton(encodeButton(button))).toEqual(action);
    });

    it('fits Telegram’s 64 bytes for the largest numbers', () => {
      const data = encodeButton({ kind: 'rate', number: 999_999_999, score: 5 });
      expect(Buffer.byteLength(data, 'utf8')).toBeLessThanOrEqual(64);
    });
  });

  describe('when the data is junk', () => {
    it.each(['', 'x:1', 's:abc', 's:-1', 's:0', 's:', 's', 'f:1', 'r:12', 'r:abc:5', 'r:0:5', 'd:0', 'd:x', 'S:12'])(
      '%j gives null',
      (data) => {
        expect(decodeButton(data)).toBeNull();
      },
    );
  });
});
