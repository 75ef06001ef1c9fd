import { type Action, type CommandName, commandNames } from '../../engine/commands.js';

const isCommandName = (name: string): name is CommandName => (commandNames as readonly string[]).includes(name);

/** "12" or "#12" → 12; anything else → null. */
function issueNumber(token: string | undefined): number | null {
  const match = /^#?(\d{1,9})$/.exec(token ?? '');
  return match ? Number(match[1]) : null;
}

/** A word from one of the tables below, never one of Object.prototype's own names ("constructor"). */
function lookup<T>(table: Record<string, T>, word: string | undefined): T | undefined {
  const key = (word ?? '').toLowerCase();
  return Object.hasOwn(table, key) ? table[key] : undefined;
}

const triageWords: Record<string, 'small' | 'big'> = { small: 'small', big: 'big', 小: 'small', 大: 'big', 小事: 'small', 大事: 'big' };
const confirmWords = new Set(['confirm', 'yes', '确认', '是']);

/**
 * Turns a chat message into an engine action, the same for every platform: `/cmd args` or `/cmd@botname args`.
 * Returns null for ordinary messages. Malformed arguments give `command.malformed`, which the engine answers with
 * the command's usage; an unknown command gives `command.unknown`.
 */
export function parseCommand(text: string, botUsername?: string): Action | null {
  const match = /^\/([A-Za-z_]+)(?:@(\S+))?(?:\s+([\s\S]*))?$/.exec(text.trim());
  if (!match) return null;
  const [, rawName = '', addressee, rawArgs = ''] = match;
  if (addressee && botUsername && addressee.toLowerCase() !== botUsername.toLowerCase()) return null;
  const name = rawName.toLowerCase();
  if (!isCommandName(name)) return { type: 'command.unknown', name };
  const rest = rawArgs.trim();
  const args = rest ? rest.split(/\s+/) : [];
  const malformed: Action = { type: 'command.malformed', command: name };
  const number = issueNumber(args[0]);
  const afterNumber = rest.replace(/^\S+\s*/, '');

  switch (name) {
    case 'poll':
      return parsePoll(rest, malformed);
    case 'ownersvote': {
      const { text, flags } = takeFlags(rest);
      const matterClass = lookup(matterClasses, text.split(/\s+/)[0]);
      const question = text.replace(/^\S+\s*/, '');
      const hours = flags.get('hours');
      if (!matterClass || !question || (hours !== undefined && !/^\d+$/.test(hours))) return malformed;
      return { type: 'poll.create_owners_vote', matterClass, question, ...(hours ? { hours: Number(hours) } : {}) };
    }
    case 'results':
      return number ? { type: 'poll.results', number } : malformed;
    case 'close':
      return number ? { type: 'poll.close', number } : malformed;
    case 'remind':
      return number ? { type: 'poll.remind', number } : malformed;
    case 'turnout':
      return number ? { type: 'poll.turnout', number } : malformed;
    case 'paperballot': {
      const choice = lookup(ownersChoiceWords, args[2]);
      const note = args.slice(3).join(' ');
      return number && args[1] && choice
        ? { type: 'poll.paper_ballot', number, unit: args[1], choice, ...(note ? { note } : {}) }
        : malformed;
    }
    case 'start':
      return { type: 'member.start' };
    case 'help':
      return { type: 'member.help' };
    case 'issues':
      return { type: 'issue.list' };
    case 'digest':
      return { type: 'digest.show' };
    case 'mydata':
      return { type: 'member.export_data' };
    case 'forgetme':
      return { type: 'member.forget', confirmed: confirmWords.has((args[0] ?? '').toLowerCase()) };
    case 'lang':
      return args[0] ? { type: 'member.set_language', locale: args[0] } : malformed;
    case 'link':
      return args[0] ? { type: 'chat.link', code: rest } : malformed;
    case 'claim':
      return args[0] ? { type: 'household.claim', code: rest } : malformed;
    case 'issue':
      return rest ? { type: 'issue.raise', text: rest } : malformed;
    case 'support':
      return number ? { type: 'issue.support', number } : malformed;
    case 'show':
      return number ? { type: 'issue.show', number } : malformed;
    case 'reopen':
      return number ? { type: 'issue.reopen', number } : malformed;
    case 'triage': {
      const triage = lookup(triageWords, args[1]);
      return number && triage && args.length === 2 ? { type: 'issue.triage', number, triage } : malformed;
    }
    case 'escalate':
      return number ? { type: 'issue.escalate', number, ...(afterNumber ? { reason: afterNumber } : {}) } : malformed;
    case 'assign': {
      const days = /^(\d{1,4})(?:d|days?|天)?$/i.exec(args.at(-1) ?? '');
      const responder = args.slice(1, -1).join(' ');
      return number && days && responder ? { type: 'issue.assign', number, responder, days: Number(days[1]) } : malformed;
    }
    case 'respond':
      return number && afterNumber ? { type: 'issue.respond', number, text: afterNumber } : malformed;
    case 'resolve':
      return number ? { type: 'issue.resolve', number, ...(afterNumber ? { text: afterNumber } : {}) } : malformed;
    case 'hide':
      return number && afterNumber ? { type: 'issue.hide', number, reason: afterNumber } : malformed;
    case 'rate': {
      const score = /^[1-5]$/.test(args[1] ?? '') ? Number(args[1]) : null;
      return number && score && args.length === 2 ? { type: 'issue.rate', number, score } : malformed;
    }
  }
}

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
function parsePoll(rest: string, malformed: Action): Action {
  const { text, flags } = takeFlags(rest);
  const [question = '', ...options] = text.split(/[|｜]/).map((part) => part.trim());
  const hours = flags.get('hours');
  const quorum = flags.get('quorum');
  if (hours !== undefined && !/^\d{1,5}$/.test(hours)) return malformed;
  if (quorum !== undefined && !/^\d{1,3}%?$/.test(quorum)) return malformed;
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
