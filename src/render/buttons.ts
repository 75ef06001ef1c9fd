import { encodeButton } from '../engine/buttons.js';
import type { Button } from '../engine/notices.js';
import type { TFunction } from '../i18n/index.js';
import type { DocumentButton } from './document.js';
import { label } from './labels.js';

const positionKeys: Record<Extract<Button, { kind: 'position' }>['stance'], string> = {
  agree: 'labels:button.position_agree',
  object: 'labels:button.position_object',
  abstain: 'labels:button.position_abstain',
};

/** A button's label in the reader's language; an ordinary poll's option stays as typed. */
function buttonLabel(t: TFunction, button: Button): string {
  switch (button.kind) {
    case 'support':
      return t('labels:button.support', { number: button.number });
    case 'rate':
      return t('labels:button.rate', { score: button.score });
    case 'raise_draft':
      return t('labels:button.raise_draft');
    case 'forget_confirm':
      return t('labels:button.forget_confirm');
    case 'vote':
      return button.choice ? label(t, button.label) : button.label;
    case 'rsvp':
      return t(button.answer === 'attend' ? 'labels:button.rsvp_attend' : 'labels:button.rsvp_absent');
    case 'position':
      return t(positionKeys[button.stance]);
  }
}

/** Kinds whose buttons are answers to one question (a score, an option, an RSVP, a stance) and sit side by side. */
const sideBySide = new Set<Button['kind']>(['rate', 'vote', 'rsvp', 'position']);
const perRow = 5;

/** The buttons, labelled and encoded, in rows: a rating's or a poll's choices side by side (five a row), the others one a row. */
export function buttonRows(t: TFunction, buttons: Button[]): DocumentButton[][] {
  const rows: DocumentButton[][] = [];
  buttons.forEach((button, index) => {
    const cell: DocumentButton = { id: encodeButton(button), label: buttonLabel(t, button), kind: button.kind };
    const last = rows.at(-1);
    if (sideBySide.has(button.kind) && last && last.length < perRow && buttons[index - 1]?.kind === button.kind) last.push(cell);
    else rows.push([cell]);
  });
  return rows;
}
