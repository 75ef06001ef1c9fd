import { capability } from '../../capability.js';
import { castVote, recordPaperBallot } from './cast-vote.js';
import { createOwnersVote, createPoll } from './create-poll.js';
import { parseOwnersVote, parsePaperBallot, parsePoll } from './parse-poll.js';
import { closeDuePoll, closePoll, listTurnout, remindVoters, showResults } from './poll-commands.js';
import { remindNonVoters } from './remind-non-voters.js';
import { voteTaps } from './vote-taps.js';

declare module '../reminders/schedule.js' {
  interface ReminderParams {
    'poll.close': { pollId: number };
    'poll.remind': { pollId: number; hoursLeft: number };
  }
}

/** Polls and owners' votes: creating, voting by button, results, closing, reminders, turnout, paper ballots. */
export const polls = capability({
  name: 'polls',
  commands: [
    {
      name: 'poll',
      parse: ({ rest }) => parsePoll(rest),
      usageKey: 'commands:poll.usage',
      summaryKey: 'commands:poll.summary',
      offer: { to: ['committee', 'building_head'], in: ['group'], bindings: ['building', 'community'] },
    },
    {
      name: 'ownersvote',
      parse: ({ rest }) => parseOwnersVote(rest),
      usageKey: 'commands:ownersvote.usage',
      summaryKey: 'commands:ownersvote.summary',
      offer: { to: ['committee'], in: ['group'], bindings: ['building', 'community'] },
    },
    {
      name: 'results',
      parse: ({ number }) => (number ? { type: 'poll.results', number } : null),
      usageKey: 'commands:results.usage',
      summaryKey: 'commands:results.summary',
      offer: { to: 'everyone', in: ['private', 'group'], menu: ['private', 'group'] },
    },
    {
      name: 'close',
      parse: ({ number }) => (number ? { type: 'poll.close', number } : null),
      usageKey: 'commands:close.usage',
      summaryKey: 'commands:close.summary',
      offer: { to: ['committee', 'building_head'], in: ['private', 'group'] },
    },
    {
      name: 'remind',
      parse: ({ number }) => (number ? { type: 'poll.remind', number } : null),
      usageKey: 'commands:remind.usage',
      summaryKey: 'commands:remind.summary',
      offer: { to: ['committee', 'building_head'], in: ['private', 'group'] },
    },
    {
      name: 'turnout',
      parse: ({ number }) => (number ? { type: 'poll.turnout', number } : null),
      usageKey: 'commands:turnout.usage',
      summaryKey: 'commands:turnout.summary',
      offer: { to: ['committee', 'building_head'], in: ['private', 'group'] },
    },
    {
      name: 'paperballot',
      parse: ({ number, words }) => parsePaperBallot(number, words),
      usageKey: 'commands:paperballot.usage',
      summaryKey: 'commands:paperballot.summary',
      offer: { to: ['committee', 'building_head'], in: ['private', 'group'] },
    },
  ],
  handlers: {
    'poll.create': createPoll,
    'poll.create_owners_vote': createOwnersVote,
    'poll.vote': castVote,
    'poll.results': showResults,
    'poll.close': closePoll,
    'poll.remind': remindVoters,
    'poll.turnout': listTurnout,
    'poll.paper_ballot': recordPaperBallot,
  },
  taps: { 'poll.vote': voteTaps },
  reminders: { 'poll.close': closeDuePoll, 'poll.remind': remindNonVoters },
});
