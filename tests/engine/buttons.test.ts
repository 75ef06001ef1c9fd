import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { decodeButton, encodeButton, maxButtonNumber } from '../../src/engine/buttons.js';
import type { Action } from '../../src/engine/commands.js';
import type { Button } from '../../src/engine/notices.js';

/** What tapping the button asks the engine to do. */
function actionOf(button: Button): Action {
  switch (button.kind) {
    case 'support':
      return { type: 'issue.support', number: button.number };
    case 'rate':
      return { type: 'issue.rate', number: button.number, score: button.score };
    case 'vote':
      return { type: 'poll.vote', number: button.number, position: button.position };
    case 'raise_draft':
      return { type: 'issue.raise_draft', draftId: button.draftId };
    case 'forget_confirm':
      return { type: 'member.forget', confirmed: true };
    case 'rsvp':
      return { type: 'meeting.rsvp', meeting: button.meeting, answer: button.answer };
    case 'position':
      return { type: 'meeting.position', meeting: button.meeting, item: button.item, stance: button.stance };
  }
}

const positive = fc.integer({ min: 1, max: maxButtonNumber });
const natural = fc.integer({ min: 0, max: maxButtonNumber });
/** Any button the engine can make: any number the database holds, any position, any label however long. */
const button: fc.Arbitrary<Button> = fc.oneof(
  positive.map((number): Button => ({ kind: 'support', number })),
  fc.record({ number: positive, score: natural }).map(({ number, score }): Button => ({ kind: 'rate', number, score })),
  fc
    .record({ number: positive, position: natural, label: fc.string({ unit: 'binary', maxLength: 200 }), choice: fc.boolean() })
    .map(({ number, position, label, choice }): Button => ({ kind: 'vote', number, position, label, ...(choice ? { choice } : {}) })),
  positive.map((draftId): Button => ({ kind: 'raise_draft', draftId })),
  fc.constant<Button>({ kind: 'forget_confirm' }),
  fc
    .record({ meeting: positive, answer: fc.constantFrom('attend' as const, 'absent' as const) })
    .map(({ meeting, answer }): Button => ({ kind: 'rsvp', meeting, answer })),
  fc
    .record({ meeting: positive, item: positive, stance: fc.constantFrom('agree' as const, 'object' as const, 'abstain' as const) })
    .map(({ meeting, item, stance }): Button => ({ kind: 'position', meeting, item, stance })),
);

