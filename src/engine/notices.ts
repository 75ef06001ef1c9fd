import type { DomainErrorCode } from '../core/errors.js';
import type { CodePurpose } from '../db/generated/enums.js';
import type { CommandName } from './commands.js';

/**
 * A tap the member can make instead of typing. It travels in the outbox's own `buttons` column; render/ labels it in
 * the reader's language, and engine/buttons.ts gives it the stable id a platform carries back when it is tapped.
 */
export type Button =
  | { kind: 'support'; number: number }
  | { kind: 'rate'; number: number; score: number }
  | { kind: 'raise_draft'; draftId: number }
  | { kind: 'forget_confirm' }
  /** `label` is an option as typed, or in an owners' vote (`choice`) the code yes / no / abstain. */
  | { kind: 'vote'; number: number; position: number; label: string; choice?: boolean }
  /** A party's answer to a joint meeting's notice (a delegate's name is typed: /rsvp delegate <name>). */
  | { kind: 'rsvp'; meeting: number; answer: 'attend' | 'absent' }
  /** A party's position on the decision of agenda item `item`. */
  | { kind: 'position'; meeting: number; item: number; stance: 'agree' | 'object' | 'abstain' };

/** What a burned code was for: a household (claim code), or what a chat would have been linked to (link code). */
export type ExposedCode =
  | { purpose: 'household_claim'; building: string; unit: string }
  | { purpose: 'chat_link'; binding: string; building: string | null; party: string | null };

export type Level = 'building' | 'resident_group' | 'representatives' | 'joint_meeting';
export type Scope = { building: string | null };
export type IssueSummary = { number: number; text: string; status: string; level: Level; supporters: number };
export type Rate = { numerator: number; denominator: number };

/**
 * Everything the engine asks to be said. `type` is also the locale key (notices.<type>); `params` are plain data
 * the renderer formats in the notice's language.
 */
