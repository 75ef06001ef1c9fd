import { DomainError } from '../core/errors.js';
import type { Action, ActionType } from './commands.js';
import type { CommandContext } from './context.js';
import { showDigest } from './modules/digests/show-digest.js';
import { assignIssue } from './modules/followups/assign-issue.js';
import { rateIssue } from './modules/followups/rate-issue.js';
import { resolveIssue } from './modules/followups/resolve-issue.js';
import { respondIssue } from './modules/followups/respond-issue.js';
import { listIssues, showIssue } from './modules/issues/browse-issues.js';
import { escalateIssue } from './modules/issues/escalate-issue.js';
import { hideIssue } from './modules/issues/hide-issue.js';
import { raiseDraft, raiseIssue } from './modules/issues/raise-issue.js';
import { reopenIssue } from './modules/issues/reopen-issue.js';
import { supportIssue } from './modules/issues/support-issue.js';
import { triageIssue } from './modules/issues/triage-issue.js';
import { markChatJoined, markChatLeft, migrateChat } from './modules/membership/chat-lifecycle.js';
import { claimHousehold } from './modules/membership/claim-household.js';
import { exportMemberData } from './modules/membership/export-member-data.js';
import { forgetMember } from './modules/membership/forget-member.js';
import { linkChat } from './modules/membership/link-chat.js';
import { setLanguage } from './modules/membership/set-language.js';
import { showHelp } from './modules/membership/show-help.js';
import { start } from './modules/membership/start.js';
import { castVote, recordPaperBallot } from './modules/polls/cast-vote.js';
import { createOwnersVote, createPoll } from './modules/polls/create-poll.js';
import { closePoll, listTurnout, remindVoters, showResults } from './modules/polls/poll-commands.js';

type Handler<T extends ActionType> = (ctx: CommandContext, action: Extract<Action, { type: T }>) => Promise<void>;

/** Every action the engine understands, and the use-case that handles it. */
export const handlers: { [T in ActionType]: Handler<T> } = {
  'member.start': start,
  'member.help': showHelp,
  'member.set_language': setLanguage,
  'member.export_data': exportMemberData,
  'member.forget': forgetMember,
  'chat.link': linkChat,
  'household.claim': claimHousehold,
  'issue.raise': raiseIssue,
  'issue.raise_draft': raiseDraft,
  'issue.support': supportIssue,
  'issue.list': listIssues,
  'issue.show': showIssue,
  'issue.triage': triageIssue,
  'issue.escalate': escalateIssue,
  'issue.assign': assignIssue,
  'issue.respond': respondIssue,
  'issue.resolve': resolveIssue,
  'issue.rate': rateIssue,
  'issue.reopen': reopenIssue,
  'issue.hide': hideIssue,
  'poll.create': createPoll,
  'poll.create_owners_vote': createOwnersVote,
  'poll.vote': castVote,
  'poll.results': showResults,
  'poll.close': closePoll,
  'poll.remind': remindVoters,
  'poll.turnout': listTurnout,
  'poll.paper_ballot': recordPaperBallot,
  'digest.show': showDigest,
  'chat.left': markChatLeft,
  'chat.joined': markChatJoined,
  'chat.migrated': migrateChat,
  'command.unknown': async (_ctx, action) => {
    throw new DomainError('unknown_command', { name: action.name });
  },
  'command.malformed': async (_ctx, action) => {
    throw new DomainError('usage', { command: action.command });
  },
};
