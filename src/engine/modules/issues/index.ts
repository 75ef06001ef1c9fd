import { capability, lookup } from '../../capability.js';
import { listIssues, showIssue } from './browse-issues.js';
import { escalateIssue } from './escalate-issue.js';
import { hideIssue } from './hide-issue.js';
import { raiseDraft, raiseIssue } from './raise-issue.js';
import { supportIssue } from './support-issue.js';
import { supportTaps } from './support-taps.js';
import { triageIssue } from './triage-issue.js';

const triageWords: Record<string, 'small' | 'big'> = { small: 'small', big: 'big', 小: 'small', 大: 'big', 小事: 'small', 大事: 'big' };

/** Issues: raising, backing, browsing, triage, moving up the three levels, hiding. */
export const issues = capability({
  name: 'issues',
  commands: [
    {
      name: 'issue',
      parse: ({ rest }) => (rest ? { type: 'issue.raise', text: rest } : null),
      usageKey: 'commands:issue.usage',
      summaryKey: 'commands:issue.summary',
      offer: { to: 'members', in: ['group'], bindings: ['building', 'community'], menu: ['group'] },
    },
    {
      name: 'support',
      parse: ({ number }) => (number ? { type: 'issue.support', number } : null),
      usageKey: 'commands:support.usage',
      summaryKey: 'commands:support.summary',
      offer: { to: 'members', in: ['private', 'group'], menu: ['group'] },
    },
    {
      name: 'issues',
      parse: () => ({ type: 'issue.list' }),
      usageKey: 'commands:issues.usage',
      summaryKey: 'commands:issues.summary',
      offer: { to: 'everyone', in: ['private', 'group'], menu: ['private', 'group'] },
    },
    {
      name: 'show',
      parse: ({ number }) => (number ? { type: 'issue.show', number } : null),
      usageKey: 'commands:show.usage',
      summaryKey: 'commands:show.summary',
      offer: { to: 'everyone', in: ['private', 'group'], menu: ['private', 'group'] },
    },
    {
      name: 'triage',
      parse: ({ number, words }) => {
        const triage = lookup(triageWords, words[1]);
        return number && triage && words.length === 2 ? { type: 'issue.triage', number, triage } : null;
      },
      usageKey: 'commands:triage.usage',
      summaryKey: 'commands:triage.summary',
      offer: { to: ['committee'], in: ['private', 'group'] },
    },
    {
      name: 'escalate',
      parse: ({ number, afterFirst }) =>
        number ? { type: 'issue.escalate', number, ...(afterFirst ? { reason: afterFirst } : {}) } : null,
      usageKey: 'commands:escalate.usage',
      summaryKey: 'commands:escalate.summary',
      offer: { to: ['committee', 'building_head', 'group_head', 'representative'], in: ['private', 'group'] },
    },
    {
      name: 'hide',
      parse: ({ number, afterFirst }) => (number && afterFirst ? { type: 'issue.hide', number, reason: afterFirst } : null),
      usageKey: 'commands:hide.usage',
      summaryKey: 'commands:hide.summary',
      offer: { to: ['committee'], in: ['private', 'group'] },
    },
  ],
  handlers: {
    'issue.raise': raiseIssue,
    'issue.raise_draft': raiseDraft,
    'issue.support': supportIssue,
    'issue.list': listIssues,
    'issue.show': showIssue,
    'issue.triage': triageIssue,
    'issue.escalate': escalateIssue,
    'issue.hide': hideIssue,
  },
  taps: { 'issue.support': supportTaps },
});