export type NoticeBody =
  | { type: 'member.welcomed'; params: { name: string; community: string | null } }
  | { type: 'member.help'; params: { roles: string[]; chatKind: 'private' | 'group'; commands: CommandName[] } }
  | { type: 'member.language_set'; params: { locale: string } }
  | { type: 'member.data_exported'; params: { data: MemberData } }
  | { type: 'member.forget_requested'; params: Record<string, never> }
  | { type: 'member.forgotten'; params: { ballotsKept: number } }
  | { type: 'chat.linked'; params: { binding: string; community: string; building: string | null; party: string | null } }
  | { type: 'household.claimed'; params: { community: string; building: string; unit: string } }
  /** To the chat where a live code was shown: it is void. Names only the kind of code, never what it was for. */
  | { type: 'code.exposed'; params: { purpose: CodePurpose } }
  /** To the committee's chats: whose code was shown where (`chat`: the chat's title), and by whom; it is void. */
  | { type: 'code.exposure_reported'; params: ExposedCode & { by: string; chat: string | null } }
  /** The issue's card, posted where it was raised and edited with the count of supporting households (`support`). */
  | {
      type: 'issue.raised';
      params: {
        number: number;
        text: string;
        category: string | null;
        scope: Scope;
        level: Level;
        support?: { households: number; needed: number };
      };
    }
  | { type: 'issue.looks_duplicate'; params: { similar: Array<{ number: number; text: string }> } }
  | { type: 'issue.supported'; params: { number: number; households: number; threshold: number } }
  /** Typed `/support` in a group, answered there: the delivery merges a chat's pending entries into one message. */
  | {
      type: 'issue.supports_acknowledged';
      params: { entries: Array<{ name: string; number: number; households: number; threshold: number }> };
    }
  | { type: 'issue.escalated'; params: { number: number; text: string; from: Level; to: Level; cause: string; by: string | null } }
  | { type: 'issue.listed'; params: { issues: IssueSummary[] } }
  | { type: 'issue.shown'; params: IssueDetail }
  | { type: 'issue.triaged'; params: { number: number; triage: 'small' | 'big'; by: string } }
  | { type: 'issue.assigned'; params: { number: number; text: string; party: string; deadline: string; days: number } }
  | { type: 'issue.responded'; params: { number: number; party: string; response: string; late: boolean } }
  | { type: 'issue.resolved'; params: { number: number; note: string | null } }
  /** To a rater privately; `raiser`: the rater raised the issue (rather than backed it). */
  | { type: 'issue.rating_requested'; params: { number: number; text: string; raiser?: boolean } }
  | { type: 'issue.rated'; params: { number: number; score: number } }
  | { type: 'issue.reopened'; params: { number: number; cause: 'ratings' | 'supporters' } }
  | { type: 'issue.closed'; params: { number: number; satisfied: number; raters: number } }
  | { type: 'issue.hidden'; params: { number: number; reason: string } }
  /** `command` names the command whose usage to show, for the usage error. */
  | { type: 'command.refused'; params: Record<string, string | number> & { code: DomainErrorCode } }
  | { type: 'poll.opened'; params: PollHeader }
  | { type: 'poll.vote_recorded'; params: { number: number; question: string; choices: string[]; households: string[]; secret: boolean } }
  | { type: 'poll.results'; params: PollResults }
  | { type: 'poll.closed'; params: PollResults }
  | {
      type: 'poll.reminder';
      /** `notVotedCount`: households in an owners' vote, members in an ordinary poll. `kind` absent: an ordinary poll. */
      params: {
        number: number;
        question: string;
        closesAt: string;
        kind?: 'ordinary' | 'owners_vote';
        notVoted: string[] | null;
        notVotedCount: number;
        /** Whose count it is: the poll's building, or (null, or absent in older notices) the whole community. */
        scope?: Scope;
      };
    }
  /** The scheduler's private reminder to a member whose household has not voted in an owners' vote. */
  | {
      type: 'poll.vote_reminder';
      params: { number: number; question: string; closesAt: string; hoursLeft: number; households: string[] };
    }
  /** The scheduler's reminders of a follow-up: before its deadline, and when it passed unanswered. */
  | { type: 'followup.due_soon'; params: { number: number; text: string; party: string; deadline: string } }
  | { type: 'followup.overdue'; params: { number: number; text: string; party: string; deadline: string } }
  | {
      type: 'poll.turnout_listed';
      /** `scope`: the buildings listed when not the whole vote (a building head's own), `elsewhere`: households not voted outside it. */
      params: { number: number; buildings: Array<{ building: string; units: string[] }>; scope?: string[]; elsewhere?: number };
    }
  | { type: 'poll.turnout_progress'; params: { number: number; percentOfQuorum: number; gap: { households: number; area: string } } }
  | { type: 'poll.paper_recorded'; params: { number: number; building: string; unit: string; choice: string; replaced: boolean } }
  /** The committee's daily digest (DOMAIN rule 7); a day with nothing to report is `digest.daily_empty` instead. */
  | { type: 'digest.daily'; params: DailyDigest }
  | { type: 'digest.daily_empty'; params: { community: string; period: string } }
  /** The subdistrict's weekly roll-up of its communities. */
  | { type: 'digest.weekly'; params: WeeklyRollup }
  | { type: 'command.failed'; params: Record<string, never> }
  /** A tap's blank answer, when nothing else answered it: the platform stops showing it as pending. */
  | { type: 'tap.answered'; params: Record<string, never> }
  /** A member's home page (Slack's App Home): their open issues, their households' open votes, a committee member's digest. */
  | {
      type: 'member.home';
      params: {
        issues: IssueSummary[];
        polls: Array<{ number: number; question: string; closesAt: string; voted: boolean }>;
        digest: DailyDigest | null;
      };
    }
  | {
      type: 'meeting.scheduled';
      params: { meeting: number; startsAt: string; place: string | null; monthly: { day: number; time: string } | null };
    }
  | { type: 'meeting.listed'; params: { upcoming: MeetingSummary[]; past: MeetingSummary[] } }
  | {
      type: 'meeting.agenda';
      params: {
        meeting: number;
        startsAt: string;
        place: string | null;
        locked: boolean;
        items: AgendaEntry[];
        /** Proposals of parties the committee has not accepted yet (/agenda add). */
        proposals: Array<{ number: number; text: string; party: string | null; note: string | null }>;
      };
    }
  | { type: 'meeting.proposed'; params: { meeting: number; number: number; text: string; party: string; note: string | null } }
  /** To the parties' chats with the RSVP buttons: the locked agenda. */
  | {
      type: 'meeting.notice';
      params: { meeting: number; startsAt: string; place: string | null; items: Array<{ position: number; number: number; text: string }> };
    }
  /** To the committee: the notice time came with the agenda still open; it was locked as it stood. */
  | { type: 'meeting.auto_locked'; params: { meeting: number } }
  | { type: 'meeting.rsvp_reminder'; params: { meeting: number; startsAt: string; hours: number } }
  | {
      type: 'meeting.rsvp_recorded';
      params: {
        meeting: number;
        party: string;
        answer: 'attend' | 'delegate' | 'absent';
        delegate: string | null;
        reason: string | null;
        attending: number;
        quorum: number;
      };
    }
  | {
      type: 'meeting.quorum_warning';
      params: { meeting: number; startsAt: string; attending: number; quorum: number; unanswered: string[] };
    }
  | { type: 'meeting.decided'; params: { meeting: number; item: number; number: number; text: string; decision: string } }
  | {
      type: 'meeting.position_recorded';
      params: {
        meeting: number;
        item: number;
        number: number;
        party: string;
        stance: 'agree' | 'object' | 'abstain';
        remark: string | null;
      };
    }
  | {
      type: 'meeting.action_assigned';
      params: { meeting: number; item: number; number: number; party: string; task: string; deadline: string };
    }
  | { type: 'meeting.item_deferred'; params: { meeting: number; item: number; number: number; text: string } }
  | { type: 'meeting.item_sent_up'; params: { meeting: number; item: number; number: number; text: string; to: string } }
  | {
      type: 'meeting.minutes';
      params: {
        meeting: number;
        startsAt: string;
        place: string | null;
        attendance: Array<{
          party: string;
          answer: 'attend' | 'delegate' | 'absent' | null;
          delegate: string | null;
          reason: string | null;
        }>;
        quorum: number;
        quorumMet: boolean;
        items: AgendaEntry[];
      };
    }
  /** To the chat where an issue was raised: what the joint meeting decided on it, and who does what by when. */
  | {
      type: 'meeting.report_back';
      params: {
        meeting: number;
        number: number;
        text: string;
        decision: string | null;
        sentUpTo: string | null;
        actions: Array<{ party: string; task: string | null; deadline: string }>;
      };
    };

