import type { AgendaEntry, MeetingSummary } from '../engine/notices.js';
import type { TFunction } from '../i18n/index.js';
import type { NoticeRenderers } from './context.js';
import { date } from './dates.js';
import { type Block, heading, list, paragraph } from './document.js';
import { joined, label } from './labels.js';
import { percent } from './percent.js';
import { truncate } from './text.js';

type MeetingNotice =
  | 'meeting.scheduled'
  | 'meeting.listed'
  | 'meeting.agenda'
  | 'meeting.proposed'
  | 'meeting.notice'
  | 'meeting.auto_locked'
  | 'meeting.rsvp_reminder'
  | 'meeting.rsvp_recorded'
  | 'meeting.quorum_warning'
  | 'meeting.decided'
  | 'meeting.position_recorded'
  | 'meeting.action_assigned'
  | 'meeting.item_deferred'
  | 'meeting.item_sent_up'
  | 'meeting.minutes'
  | 'meeting.report_back';

type Stance = 'agree' | 'object' | 'abstain';

// Whole keys in literal maps, never built from fragments at run time: the locale tests can see every one.
const sourceKeys: Record<Exclude<AgendaEntry['source'], 'proposed'>, string> = {
  escalated: 'labels:agenda_source.escalated',
  overdue: 'labels:agenda_source.overdue',
  reopened: 'labels:agenda_source.reopened',
  carried: 'labels:agenda_source.carried',
  added: 'labels:agenda_source.added',
};
const stanceKeys: Record<Stance, string> = {
  agree: 'labels:stance.agree',
  object: 'labels:stance.object',
  abstain: 'labels:stance.abstain',
};
const positionRecordedKeys: Record<Stance, string> = {
  agree: 'notices:meeting.position_agree',
  object: 'notices:meeting.position_object',
  abstain: 'notices:meeting.position_abstain',
};
const statusKeys: Record<MeetingSummary['status'], string> = {
  scheduled: 'labels:meeting_status.scheduled',
  locked: 'labels:meeting_status.locked',
  closed: 'labels:meeting_status.closed',
};

type Context = { t: TFunction; timeZone: string };

/** When and where: the local start time, and the place when there is one. */
function when({ t, timeZone }: Context, startsAt: string, place: string | null): string {
  const at = date(t, startsAt, timeZone);
  return place ? t('notices:meeting.when', { startsAt: at, place }) : t('notices:meeting.when_no_place', { startsAt: at });
}

/** "3 of 4 parties answered, 2 attending, quorum 3". */
export function rsvpState(t: TFunction, m: Pick<MeetingSummary, 'answered' | 'parties' | 'attending' | 'quorum'>): string {
  return t('notices:meeting.rsvp_state', {
    answered: m.answered,
    parties: m.parties,
    count: m.parties,
    attending: m.attending,
    quorum: m.quorum,
  });
}

function summaryLine(context: Context, m: MeetingSummary): string {
  const { t } = context;
  return t('notices:meeting.summary_line', {
    meeting: m.meeting,
    when: when(context, m.startsAt, m.place),
    status: t(statusKeys[m.status]),
    items: t('notices:meeting.items_count', { count: m.items }),
    rsvp: rsvpState(t, m),
  });
}

function sourceText(t: TFunction, item: AgendaEntry): string {
  if (item.source !== 'proposed') return t(sourceKeys[item.source]);
  const party = label(t, item.proposedBy);
  return item.note ? t('labels:agenda_source.proposed_note', { party, note: item.note }) : t('labels:agenda_source.proposed', { party });
}

/** Why an item is on the agenda: its source, its support among the households of its scope, its category and age. */
function whyLine(t: TFunction, item: AgendaEntry): string {
  return t('notices:meeting.why', {
    source: sourceText(t, item),
    support: t('notices:meeting.support', {
      households: item.households,
      inScope: item.inScope,
      count: item.inScope,
      percent: percent({ numerator: item.households, denominator: item.inScope }),
    }),
    category: label(t, item.category ?? 'other'),
    age: item.ageDays === 0 ? t('notices:meeting.age_today') : t('notices:meeting.age', { days: item.ageDays, count: item.ageDays }),
  });
}

