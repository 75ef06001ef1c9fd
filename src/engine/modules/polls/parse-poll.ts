import { lookup } from '../../capability.js';
import type { Action } from '../../commands.js';

const matterClasses: Record<string, 'ordinary' | 'major'> = { ordinary: 'ordinary', major: 'major', 一般: 'ordinary', 重大: 'major' };
const ownersChoiceWords: Record<string, 'yes' | 'no' | 'abstain'> = {
  yes: 'yes',
  no: 'no',
  abstain: 'abstain',
  同意: 'yes',
  反对: 'no',
  弃权: 'abstain',
};

/** Splits `--name value` and `--flag` options off the text, wherever they stand. */
function takeFlags(text: string): { text: string; flags: Map<string, string> } {
  const flags = new Map<string, string>();
  const rest = text.replace(/(?:^|\s)--(hours|quorum|multi|secret)(?:\s+(?!--)([^\s|]+))?/g, (_all, flag: string, value?: string) => {
    const takesValue = flag === 'hours' || flag === 'quorum';
    flags.set(flag, takesValue ? (value ?? '') : '');
    return takesValue || value === undefined ? ' ' : ` ${value}`;
  });
  return { text: rest.trim(), flags };
}

/**
 * `/poll <question> | <option> | <option> [...] [--hours N] [--multi] [--secret] [--quorum N%]`. The engine checks
 * the question and the options (how many, how long) so that it can say exactly what is wrong; here only the shape.
 */
export function parsePoll(rest: string): Action | null {
  const { text, flags } = takeFlags(rest);
  const [question = '', ...options] = text.split(/[|｜]/).map((part) => part.trim());
  const hours = flags.get('hours');
  const quorum = flags.get('quorum');
  if (hours !== undefined && !/^\d{1,5}$/.test(hours)) return null;
  if (quorum !== undefined && !/^\d{1,3}%?$/.test(quorum)) return null;
  return {
    type: 'poll.create',
    question,
    options: options.filter((option) => option.length > 0),
    multi: flags.has('multi'),
    secret: flags.has('secret'),
    ...(hours !== undefined ? { hours: Number(hours) } : {}),
    ...(quorum !== undefined ? { quorumPercent: Number(quorum.replace('%', '')) } : {}),
  };
}

/** `/ownersvote <ordinary|major> <question> [--hours N]`. */
export function parseOwnersVote(rest: string): Action | null {
  const { text, flags } = takeFlags(rest);
  const matterClass = lookup(matterClasses, text.split(/\s+/)[0]);
  const question = text.replace(/^\S+\s*/, '');
  const hours = flags.get('hours');
  if (!matterClass || !question || (hours !== undefined && !/^\d+$/.test(hours))) return null;
  return { type: 'poll.create_owners_vote', matterClass, question, ...(hours ? { hours: Number(hours) } : {}) };
}

/** `/paperballot <n> <unit> <yes|no|abstain> [note]`. */
export function parsePaperBallot(number: number | null, words: string[]): Action | null {
  const choice = lookup(ownersChoiceWords, words[2]);
  const note = words.slice(3).join(' ');
  return number && words[1] && choice ? { type: 'poll.paper_ballot', number, unit: words[1], choice, ...(note ? { note } : {}) } : null;
}