export type MeetingSummary = {
  meeting: number;
  startsAt: string;
  place: string | null;
  status: 'scheduled' | 'locked' | 'closed';
  items: number;
  attending: number;
  answered: number;
  parties: number;
  quorum: number;
};

/** An agenda item as shown: why it is there (source, support, category, age), its history, and what became of it. */
export type AgendaEntry = {
  position: number;
  number: number;
  text: string;
  source: 'escalated' | 'overdue' | 'reopened' | 'proposed' | 'carried' | 'added';
  note: string | null;
  proposedBy: string | null;
  households: number;
  inScope: number;
  category: string | null;
  ageDays: number;
  raisedIn: string | null;
  steps: Array<{ to: Level; cause: string; by: string | null }>;
  outcome: 'open' | 'decided' | 'deferred' | 'sent_up';
  decision: string | null;
  sentUpTo: string | null;
  positions: Array<{ party: string; stance: 'agree' | 'object' | 'abstain'; remark: string | null }>;
  actions: Array<{ party: string; task: string | null; deadline: string }>;
};

export type NoticeType = NoticeBody['type'];

/**
 * Notice types whose params are `{ entries: [...] }`: the delivery sends a chat's pending notices of one such type
 * and language as one message, their entries in order, and waits while the chat has a message going out, so that a
 * burst of typed commands is answered in a few messages rather than one each.
 */
export const mergedNoticeTypes: ReadonlySet<string> = new Set(['issue.supports_acknowledged']);

export type Notice = NoticeBody & {
  /** The chat row to post in. */
  chatId: number;
  /** Language to render in. */
  locale: string;
  replyToMessageId?: string;
  buttons?: Button[];
  /** One outbox row per key: a later notice with the same key replaces it and is sent again (live poll counts). */
  dedupeKey?: string;
  /** Edit the message of the notice with this dedupe key instead of posting a new one (sent once that one is). */
  editOfKey?: string;
  /** Shown to the one who tapped alone (see EngineCommand.tapId), not posted to the chat. */
  answersTap?: string;
};

