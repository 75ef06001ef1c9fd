import type { RsvpAnswer, Stance } from '../../../db/generated/client.js';
import { type CommandArgs, capability, lookup } from '../../capability.js';
import type { Action } from '../../commands.js';
import { type AgendaAction, editAgenda, proposeItem } from './agenda.js';
import { assignAction, closeMeeting, decideItem, recordPosition, settleItem } from './minutes.js';
import { answerRsvp, noticeDue, rsvpReminderDue } from './rsvp.js';
import { listMeetings, scheduleMeeting, seriesDue } from './schedule-meeting.js';

declare module '../reminders/schedule.js' {
  interface ReminderParams {
    'meeting.notice': { meetingId: number };
    'meeting.rsvp_reminder': { meetingId: number; hours: number };
    'meeting.series': { communityId: number; startsAt: string };
  }
}

const stanceWords: Record<string, Stance> = {
  agree: 'agree',
  同意: 'agree',
  object: 'object',
  反对: 'object',
  abstain: 'abstain',
  弃权: 'abstain',
};
const rsvpWords: Record<string, RsvpAnswer> = {
  attend: 'attend',
  出席: 'attend',
  delegate: 'delegate',
  委托: 'delegate',
  absent: 'absent',
  缺席: 'absent',
};
const positive = (word: string | undefined) =>
  word && /^#?\d{1,9}$/.test(word) && Number(word.replace('#', '')) > 0 ? Number(word.replace('#', '')) : null;
const rest = (words: string[], from: number) => words.slice(from).join(' ');

function parseMeeting({ words }: CommandArgs): Action | null {
  if (words[0]?.toLowerCase() === 'monthly') {
    const day = positive(words[1]);
    return day && words[2] ? { type: 'meeting.schedule', monthlyDay: day, time: words[2], place: rest(words, 3) || undefined } : null;
  }
  return words[0] && words[1] ? { type: 'meeting.schedule', date: words[0], time: words[1], place: rest(words, 2) || undefined } : null;
}

function parseAgenda({ words }: CommandArgs): Action | null {
  const op = words[0]?.toLowerCase();
  const number = positive(words[1]);
  let agenda: AgendaAction | null = null;
  if (!op) agenda = { op: 'show' };
  else if (op === 'lock' && words.length === 1) agenda = { op: 'lock' };
  else if ((op === 'add' || op === 'drop') && number && words.length === 2) agenda = { op, number };
  else if (op === 'move' && number && positive(words[2]) && words.length === 3) agenda = { op, number, position: positive(words[2])! };
  return agenda ? { type: 'meeting.agenda', ...agenda } : null;
}

function parseRsvp({ words }: CommandArgs): Action | null {
  const answer = lookup(rsvpWords, words[0]);
  if (!answer) return null;
  if (answer === 'delegate') return words[1] ? { type: 'meeting.rsvp', answer, delegate: rest(words, 1) } : null;
  return { type: 'meeting.rsvp', answer, ...(answer === 'absent' && words[1] ? { reason: rest(words, 1) } : {}) };
}

function parsePosition({ words }: CommandArgs): Action | null {
  const item = positive(words[0]);
  if (!item || !words[1]) return null;
  const own = lookup(stanceWords, words[1]);
  if (own) return { type: 'meeting.position', item, stance: own, remark: rest(words, 2) || undefined };
  const forParty = lookup(stanceWords, words[2]);
  return forParty ? { type: 'meeting.position', item, party: words[1], stance: forParty, remark: rest(words, 3) || undefined } : null;
}

function parseAction({ words }: CommandArgs): Action | null {
  const item = positive(words[0]);
  const days = /^(\d{1,4})(?:d|days?|天)?$/i.exec(words[2] ?? '');
  return item && words[1] && days && words[3]
    ? { type: 'meeting.action', item, party: words[1], days: Number(days[1]), task: rest(words, 3) }
    : null;
}