/** Where the issue was raised and each level it moved up to, why and by whom. */
function historyLine(t: TFunction, item: AgendaEntry): string {
  // A group without a title (or one since removed) has no name to show: issues are raised in groups only.
  const chat = item.raisedIn ?? t('labels:untitled_chat');
  if (item.steps.length === 0) return t('notices:meeting.history', { chat });
  const steps = item.steps
    .map((step) =>
      step.by
        ? t('notices:meeting.step_by', { level: label(t, step.to), cause: label(t, step.cause), by: step.by })
        : t('notices:meeting.step', { level: label(t, step.to), cause: label(t, step.cause) }),
    )
    .join(' ');
  return t('notices:meeting.history_steps', { chat, steps });
}

type Action = AgendaEntry['actions'][number];

/** An action item under "who does what": the party, its task, its deadline. */
function actionLine({ t, timeZone }: Context, action: Action): string {
  const deadline = date(t, action.deadline, timeZone);
  return action.task
    ? t('notices:meeting.action_line', { party: action.party, task: action.task, deadline })
    : t('notices:meeting.action_line_no_task', { party: action.party, deadline });
}

/** An action item among an agenda item's lines, where it must say what it is. */
function actionItem({ t, timeZone }: Context, action: Action): string {
  const deadline = date(t, action.deadline, timeZone);
  return action.task
    ? t('notices:meeting.action_item', { party: action.party, task: action.task, deadline })
    : t('notices:meeting.action_item_no_task', { party: action.party, deadline });
}

/** What became of an item: the decision, or deferred, or sent up; the parties' positions; the action items. */
function outcomeLines(context: Context, item: AgendaEntry): string[] {
  const { t } = context;
  const lines: string[] = [];
  if (item.outcome === 'decided') lines.push(t('notices:meeting.outcome_decided', { decision: item.decision ?? '-' }));
  else if (item.outcome === 'deferred') lines.push(t('notices:meeting.outcome_deferred'));
  else if (item.outcome === 'sent_up') lines.push(t('notices:meeting.outcome_sent_up', { to: item.sentUpTo ?? '-' }));
  if (item.positions.length > 0)
    lines.push(
      t('notices:meeting.positions', {
        positions: joined(
          t,
          item.positions.map((p) =>
            p.remark
              ? t('notices:meeting.position_entry_remark', { party: p.party, stance: t(stanceKeys[p.stance]), remark: p.remark })
              : t('notices:meeting.position_entry', { party: p.party, stance: t(stanceKeys[p.stance]) }),
          ),
        ),
      }),
    );
  for (const action of item.actions) lines.push(actionItem(context, action));
  return lines;
}

/** One agenda item: its position, issue number and text over why it is there, its history and what became of it. */
function itemBlocks(context: Context, item: AgendaEntry): Block[] {
  const { t } = context;
  return [
    heading(t('notices:meeting.item', { position: item.position, number: item.number, text: truncate(item.text, 120) })),
    list([whyLine(t, item), historyLine(t, item), ...outcomeLines(context, item)]),
  ];
}

function itemsBlocks(context: Context, items: AgendaEntry[]): Block[] {
  return items.length === 0 ? [paragraph(context.t('notices:meeting.agenda_empty'))] : items.flatMap((item) => itemBlocks(context, item));
}

/**
 * The four-party joint meeting: scheduling and the list of meetings, the agenda and the parties' proposals, the notice,
 * RSVPs and the quorum, the record of each item (decision, positions, action items, deferred or sent up), the minutes,
 * and the report back to where an issue was raised.
 */