export type IssueDetail = {
  number: number;
  text: string;
  status: string;
  category: string | null;
  scope: Scope;
  level: Level;
  triage: 'small' | 'big' | null;
  supporters: number;
  createdAt: string;
  followUp: { party: string; deadline: string; response: string | null } | null;
  hiddenReason: string | null;
  /** Each level it passed, with who or what moved it. */
  steps: Array<{ to: Level; cause: string; by: string | null }>;
  /** The joint meetings that took it up, and what became of it there (outcome open: on an agenda to come). */
  meetings: Array<{
    meeting: number;
    startsAt: string;
    outcome: 'open' | 'decided' | 'deferred' | 'sent_up';
    decision: string | null;
    sentUpTo: string | null;
  }>;
};

export type MemberData = {
  displayName: string;
  platform: string;
  platformUserId: string;
  locale: string | null;
  households: Array<{ community: string; building: string; unit: string }>;
  roles: Array<{ community: string; role: string; scope: string }>;
  issuesRaised: number[];
  supports: number;
  ratings: number;
  ballots: number;
};

export type PollHeader = {
  number: number;
  question: string;
  kind: 'ordinary' | 'owners_vote';
  matterClass: 'ordinary' | 'major' | null;
  options: string[];
  closesAt: string;
  multi: boolean;
  secret: boolean;
  quorumPercent: number | null;
  scope: Scope;
};

/** Areas are decimal strings of m² ("1234.50"); shares are exact fractions. */
export type OwnersResults = {
  total: { households: number; area: string };
  participating: { households: number; area: string };
  byChoice: Record<'yes' | 'no' | 'abstain', { households: number; area: string }>;
  quorum: { area: boolean; households: boolean; met: boolean };
  gap: { households: number; area: string };
  approval: { area: boolean; households: boolean };
  verdict: 'passed' | 'rejected' | 'no_quorum';
  paperBallots: number;
  buildings: Array<{ name: string; total: number; voted: number; notVotedHouseholds: number; notVotedArea: string }>;
};

export type OrdinaryResults = {
  counts: Array<{ label: string; votes: number; share: Rate }>;
  voters: number;
  eligible: number;
  quorumMet: boolean | null;
};

export type PollResults = PollHeader & { closed: boolean; ordinary: OrdinaryResults | null; owners: OwnersResults | null };

/** The three rates of supervised follow-up (README, "The three rates"), as exact fractions. */
export type DigestRates = { response: Rate; resolution: Rate; satisfaction: Rate };

/** A poll closing soon: turnout of an ordinary poll, or an owners' vote's progress towards its 2/3 quorum. */
export type DigestPoll =
  | { kind: 'ordinary'; number: number; question: string; closesAt: string; voters: number; eligible: number }
  | {
      kind: 'owners_vote';
      number: number;
      question: string;
      closesAt: string;
      /** `needed` is 2/3 of the total, rounded up: the participation the quorum asks for. Areas in m² ("123.45"). */
      households: { participating: number; total: number; needed: number };
      area: { participating: string; total: string; needed: string };
      quorumMet: boolean;
    };

/**
 * The committee's daily digest of one community: what happened in the 24 hours before it was made, what is due
 * soon, and the three rates over the last 30 days. Instants are ISO strings, rendered in the chat's time zone.
 */
export type DailyDigest = {
  community: string;
  /** The local date the digest is for, "YYYY-MM-DD". */
  period: string;
  /** Raised in the last 24 hours. */
  newIssues: Array<{ number: number; text: string }>;
  /** Backed by more households than 24 hours ago (the raiser's own household is not news): now and added. */
  supportGains: Array<{ number: number; text: string; households: number; added: number }>;
  /** Moved up a level in the last 24 hours. */
  escalations: Array<{ number: number; from: Level; to: Level; cause: string }>;
  /** Open polls closing within 48 hours. */
  pollsClosing: DigestPoll[];
  /** Unanswered follow-ups past their deadline, on issues still being handled. */
  overdueFollowUps: Array<{ number: number; party: string; deadline: string; daysOverdue: number }>;
  /** Joint meetings in the next 7 days, with their RSVP state. */
  meetings: MeetingSummary[];
  /** Over the last 30 days. */
  rates: DigestRates;
};

/** The subdistrict's weekly roll-up: per community, counts for the 7 days before it was made and the 30-day rates. */
export type WeeklyRollup = {
  subdistrict: string;
  /** The ISO week reported on, "YYYY-Www". */
  period: string;
  communities: Array<{
    name: string;
    newIssues: number;
    escalations: number;
    resolved: number;
    /** Unanswered follow-ups past their deadline at the time of the roll-up. */
    overdueFollowUps: number;
    rates: DigestRates;
  }>;
};