describe('encodeButton and decodeButton', () => {
  describe('when the id was made by encodeButton', () => {
    it.each<[Button, string, Action]>([
      [{ kind: 'support', number: 12 }, 's:12', { type: 'issue.support', number: 12 }],
      [{ kind: 'rate', number: 12, score: 5 }, 'r:12:5', { type: 'issue.rate', number: 12, score: 5 }],
      [{ kind: 'rate', number: 3, score: 1 }, 'r:3:1', { type: 'issue.rate', number: 3, score: 1 }],
      [{ kind: 'raise_draft', draftId: 7 }, 'd:7', { type: 'issue.raise_draft', draftId: 7 }],
      [{ kind: 'forget_confirm' }, 'f', { type: 'member.forget', confirmed: true }],
      [{ kind: 'vote', number: 4, position: 2, label: '不要' }, 'v:4:2', { type: 'poll.vote', number: 4, position: 2 }],
      [{ kind: 'vote', number: 4, position: 0, label: 'yes' }, 'v:4:0', { type: 'poll.vote', number: 4, position: 0 }],
      [{ kind: 'vote', number: 12, position: 9, label: 'Option ten' }, 'v:12:9', { type: 'poll.vote', number: 12, position: 9 }],
      [{ kind: 'vote', number: 12, position: 10, label: 'Eleventh' }, 'v:12:10', { type: 'poll.vote', number: 12, position: 10 }],
      [{ kind: 'vote', number: 3, position: 123, label: 'x' }, 'v:3:123', { type: 'poll.vote', number: 3, position: 123 }],
      [{ kind: 'rsvp', meeting: 2, answer: 'attend' }, 'm:2:0', { type: 'meeting.rsvp', meeting: 2, answer: 'attend' }],
      [{ kind: 'rsvp', meeting: 2, answer: 'absent' }, 'm:2:2', { type: 'meeting.rsvp', meeting: 2, answer: 'absent' }],
      [
        { kind: 'position', meeting: 2, item: 1, stance: 'agree' },
        'p:2:1:0',
        { type: 'meeting.position', meeting: 2, item: 1, stance: 'agree' },
      ],
      [
        { kind: 'position', meeting: 2, item: 3, stance: 'object' },
        'p:2:3:1',
        { type: 'meeting.position', meeting: 2, item: 3, stance: 'object' },
      ],
      [
        { kind: 'position', meeting: 12, item: 10, stance: 'abstain' },
        'p:12:10:2',
        { type: 'meeting.position', meeting: 12, item: 10, stance: 'abstain' },
      ],
    ])('round-trips %j', (button, id, action) => {
      expect(encodeButton(button)).toBe(id);
      expect(decodeButton(id)).toEqual(action);
    });

    test.prop([button])('round-trips any button to the action it stands for', (button) => {
      expect(decodeButton(encodeButton(button))).toEqual(actionOf(button));
    });

    test.prop([button, button])('gives two buttons the same id only when they stand for the same action', (a, b) => {
      expect(encodeButton(a) === encodeButton(b)).toBe(JSON.stringify(actionOf(a)) === JSON.stringify(actionOf(b)));
    });

    test.prop([button])('fits Telegram’s 64 bytes of callback data', (button) => {
      expect(Buffer.byteLength(encodeButton(button), 'utf8')).toBeLessThanOrEqual(64);
    });

    it('keeps the longest id, at the largest numbers, under 64 bytes', () => {
      const longest = encodeButton({ kind: 'vote', number: maxButtonNumber, position: maxButtonNumber, label: '很长的选项'.repeat(50) });
      expect(longest).toBe(`v:${maxButtonNumber}:${maxButtonNumber}`);
      expect(Buffer.byteLength(longest, 'utf8')).toBe(23);
      expect(Buffer.byteLength(encodeButton({ kind: 'rate', number: maxButtonNumber, score: maxButtonNumber }), 'utf8')).toBe(23);
    });

    it('leaves the option’s label out of a vote button’s id', () => {
      expect(encodeButton({ kind: 'vote', number: 4, position: 1, label: '不要 | v:9:9' })).toBe('v:4:1');
    });

    it('carries positions past the tenth option: the id does not depend on the cap on options', () => {
      for (let position = 0; position < 100; position++) {
        expect(decodeButton(encodeButton({ kind: 'vote', number: 7, position, label: `#${position}` }))).toEqual({
          type: 'poll.vote',
          number: 7,
          position,
        });
      }
    });
  });

  describe('when a button holds a number no id can carry', () => {
    it.each<Button>([
      { kind: 'support', number: 0 },
      { kind: 'support', number: -1 },
      { kind: 'support', number: 1.5 },
      { kind: 'support', number: maxButtonNumber + 1 },
      { kind: 'rate', number: 1, score: -1 },
      { kind: 'vote', number: 1, position: Number.NaN, label: 'x' },
      { kind: 'raise_draft', draftId: Number.POSITIVE_INFINITY },
      { kind: 'rsvp', meeting: 0, answer: 'attend' },
      { kind: 'position', meeting: 1, item: 0, stance: 'agree' },
      { kind: 'position', meeting: maxButtonNumber + 1, item: 1, stance: 'object' },
    ])('refuses to encode %j', (button) => {
      expect(() => encodeButton(button)).toThrow(RangeError);
    });
  });

  describe('when the id was sent in a chat by an earlier version', () => {
    // Messages keep their buttons for ever: every id the one-digit encoding made still means what it meant.
    it.each<[string, Action]>([
      ['s:12', { type: 'issue.support', number: 12 }],
      ['s:999999999', { type: 'issue.support', number: 999_999_999 }],
      ['r:12:5', { type: 'issue.rate', number: 12, score: 5 }],
      ['r:1:1', { type: 'issue.rate', number: 1, score: 1 }],
      ['v:3:0', { type: 'poll.vote', number: 3, position: 0 }],
      ['v:3:9', { type: 'poll.vote', number: 3, position: 9 }],
      ['v:999999999:9', { type: 'poll.vote', number: 999_999_999, position: 9 }],
      ['d:7', { type: 'issue.raise_draft', draftId: 7 }],
      ['f', { type: 'member.forget', confirmed: true }],
    ])('decodes %j as before', (id, action) => {
      expect(decodeButton(id)).toEqual(action);
    });
  });

  describe('when the id is junk', () => {
    it.each([
      '',
      'x:1',
      's:abc',
      's:-1',
      's:0',
      's:',
      's',
      's:01',
      's:+1',
      's:1e3',
      's:1.0',
      's: 1',
      's:1 ',
      's:2147483648',
      's:99999999999',
      'f:1',
      'f:',
      'r:12',
      'r:abc:5',
      'r:0:5',
      'r:12:05',
      'd:0',
      'd:x',
      'S:12',
      'v:4',
      'v:0:1',
      'v:4:x',
      'v:4:01',
      'v:',
      'v',
      'v:x:1',
      'v:-4:1',
      'v:4:-1',
      'v:4:1:2',
      'V:4:1',
      'constructor',
      'toString:1',
      '__proto__:1',
      's:١٢',
      'm:2',
      'm:0:0',
      'm:2:00',
      'm:2:0:0',
      'm:-2:0',
      'M:2:0',
      'p:2:1',
      'p:0:1:0',
      'p:2:0:0',
      'p:2:1:01',
      'p:2:1:0:0',
      'p:2:1:x',
    ])('%j gives null', (id) => {
      expect(decodeButton(id)).toBeNull();
    });

    test.prop([fc.string({ unit: 'binary', maxLength: 80 })])('decodes only ids encodeButton makes, each back to itself', (id) => {
      const action = decodeButton(id);
      if (action === null) return;
      // Every id that decodes is the one id of its action: no second spelling (leading zero, sign) is accepted.
      expect(canonicalId(action)).toBe(id);
    });

    test.prop([fc.stringMatching(/^[srvdf](?::-?\d{0,12}){0,3}$/)])('decodes near misses only when canonical', (id) => {
      const action = decodeButton(id);
      if (action !== null) expect(canonicalId(action)).toBe(id);
    });

    // An RSVP or stance code no button carries (1 is a delegate, whose name a button cannot hold) is never taken as an
    // answer: it gives nothing, or the command's usage.
    it.each(['m:2:1', 'm:2:3', 'm:2:2147483647', 'p:2:1:3', 'p:2:1:2147483647'])('%j is never an answer', (id) => {
      expect(decodeButton(id)).toBeNull();
    });

    test.prop([fc.stringMatching(/^[mp](?::-?\d{0,12}){0,4}$/)])('decodes meeting near misses only when canonical, or as a usage', (id) => {
      const action = decodeButton(id);
      if (action !== null && action.type !== 'command.malformed') expect(canonicalId(action)).toBe(id);
    });
  });
});

/** The id a decoded action came from, rebuilt by encodeButton from a button that stands for it. */
function canonicalId(action: Action): string {
  switch (action.type) {
    case 'issue.support':
      return encodeButton({ kind: 'support', number: action.number });
    case 'issue.rate':
      return encodeButton({ kind: 'rate', number: action.number, score: action.score });
    case 'poll.vote':
      return encodeButton({ kind: 'vote', number: action.number, position: action.position, label: '' });
    case 'issue.raise_draft':
      return encodeButton({ kind: 'raise_draft', draftId: action.draftId });
    case 'member.forget':
      return encodeButton({ kind: 'forget_confirm' });
    case 'meeting.rsvp':
      if (action.answer === 'delegate' || action.meeting === undefined) throw new Error('a button never carries a delegate or no meeting');
      return encodeButton({ kind: 'rsvp', meeting: action.meeting, answer: action.answer });
    case 'meeting.position':
      if (action.meeting === undefined) throw new Error('a position button always names its meeting');
      return encodeButton({ kind: 'position', meeting: action.meeting, item: action.item, stance: action.stance });
    default:
      throw new Error(`a button never stands for ${action.type}`);
  }
}
