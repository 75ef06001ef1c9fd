import type { Platform } from '../db/generated/enums.js';

/** Who spoke, as the platform names them. The engine keeps one member per platform identity. */
export type Actor = {
  platform: Platform;
  platformUserId: string;
  displayName: string;
  /** The platform's language hint (Telegram's language_code), used until the member or a community sets one. */
  languageHint?: string;
};

export type ChatRef = {
  platform: Platform;
  platformChatId: string;
  kind: 'private' | 'group';
  title?: string;
};

/** A chat command's name, as typed after the slash; each capability's manifest declares its own. */
export type CommandName = string;

/** What the member asked for: a typed command or a button tap, already parsed by the adapter. */
export type Action =
  | { type: 'member.start' }
  | { type: 'member.help' }
  /** The member opened their home (Slack's App Home tab). */
  | { type: 'member.home' }
  | { type: 'member.set_language'; locale: string }
  | { type: 'chat.link'; code: string }
  | { type: 'household.claim'; code: string }
  | { type: 'issue.raise'; text: string }
  | { type: 'issue.raise_draft'; draftId: number }
  | { type: 'issue.support'; number: number }
  | { type: 'issue.list' }
  | { type: 'issue.show'; number: number }
  | { type: 'issue.triage'; number: number; triage: 'small' | 'big' }
  | { type: 'issue.escalate'; number: number; reason?: string }
  | { type: 'issue.assign'; number: number; responder: string; days: number }
  | { type: 'issue.respond'; number: number; text: string }
  | { type: 'issue.resolve'; number: number; text?: string }
  | { type: 'issue.rate'; number: number; score: number }
  | { type: 'issue.reopen'; number: number }
  | { type: 'issue.hide'; number: number; reason: string }
  | { type: 'poll.create'; question: string; options: string[]; hours?: number; multi: boolean; secret: boolean; quorumPercent?: number }
  | { type: 'poll.create_owners_vote'; matterClass: 'ordinary' | 'major'; question: string; hours?: number }
  | { type: 'poll.vote'; number: number; position: number }
  | { type: 'poll.results'; number: number }
  | { type: 'poll.close'; number: number }
  | { type: 'poll.remind'; number: number }
  | { type: 'poll.turnout'; number: number }
  | { type: 'poll.paper_ballot'; number: number; unit: string; choice: 'yes' | 'no' | 'abstain'; note?: string }
  | { type: 'digest.show' }
  | { type: 'meeting.schedule'; date: string; time: string; place?: string }
  | { type: 'meeting.schedule'; monthlyDay: number; time: string; place?: string }
  | { type: 'meeting.list' }
  | ({ type: 'meeting.agenda' } & (
      | { op: 'show' }
      | { op: 'add' | 'drop'; number: number }
      | { op: 'move'; number: number; position: number }
      | { op: 'lock' }
    ))
  | { type: 'meeting.propose'; number: number; why?: string }
  | { type: 'meeting.rsvp'; meeting?: number; answer: 'attend' | 'delegate' | 'absent'; delegate?: string; reason?: string }
  | { type: 'meeting.decide'; item: number; text: string }
  | { type: 'meeting.position'; meeting?: number; item: number; stance: 'agree' | 'object' | 'abstain'; party?: string; remark?: string }
  | { type: 'meeting.action'; item: number; party: string; days: number; task: string }
  | { type: 'meeting.settle'; item: number; outcome: 'deferred' | 'sent_up'; to?: string }
  | { type: 'meeting.minutes' }
  | { type: 'member.export_data' }
  | { type: 'member.forget'; confirmed: boolean }
  /** The bot was removed from the chat (kept bound: a re-add resumes it), added back, or the group became a supergroup. */
  | { type: 'chat.left' }
  | { type: 'chat.joined' }
  | { type: 'chat.migrated'; toPlatformChatId: string }
  /** The text started with a slash the adapter does not know. */
  | { type: 'command.unknown'; name: string }
  /** A known command with missing or malformed arguments. */
  | { type: 'command.malformed'; command: CommandName };

export type ActionType = Action['type'];

/** One inbound platform event, normalised. `eventId` with the platform is the idempotency key. */
export type EngineCommand = {
  eventId: string;
  actor: Actor;
  chat: ChatRef;
  /** The platform's id of the message that carried the command, for threading replies. */
  messageId?: string;
  /**
   * Set when a button was tapped: the platform's handle for answering the tapper alone (Telegram's callback query id,
   * the Slack user, the web persona). A tap in a group is answered to the tapper, not to the group.
   */
  tapId?: string;
  action: Action;
};
