import { capability } from '../../capability.js';
import { assignIssue } from './assign-issue.js';
import { escalateOverdue, remindFollowUp } from './follow-up-reminders.js';
import { closeRating, rateIssue } from './rate-issue.js';
import { reopenIssue } from './reopen-issue.js';
import { resolveIssue } from './resolve-issue.js';
import { respondIssue } from './respond-issue.js';

declare module '../reminders/schedule.js' {
  interface ReminderParams {
    'issue.close_rating': { issueId: number; round: number };
    'followup.remind': { followUpId: number };
    'followup.overdue': { followUpId: number };
  }
}

/** Supervised follow-up: assigning a big matter, the party's answer, resolution, residents' ratings, reopening. */
export const followups = capability({
  name: 'followups',
  commands: [
    {
      name: 'assign',
      parse: ({ number, words }) => {
        const days = /^(\d{1,4})(?:d|days?|天)?$/i.exec(words.at(-1) ?? '');
        const responder = words.slice(1, -1).join(' ');
        return number && days && responder ? { type: 'issue.assign', number, responder, days: Number(days[1]) } : null;
      },
      usageKey: 'commands:assign.usage',
      summaryKey: 'commands:assign.summary',
      offer: { to: ['committee'], in: ['private', 'group'] },
    },
    {
      name: 'respond',
      parse: ({ number, afterFirst }) => (number && afterFirst ? { type: 'issue.respond', number, text: afterFirst } : null),
      usageKey: 'commands:respond.usage',
      summaryKey: 'commands:respond.summary',
      offer: { to: ['responder', 'party_member'], in: ['private', 'group'] },
    },
    {
      name: 'resolve',
      parse: ({ number, afterFirst }) => (number ? { type: 'issue.resolve', number, ...(afterFirst ? { text: afterFirst } : {}) } : null),
      usageKey: 'commands:resolve.usage',
      summaryKey: 'commands:resolve.summary',
      offer: { to: ['committee', 'responder', 'party_member'], in: ['private', 'group'] },
    },
    {
      name: 'rate',
      parse: ({ number, words }) => {
        const score = /^[1-5]$/.test(words[1] ?? '') ? Number(words[1]) : null;
        return number && score && words.length === 2 ? { type: 'issue.rate', number, score } : null;
      },
      usageKey: 'commands:rate.usage',
      summaryKey: 'commands:rate.summary',
      offer: { to: 'members', in: ['private', 'group'] },
    },
    {
      name: 'reopen',
      parse: ({ number }) => (number ? { type: 'issue.reopen', number } : null),
      usageKey: 'commands:reopen.usage',
      summaryKey: 'commands:reopen.summary',
      offer: { to: 'members', in: ['private', 'group'] },
    },
  ],
  handlers: {
    'issue.assign': assignIssue,
    'issue.respond': respondIssue,
    'issue.resolve': resolveIssue,
    'issue.rate': rateIssue,
    'issue.reopen': reopenIssue,
  },
  reminders: { 'issue.close_rating': closeRating, 'followup.remind': remindFollowUp, 'followup.overdue': escalateOverdue },
});