export const meetingRenderers: NoticeRenderers<MeetingNotice> = {
  'meeting.scheduled': (p, context) => {
    const { t } = context;
    return [
      paragraph(t('notices:meeting.scheduled', { meeting: p.meeting, when: when(context, p.startsAt, p.place) })),
      ...(p.monthly ? [paragraph(t('notices:meeting.scheduled_monthly', { day: p.monthly.day, time: p.monthly.time }))] : []),
      paragraph(t('notices:meeting.scheduled_hint')),
    ];
  },
  'meeting.listed': ({ upcoming, past }, context) => {
    const { t } = context;
    if (upcoming.length === 0 && past.length === 0) return [paragraph(t('notices:meeting.listed_empty'))];
    const blocks: Block[] = [];
    if (upcoming.length > 0) blocks.push(heading(t('notices:meeting.listed_upcoming')), list(upcoming.map((m) => summaryLine(context, m))));
    else blocks.push(paragraph(t('notices:meeting.listed_none_upcoming')));
    if (past.length > 0) blocks.push(heading(t('notices:meeting.listed_past')), list(past.map((m) => summaryLine(context, m))));
    return blocks;
  },
  'meeting.agenda': (p, context) => {
    const { t } = context;
    const blocks: Block[] = [
      heading(t('notices:meeting.agenda_heading', { meeting: p.meeting, when: when(context, p.startsAt, p.place) })),
      paragraph(t(p.locked ? 'notices:meeting.agenda_locked' : 'notices:meeting.agenda_open')),
      ...itemsBlocks(context, p.items),
    ];
    if (p.proposals.length > 0)
      blocks.push(
        heading(t('notices:meeting.proposals')),
        list(
          p.proposals.map((proposal) => {
            const shown = { number: proposal.number, text: truncate(proposal.text, 80), party: label(t, proposal.party) };
            return proposal.note
              ? t('notices:meeting.proposal_line_note', { ...shown, note: proposal.note })
              : t('notices:meeting.proposal_line', shown);
          }),
        ),
      );
    return blocks;
  },
  'meeting.proposed': (p, { t }) => [
    paragraph(t('notices:meeting.proposed', { meeting: p.meeting, number: p.number, text: truncate(p.text, 120), party: p.party })),
    ...(p.note ? [paragraph(t('notices:meeting.proposed_note', { note: p.note }))] : []),
    paragraph(t('notices:meeting.proposed_hint', { number: p.number })),
  ],
  'meeting.notice': (p, context) => {
    const { t } = context;
    return [
      heading(t('notices:meeting.notice', { meeting: p.meeting, when: when(context, p.startsAt, p.place) })),
      p.items.length === 0
        ? paragraph(t('notices:meeting.agenda_empty'))
        : list(
            p.items.map((item) =>
              t('notices:meeting.notice_item', { position: item.position, number: item.number, text: truncate(item.text, 80) }),
            ),
          ),
      paragraph(t('notices:meeting.notice_rsvp')),
    ];
  },
  'meeting.auto_locked': (p, { t }) => [paragraph(t('notices:meeting.auto_locked', p))],
  'meeting.rsvp_reminder': (p, { t, timeZone }) => [
    paragraph(
      t('notices:meeting.rsvp_reminder', { meeting: p.meeting, startsAt: date(t, p.startsAt, timeZone), hours: p.hours, count: p.hours }),
    ),
  ],
  'meeting.rsvp_recorded': (p, { t }) => {
    const answer =
      p.answer === 'attend'
        ? t('notices:meeting.rsvp_attend', { meeting: p.meeting, party: p.party })
        : p.answer === 'delegate'
          ? t('notices:meeting.rsvp_delegate', { meeting: p.meeting, party: p.party, delegate: p.delegate ?? '-' })
          : p.reason
            ? t('notices:meeting.rsvp_absent_reason', { meeting: p.meeting, party: p.party, reason: p.reason })
            : t('notices:meeting.rsvp_absent', { meeting: p.meeting, party: p.party });
    const quorum = { attending: p.attending, count: p.attending, quorum: p.quorum };
    return [
      paragraph(answer),
      paragraph(t(p.attending >= p.quorum ? 'notices:meeting.quorum_reached' : 'notices:meeting.quorum_short', quorum)),
    ];
  },
  'meeting.quorum_warning': (p, { t, timeZone }) => [
    paragraph(
      t('notices:meeting.quorum_warning', {
        meeting: p.meeting,
        startsAt: date(t, p.startsAt, timeZone),
        attending: p.attending,
        count: p.attending,
        quorum: p.quorum,
      }),
    ),
    ...(p.unanswered.length > 0 ? [paragraph(t('notices:meeting.unanswered', { parties: joined(t, p.unanswered) }))] : []),
  ],
  'meeting.decided': (p, { t }) => [
    paragraph(
      t('notices:meeting.decided', {
        meeting: p.meeting,
        item: p.item,
        number: p.number,
        text: truncate(p.text, 120),
        decision: p.decision,
      }),
    ),
    paragraph(t('notices:meeting.decided_hint', { item: p.item })),
  ],
  'meeting.position_recorded': (p, { t }) => [
    paragraph(t(positionRecordedKeys[p.stance], { meeting: p.meeting, item: p.item, number: p.number, party: p.party })),
    ...(p.remark ? [paragraph(t('notices:meeting.remark', { remark: p.remark }))] : []),
  ],
  'meeting.action_assigned': (p, { t, timeZone }) => [
    paragraph(
      t('notices:meeting.action_assigned', {
        meeting: p.meeting,
        item: p.item,
        number: p.number,
        party: p.party,
        task: p.task,
        deadline: date(t, p.deadline, timeZone),
      }),
    ),
  ],
  'meeting.item_deferred': (p, { t }) => [
    paragraph(t('notices:meeting.item_deferred', { meeting: p.meeting, item: p.item, number: p.number, text: truncate(p.text, 120) })),
  ],
  'meeting.item_sent_up': (p, { t }) => [
    paragraph(
      t('notices:meeting.item_sent_up', { meeting: p.meeting, item: p.item, number: p.number, text: truncate(p.text, 120), to: p.to }),
    ),
  ],
  'meeting.minutes': (p, context) => {
    const { t } = context;
    const attendance = p.attendance.map((a) => {
      switch (a.answer) {
        case 'attend':
          return t('notices:meeting.attendance_attend', { party: a.party });
        case 'delegate':
          return t('notices:meeting.attendance_delegate', { party: a.party, delegate: a.delegate ?? '-' });
        case 'absent':
          return a.reason
            ? t('notices:meeting.attendance_absent_reason', { party: a.party, reason: a.reason })
            : t('notices:meeting.attendance_absent', { party: a.party });
        default:
          return t('notices:meeting.attendance_none', { party: a.party });
      }
    });
    return [
      heading(t('notices:meeting.minutes', { meeting: p.meeting, when: when(context, p.startsAt, p.place) })),
      ...(attendance.length > 0 ? [heading(t('notices:meeting.attendance')), list(attendance)] : []),
      paragraph(
        t(p.quorumMet ? 'notices:meeting.minutes_quorum_met' : 'notices:meeting.minutes_quorum_not_met', {
          attending: p.attendance.filter((a) => a.answer === 'attend' || a.answer === 'delegate').length,
          quorum: p.quorum,
          count: p.quorum,
        }),
      ),
      ...itemsBlocks(context, p.items),
    ];
  },
  'meeting.report_back': (p, context) => {
    const { t } = context;
    const issue = { meeting: p.meeting, number: p.number, text: truncate(p.text, 120) };
    const blocks: Block[] = [];
    if (p.sentUpTo !== null) {
      blocks.push(paragraph(t('notices:meeting.report_sent_up', { ...issue, to: p.sentUpTo })));
      if (p.decision !== null) blocks.push(paragraph(t('notices:meeting.outcome_decided', { decision: p.decision })));
    } else blocks.push(paragraph(t('notices:meeting.report_decided', { ...issue, decision: p.decision ?? '-' })));
    if (p.actions.length > 0) blocks.push(heading(t('notices:meeting.report_actions')), list(p.actions.map((a) => actionLine(context, a))));
    blocks.push(paragraph(t('notices:meeting.report_hint', { number: p.number })));
    return blocks;
  },
};