const committeeChat = { to: ['committee'], in: ['group'], bindings: ['committee'] } as const;

/**
 * The four-party joint meeting (四方联席会议): scheduling (once or monthly), the agenda built from escalated, overdue,
 * reopened, deferred and proposed issues, the notice and RSVPs of the parties, minutes (decisions, positions, action
 * items that become supervised follow-ups) and the report back to where each issue was raised.
 */
export const meetings = capability({
  name: 'meetings',
  commands: [
    {
      name: 'meeting',
      parse: parseMeeting,
      usageKey: 'commands:meeting.usage',
      summaryKey: 'commands:meeting.summary',
      offer: committeeChat,
    },
    {
      name: 'meetings',
      parse: () => ({ type: 'meeting.list' }),
      usageKey: 'commands:meetings.usage',
      summaryKey: 'commands:meetings.summary',
      offer: { to: ['committee', 'party_member', 'responder'], in: ['private', 'group'] },
    },
    { name: 'agenda', parse: parseAgenda, usageKey: 'commands:agenda.usage', summaryKey: 'commands:agenda.summary', offer: committeeChat },
    {
      name: 'propose',
      parse: ({ number, afterFirst }) => (number ? { type: 'meeting.propose', number, why: afterFirst || undefined } : null),
      usageKey: 'commands:propose.usage',
      summaryKey: 'commands:propose.summary',
      offer: { to: ['party_member', 'responder'], in: ['private', 'group'] },
    },
    {
      name: 'rsvp',
      parse: parseRsvp,
      usageKey: 'commands:rsvp.usage',
      summaryKey: 'commands:rsvp.summary',
      offer: { to: ['party_member', 'responder'], in: ['private', 'group'] },
    },
    {
      name: 'decide',
      parse: ({ number, afterFirst }) => (number && afterFirst ? { type: 'meeting.decide', item: number, text: afterFirst } : null),
      usageKey: 'commands:decide.usage',
      summaryKey: 'commands:decide.summary',
      offer: committeeChat,
    },
    {
      name: 'position',
      parse: parsePosition,
      usageKey: 'commands:position.usage',
      summaryKey: 'commands:position.summary',
      offer: { to: ['committee', 'party_member', 'responder'], in: ['private', 'group'] },
    },
    { name: 'action', parse: parseAction, usageKey: 'commands:action.usage', summaryKey: 'commands:action.summary', offer: committeeChat },
    {
      name: 'defer',
      parse: ({ number, words }) => (number && words.length === 1 ? { type: 'meeting.settle', item: number, outcome: 'deferred' } : null),
      usageKey: 'commands:defer.usage',
      summaryKey: 'commands:defer.summary',
      offer: committeeChat,
    },
    {
      name: 'sendup',
      parse: ({ number, afterFirst }) =>
        number && afterFirst ? { type: 'meeting.settle', item: number, outcome: 'sent_up', to: afterFirst } : null,
      usageKey: 'commands:sendup.usage',
      summaryKey: 'commands:sendup.summary',
      offer: committeeChat,
    },
    {
      name: 'minutes',
      parse: ({ words }) => (words.length === 0 ? { type: 'meeting.minutes' } : null),
      usageKey: 'commands:minutes.usage',
      summaryKey: 'commands:minutes.summary',
      offer: committeeChat,
    },
  ],
  handlers: {
    'meeting.schedule': scheduleMeeting,
    'meeting.list': listMeetings,
    'meeting.agenda': editAgenda,
    'meeting.propose': proposeItem,
    'meeting.rsvp': answerRsvp,
    'meeting.decide': decideItem,
    'meeting.position': recordPosition,
    'meeting.action': assignAction,
    'meeting.settle': settleItem,
    'meeting.minutes': closeMeeting,
  },
  reminders: { 'meeting.notice': noticeDue, 'meeting.rsvp_reminder': rsvpReminderDue, 'meeting.series': seriesDue },
});
