import type { Action } from './commands.js';
import type { Button } from './notices.js';

/**
 * The one encoding of buttons: a button's stable id, which a platform carries back when it is tapped (Telegram's
 * callback_data, a web chat's tap). `tag:field:field`, each field a whole number in its plain decimal form:
 *
 *   support  s:<issue>            rate  r:<issue>:<score>     vote  v:<poll>:<position>
 *   raise    d:<draft>            forget confirmation  f
 *   rsvp     m:<meeting>:<answer>  (0 attend, 2 absent)
 *   position p:<meeting>:<item>:<stance>  (0 agree, 1 object, 2 abstain)
 *
 * Numbers may have any size the database holds (1 to 2,147,483,647; positions and scores from 0), so nothing here
 * depends on how many options a poll may have or which scores a rating allows: the engine refuses what its rules do
 * not allow, as it does for typed commands. The longest id is 23 bytes, well under Telegram's 64. Ids already sent in
 * chats keep working for ever: this format only ever grows, never changes the meaning of an id it once made.
 */

/** The largest number an id carries: PostgreSQL's `integer`, which holds issue, poll and draft numbers. */
export const maxButtonNumber = 2_147_483_647;

type Field = 'positive' | 'natural';

const rsvpAnswers = ['attend', 'delegate', 'absent'] as const;
const stanceCodes = ['agree', 'object', 'abstain'] as const;

/** The action of the field values, or null for values no button of this kind is made with. */
type Layout = { fields: Field[]; action(values: number[]): Action | null };

const layouts: Record<string, Layout> = {
  s: { fields: ['positive'], action: ([number]) => ({ type: 'issue.support', number: number! }) },
  r: { fields: ['positive', 'natural'], action: ([number, score]) => ({ type: 'issue.rate', number: number!, score: score! }) },
  v: {
    fields: ['positive', 'natural'],
    action: ([number, position]) => ({ type: 'poll.vote', number: number!, position: position! }),
  },
  d: { fields: ['positive'], action: ([draftId]) => ({ type: 'issue.raise_draft', draftId: draftId! }) },
  f: { fields: [], action: () => ({ type: 'member.forget', confirmed: true }) },
  m: {
    fields: ['positive', 'natural'],
    action: ([meeting, answer]) => {
      const chosen = rsvpAnswers[answer!];
      // A delegate's name cannot travel in a button: that answer is typed.
      return chosen && chosen !== 'delegate' ? { type: 'meeting.rsvp', meeting: meeting!, answer: chosen } : null;
    },
  },
  p: {
    fields: ['positive', 'positive', 'natural'],
    action: ([meeting, item, stance]) => {
      const chosen = stanceCodes[stance!];
      return chosen ? { type: 'meeting.position', meeting: meeting!, item: item!, stance: chosen } : null;
    },
  },
};

function fieldsOf(button: Button): [tag: string, values: number[]] {
  switch (button.kind) {
    case 'support':
      return ['s', [button.number]];
    case 'rate':
      return ['r', [button.number, button.score]];
    case 'vote':
      return ['v', [button.number, button.position]];
    case 'raise_draft':
      return ['d', [button.draftId]];
    case 'forget_confirm':
      return ['f', []];
    case 'rsvp':
      return ['m', [button.meeting, rsvpAnswers.indexOf(button.answer)]];
    case 'position':
      return ['p', [button.meeting, button.item, stanceCodes.indexOf(button.stance)]];
  }
}

const fits = (field: Field, value: number): boolean =>
  Number.isSafeInteger(value) && value >= (field === 'positive' ? 1 : 0) && value <= maxButtonNumber;

/** A button's stable id. A vote button's option label stays out of it (it is shown, never carried back). */
export function encodeButton(button: Button): string {
  const [tag, values] = fieldsOf(button);
  const layout = layouts[tag]!;
  values.forEach((value, index) => {
    if (!fits(layout.fields[index]!, value)) throw new RangeError(`button ${button.kind}: ${value} is not a number an id can carry`);
  });
  return [tag, ...values.map(String)].join(':');
}

/** The action a tapped button stands for; null for anything `encodeButton` could not have made. */
export function decodeButton(id: string): Action | null {
  const [tag = '', ...parts] = id.split(':');
  if (!Object.hasOwn(layouts, tag)) return null;
  const layout = layouts[tag]!;
  if (parts.length !== layout.fields.length) return null;
  const values: number[] = [];
  for (const [index, part] of parts.entries()) {
    // Plain decimal only: no sign, no leading zero, no exponent, so each action has exactly one id.
    if (!/^(?:0|[1-9]\d{0,9})$/.test(part)) return null;
    const value = Number(part);
    if (!fits(layout.fields[index]!, value)) return null;
    values.push(value);
  }
  return layout.action(values);
}
