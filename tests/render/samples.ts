// Samples of every notice type, as the engine emits them, for the render tests: each with the numbers its text must name.
import { type DomainErrorCode, domainErrorCodes } from '../../src/core/errors.js';
import { commandNames } from '../../src/engine/capabilities.js';
import type {
  AgendaEntry,
  Button,
  MeetingSummary,
  NoticeBody,
  NoticeType,
  OwnersResults,
  PollHeader,
  PollResults,
} from '../../src/engine/notices.js';

export type Renderable = NoticeBody & { buttons?: Button[] };
export type Sample = { name: string; notice: Renderable; numbers: number[] };

/** Every notice type; a missing or unknown one is a type error, so a new notice type must get a sample here. */
export const noticeTypes: Record<NoticeType, true> = {
  'member.welcomed': true,
  'member.help': true,
  'member.language_set': true,
  'member.data_exported': true,
  'member.forget_requested': true,
  'member.forgotten': true,
  'member.home': true,
  'chat.linked': true,
  'household.claimed': true,
  'code.exposed': true,
  'code.exposure_reported': true,
  'issue.raised': true,
  'issue.looks_duplicate': true,
  'issue.supported': true,
  'issue.supports_acknowledged': true,
  'issue.escalated': true,
  'issue.listed': true,
  'issue.shown': true,
  'issue.triaged': true,
  'issue.assigned': true,
  'issue.responded': true,
  'issue.resolved': true,
  'issue.rating_requested': true,
  'issue.rated': true,
  'issue.reopened': true,
  'issue.closed': true,
  'issue.hidden': true,
  'command.refused': true,
  'poll.opened': true,
  'poll.vote_recorded': true,
  'poll.results': true,
  'poll.closed': true,
  'poll.reminder': true,
  'poll.vote_reminder': true,
  'followup.due_soon': true,
  'followup.overdue': true,
  'poll.turnout_listed': true,
  'poll.turnout_progress': true,
  'poll.paper_recorded': true,
  'digest.daily': true,
  'digest.daily_empty': true,
  'digest.weekly': true,
  'command.failed': true,
  'tap.answered': true,
  'meeting.scheduled': true,
  'meeting.listed': true,
  'meeting.agenda': true,
  'meeting.proposed': true,
  'meeting.notice': true,
  'meeting.auto_locked': true,
  'meeting.rsvp_reminder': true,
  'meeting.rsvp_recorded': true,
  'meeting.quorum_warning': true,
  'meeting.decided': true,
  'meeting.position_recorded': true,
  'meeting.action_assigned': true,
  'meeting.item_deferred': true,
  'meeting.item_sent_up': true,
  'meeting.minutes': true,
  'meeting.report_back': true,
};

/** Plausible params for every refusal, as the engine throws them. */
export const refusalParams: Record<DomainErrorCode, Record<string, string | number>> = {
  unknown_command: { name: 'vote' },
  usage: { command: 'support' },
  rate_limited: { seconds: 30 },
  group_only: {},
  private_only: {},
  chat_not_linked: {},
  chat_not_for_issues: {},
  no_community: {},
  not_a_member: { community: '幸福社区' },
  code_invalid: {},
  code_expired: {},
  code_used: {},
  code_wrong_purpose: {},
  code_exposed: {},
  locale_unsupported: { given: 'fr', supported: 'zh-CN, en' },
  text_empty: {},
  text_too_long: { length: 2100, max: 2000 },
  issue_not_found: { number: 12 },
  issue_not_open: { number: 12 },
  issue_not_resolved: { number: 12 },
  issue_not_closed: { number: 12 },
  already_supported: { number: 12 },
  support_out_of_scope: { number: 12, scope: '3栋' },
  committee_only: {},
  escalate_role_required: { role: 'building_head', number: 12 },
  already_top_level: { number: 12 },
  triage_small_not_assignable: { number: 12 },
  responder_not_found: { name: '水务公司', known: '街道城管科, 物业公司' },
  days_invalid: { max: 90 },
  not_responder: { number: 12, party: '物业公司' },
  no_open_follow_up: { number: 12 },
  resolve_not_allowed: { number: 12 },
  score_invalid: {},
  not_a_rater: { number: 12 },
  not_a_supporter: { number: 12 },
  draft_not_found: {},
  reason_required: {},
  poll_not_found: { number: 3 },
  poll_closed: { number: 3 },
  poll_question_empty: {},
  poll_too_few_options: {},
  poll_too_many_options: { count: 12 },
  poll_option_too_long: { length: 130 },
  poll_hours_invalid: { max: 2160 },
  poll_quorum_invalid: {},
  poll_role_required: {},
  poll_option_invalid: { number: 3 },
  not_a_voter: { number: 3 },
  poll_creator_only: { number: 3 },
  not_owners_vote: { number: 3 },
  turnout_role_required: {},
  own_building_only: { building: '1栋', unit: '2栋/202' },
  household_not_found: { unit: '9-909' },
  household_ambiguous: { unit: '1-101', buildings: '1栋, 3栋' },
  voted_in_chat: { unit: '3栋 1-101' },
  committee_chat_only: {},
  no_meeting: {},
  meeting_not_found: { number: 9 },
  meeting_closed: { meeting: 2 },
  meeting_time_invalid: { typed: '2026-13-40 25:00' },
  meeting_in_past: { typed: '2026-01-05 19:30' },
  meeting_exists: { typed: '2026-03-08 19:30' },
  monthly_day_invalid: { max: 28 },
  meeting_role_required: {},
  agenda_locked: { meeting: 2 },
  agenda_not_locked: { meeting: 2 },
  agenda_item_not_found: { item: 7, meeting: 2 },
  not_on_agenda: { number: 12, meeting: 2 },
  already_on_agenda: { number: 12, meeting: 2 },
  position_invalid: { max: 4 },
  item_not_decided: { item: 3, meeting: 2 },
  not_party_member: {},
  party_not_at_meeting: {},
  party_ambiguous: { parties: '物业公司, 社区民警' },
  delegate_missing: {},
};

export const createdAt = '2026-03-01T02:30:00.000Z';
export const deadline = '2026-03-08T02:30:00.000Z';

export const meetingStartsAt = '2026-03-08T11:30:00.000Z';

/** A meeting to come: three of four parties answered, two attend, three needed. */
export const upcomingMeeting: MeetingSummary = {
  meeting: 2,
  startsAt: meetingStartsAt,
  place: '社区会议室',
  status: 'locked',
  items: 3,
  attending: 2,
  answered: 3,
  parties: 4,
  quorum: 3,
};

const agendaItem = (overrides: Partial<AgendaEntry>): AgendaEntry => ({
  position: 1,
  number: 12,
  text: '电梯坏了',
  source: 'escalated',
  note: null,
  proposedBy: null,
  households: 6,
  inScope: 40,
  category: 'facilities',
  ageDays: 20,
  raisedIn: '3栋业主群',
  steps: [],
  outcome: 'open',
  decision: null,
  sentUpTo: null,
  positions: [],
  actions: [],
  ...overrides,
});

/** One item of each source, open, as the committee prepares the agenda. */
export const openAgenda: AgendaEntry[] = [
  agendaItem({
    steps: [
      { to: 'resident_group', cause: 'support', by: null },
      { to: 'representatives', cause: 'overdue', by: null },
      { to: 'joint_meeting', cause: 'manual', by: '王五' },
    ],
  }),
  agendaItem({
    position: 2,
    number: 14,
    text: 'Street light out',
    source: 'proposed',
    note: '夜里太黑',
    proposedBy: '物业公司',
    households: 1,
    inScope: 1,
    category: null,
    ageDays: 1,
    raisedIn: null,
  }),
  agendaItem({ position: 3, number: 15, source: 'overdue', category: 'sanitation', ageDays: 0, households: 0, inScope: 0 }),
  agendaItem({ position: 4, number: 16, source: 'reopened', steps: [{ to: 'joint_meeting', cause: 'ratings', by: null }] }),
  agendaItem({ position: 5, number: 17, source: 'carried' }),
  agendaItem({ position: 6, number: 18, source: 'added' }),
  agendaItem({ position: 7, number: 19, source: 'proposed', proposedBy: '社区民警' }),
];

/** Items as the minutes record them: decided with positions and action items, deferred, sent up. */
export const settledAgenda: AgendaEntry[] = [
  agendaItem({
    outcome: 'decided',
    decision: '物业一周内更换电梯控制柜，费用由维修资金列支',
    positions: [
      { party: '物业公司', stance: 'agree', remark: null },
      { party: '业委会', stance: 'object', remark: '需先公示' },
      { party: '社区民警', stance: 'abstain', remark: null },
    ],
    actions: [
      { party: '物业公司', task: '更换控制柜', deadline },
      { party: '业委会', task: null, deadline },
    ],
  }),
  agendaItem({ position: 2, number: 14, source: 'carried', outcome: 'deferred' }),
  agendaItem({ position: 3, number: 15, source: 'overdue', outcome: 'sent_up', sentUpTo: '街道城管科' }),
];

/** Names of residents; no notice of a secret poll may show any of them. */
export const voterNames = ['王五', 'Alice', '李阿姨'];

/** A building poll with three options, several choices allowed, secret, valid at 60% turnout. */
export const ordinaryPoll: PollHeader = {
  number: 3,
  question: '楼道要不要粉刷？',
  kind: 'ordinary',
  matterClass: null,
  options: ['要', '不要', '再议'],
  closesAt: deadline,
  multi: true,
  secret: true,
  quorumPercent: 60,
  scope: { building: '3栋' },
};

/** A community-wide owners' vote on a major matter; its options are the codes yes/no/abstain. */
export const ownersPoll: PollHeader = {
  number: 4,
  question: '使用维修资金更换电梯',
  kind: 'owners_vote',
  matterClass: 'major',
  options: ['yes', 'no', 'abstain'],
  closesAt: deadline,
  multi: false,
  secret: false,
  quorumPercent: null,
  scope: { building: null },
};

export const ordinaryResults = (eligible: number, quorumMet: boolean | null) => ({
  counts: [
    { label: '要', votes: 2, share: { numerator: 2, denominator: 3 } },
    { label: '不要', votes: 1, share: { numerator: 1, denominator: 3 } },
    { label: '再议', votes: 0, share: { numerator: 0, denominator: 3 } },
  ],
  voters: 3,
  eligible,
  quorumMet,
});

/** Half the households and the area took part: short of the 2/3 quorum by 20 households and 1799.50 m². */
export const ownersShort: OwnersResults = {
  total: { households: 120, area: '10800.00' },
  participating: { households: 60, area: '5400.50' },
  byChoice: {
    yes: { households: 40, area: '3600.25' },
    no: { households: 15, area: '1350.25' },
    abstain: { households: 5, area: '450.00' },
  },
  quorum: { area: false, households: false, met: false },
  gap: { households: 20, area: '1799.50' },
  approval: { area: false, households: false },
  verdict: 'no_quorum',
  paperBallots: 0,
  buildings: [
    { name: '1栋', total: 50, voted: 30, notVotedHouseholds: 20, notVotedArea: '1800.00' },
    { name: '2栋', total: 50, voted: 10, notVotedHouseholds: 40, notVotedArea: '3599.50' },
    { name: '5栋', total: 20, voted: 20, notVotedHouseholds: 0, notVotedArea: '0.00' },
  ],
};

/** 80% took part, 87.5% of them (by households and by area) said yes, two of them on paper. */
export const ownersPassed: OwnersResults = {
  total: { households: 120, area: '10800.00' },
  participating: { households: 96, area: '8640.00' },
  byChoice: {
    yes: { households: 84, area: '7560.00' },
    no: { households: 8, area: '720.00' },
    abstain: { households: 4, area: '360.00' },
  },
  quorum: { area: true, households: true, met: true },
  gap: { households: 0, area: '0.00' },
  approval: { area: true, households: true },
  verdict: 'passed',
  paperBallots: 2,
  buildings: [
    { name: '1栋', total: 50, voted: 45, notVotedHouseholds: 5, notVotedArea: '450.00' },
    { name: '2栋', total: 50, voted: 31, notVotedHouseholds: 19, notVotedArea: '1710.00' },
    { name: '5栋', total: 20, voted: 20, notVotedHouseholds: 0, notVotedArea: '0.00' },
  ],
};

export const pollResults = (header: PollHeader, closed: boolean, results: Pick<PollResults, 'ordinary' | 'owners'>): PollResults => ({
  ...header,
  closed,
  ...results,
});

export const ordinaryLive = pollResults(ordinaryPoll, false, { ordinary: ordinaryResults(6, false), owners: null });
export const ordinaryFinal = pollResults(ordinaryPoll, true, { ordinary: ordinaryResults(5, true), owners: null });
export const ordinaryNoQuorum = pollResults({ ...ordinaryPoll, secret: false, multi: false, quorumPercent: null }, false, {
  ordinary: ordinaryResults(5, null),
  owners: null,
});
export const ownersLive = pollResults(ownersPoll, false, { ordinary: null, owners: ownersShort });
export const ownersNoQuorum = pollResults(ownersPoll, true, { ordinary: null, owners: ownersShort });
export const ownersFinal = pollResults(ownersPoll, true, { ordinary: null, owners: ownersPassed });
export const ownersOrdinaryRejected = pollResults({ ...ownersPoll, number: 5, matterClass: 'ordinary', question: '续聘物业' }, true, {
  ordinary: null,
  owners: { ...ownersPassed, verdict: 'rejected', approval: { area: false, households: true }, paperBallots: 0 },
});

export const voteButtons = (poll: PollHeader): Button[] =>
  poll.options.map(
    (label, position): Button => ({
      kind: 'vote',
      number: poll.number,
      position,
      label,
      ...(poll.kind === 'owners_vote' ? { choice: true } : {}),
    }),
  );

const pollSamples: Sample[] = [
  {
    name: 'poll.opened (ordinary, multi, secret, quorum)',
    notice: { type: 'poll.opened', params: ordinaryPoll, buttons: voteButtons(ordinaryPoll) },
    numbers: [3],
  },
  {
    name: 'poll.opened (ordinary, plain)',
    notice: {
      type: 'poll.opened',
      params: { ...ordinaryPoll, multi: false, secret: false, quorumPercent: null, scope: { building: null } },
    },
    numbers: [3],
  },
  {
    name: 'poll.opened (owners, major)',
    notice: { type: 'poll.opened', params: ownersPoll, buttons: voteButtons(ownersPoll) },
    numbers: [4],
  },
  {
    name: 'poll.opened (owners, ordinary)',
    notice: { type: 'poll.opened', params: { ...ownersPoll, matterClass: 'ordinary' }, buttons: voteButtons(ownersPoll) },
    numbers: [4],
  },
  {
    name: 'poll.vote_recorded (ordinary)',
    notice: {
      type: 'poll.vote_recorded',
      params: { number: 3, question: ordinaryPoll.question, choices: ['要', '再议'], households: [], secret: true },
    },
    numbers: [3],
  },
  {
    name: 'poll.vote_recorded (owners)',
    notice: {
      type: 'poll.vote_recorded',
      params: { number: 4, question: ownersPoll.question, choices: ['yes'], households: ['1栋 101'], secret: false },
    },
    numbers: [4],
  },
  {
    name: 'poll.vote_recorded (withdrawn)',
    notice: {
      type: 'poll.vote_recorded',
      params: { number: 3, question: ordinaryPoll.question, choices: [], households: [], secret: true },
    },
    numbers: [3],
  },
  { name: 'poll.results (ordinary, live)', notice: { type: 'poll.results', params: ordinaryLive }, numbers: [3] },
  { name: 'poll.results (ordinary, final)', notice: { type: 'poll.results', params: ordinaryFinal }, numbers: [3] },
  { name: 'poll.results (ordinary, no quorum asked)', notice: { type: 'poll.results', params: ordinaryNoQuorum }, numbers: [3] },
  { name: 'poll.closed (ordinary)', notice: { type: 'poll.closed', params: ordinaryFinal }, numbers: [3] },
  { name: 'poll.results (owners, live, short of quorum)', notice: { type: 'poll.results', params: ownersLive }, numbers: [4] },
  { name: 'poll.closed (owners, no quorum)', notice: { type: 'poll.closed', params: ownersNoQuorum }, numbers: [4] },
  { name: 'poll.closed (owners, passed)', notice: { type: 'poll.closed', params: ownersFinal }, numbers: [4] },
  { name: 'poll.results (owners, final, passed)', notice: { type: 'poll.results', params: ownersFinal }, numbers: [4] },
  {
    name: 'poll.closed (owners, ordinary matter, rejected)',
    notice: { type: 'poll.closed', params: ownersOrdinaryRejected },
    numbers: [5],
  },
  {
    name: 'poll.vote_reminder',
    notice: {
      type: 'poll.vote_reminder',
      params: { number: 7, question: '续聘物业公司', closesAt: deadline, hoursLeft: 24, households: ['1栋 101', '2栋 301'] },
    },
    numbers: [7],
  },
  {
    name: 'followup.due_soon',
    notice: { type: 'followup.due_soon', params: { number: 3, text: '地下车库渗水', party: '物业', deadline } },
    numbers: [3],
  },
  {
    name: 'followup.overdue',
    notice: { type: 'followup.overdue', params: { number: 3, text: '地下车库渗水', party: '物业', deadline } },
    numbers: [3],
  },
  {
    name: 'poll.reminder (names)',
    notice: {
      type: 'poll.reminder',
      params: { number: 6, question: '周六一起打扫楼道？', closesAt: deadline, notVoted: ['王五', 'Alice'], notVotedCount: 2 },
    },
    numbers: [6],
  },
  {
    name: 'poll.reminder (secret, no names)',
    notice: {
      type: 'poll.reminder',
      params: { number: 3, question: ordinaryPoll.question, closesAt: deadline, notVoted: null, notVotedCount: 7 },
    },
    numbers: [3],
  },
  {
    name: 'poll.reminder (owners vote, households)',
    notice: {
      type: 'poll.reminder',
      params: { number: 4, question: '是否续聘物业？', closesAt: deadline, kind: 'owners_vote', notVoted: null, notVotedCount: 1 },
    },
    numbers: [4],
  },
  {
    name: 'poll.turnout_listed',
    notice: {
      type: 'poll.turnout_listed',
      params: {
        number: 4,
        buildings: [
          { building: '1栋', units: ['1-101', '1-102'] },
          { building: '2栋', units: ['3-301'] },
        ],
      },
    },
    numbers: [4],
  },
  { name: 'poll.turnout_listed (all voted)', notice: { type: 'poll.turnout_listed', params: { number: 4, buildings: [] } }, numbers: [4] },
  {
    name: 'poll.turnout_progress (75)',
    notice: { type: 'poll.turnout_progress', params: { number: 4, percentOfQuorum: 75, gap: { households: 20, area: '1799.50' } } },
    numbers: [4],
  },
  {
    name: 'poll.turnout_progress (100)',
    notice: { type: 'poll.turnout_progress', params: { number: 4, percentOfQuorum: 100, gap: { households: 0, area: '0.00' } } },
    numbers: [4],
  },
  {
    name: 'poll.paper_recorded',
    notice: { type: 'poll.paper_recorded', params: { number: 4, building: '3栋', unit: '1-101', choice: 'yes', replaced: false } },
    numbers: [4],
  },
  {
    name: 'poll.paper_recorded (replaced)',
    notice: { type: 'poll.paper_recorded', params: { number: 4, building: '3栋', unit: '1-101', choice: 'no', replaced: true } },
    numbers: [4],
  },
];

export const samples: Sample[] = [
  { name: 'member.welcomed (stranger)', notice: { type: 'member.welcomed', params: { name: '王五', community: null } }, numbers: [] },
  { name: 'member.welcomed (member)', notice: { type: 'member.welcomed', params: { name: '王五', community: '幸福社区' } }, numbers: [] },
  {
    name: 'member.help',
    notice: { type: 'member.help', params: { roles: ['committee'], chatKind: 'group', commands: [...commandNames] } },
    numbers: [],
  },
  { name: 'member.language_set (en)', notice: { type: 'member.language_set', params: { locale: 'en' } }, numbers: [] },
  { name: 'member.language_set (zh-CN)', notice: { type: 'member.language_set', params: { locale: 'zh-CN' } }, numbers: [] },
  {
    name: 'member.data_exported',
    notice: {
      type: 'member.data_exported',
      params: {
        data: {
          displayName: '王五',
          platform: 'telegram',
          platformUserId: '424242',
          locale: 'zh-CN',
          households: [{ community: '幸福社区', building: '3栋', unit: '1-101' }],
          roles: [{ community: '幸福社区', role: 'building_head', scope: '3栋' }],
          issuesRaised: [12, 15],
          supports: 4,
          ratings: 2,
          ballots: 1,
        },
      },
    },
    numbers: [12, 15],
  },
  {
    name: 'member.data_exported (empty)',
    notice: {
      type: 'member.data_exported',
      params: {
        data: {
          displayName: 'Bob',
          platform: 'slack',
          platformUserId: 'U123',
          locale: null,
          households: [],
          roles: [],
          issuesRaised: [],
          supports: 0,
          ratings: 0,
          ballots: 0,
        },
      },
    },
    numbers: [],
  },
  {
    name: 'member.forget_requested',
    notice: { type: 'member.forget_requested', params: {}, buttons: [{ kind: 'forget_confirm' }] },
    numbers: [],
  },
  { name: 'member.forgotten', notice: { type: 'member.forgotten', params: { ballotsKept: 3 } }, numbers: [] },
  ...(['community', 'building', 'committee', 'party', 'subdistrict'] as const).map(
    (binding): Sample => ({
      name: `chat.linked (${binding})`,
      notice: {
        type: 'chat.linked',
        params: {
          binding,
          community: '幸福社区',
          building: binding === 'building' ? '3栋' : null,
          party: binding === 'party' ? '物业公司' : null,
        },
      },
      numbers: [],
    }),
  ),
  {
    name: 'household.claimed',
    notice: { type: 'household.claimed', params: { community: '幸福社区', building: '3栋', unit: '1-101' } },
    numbers: [],
  },
  ...exposedCodeSamples(),
  {
    name: 'issue.raised (building)',
    notice: {
      type: 'issue.raised',
      params: { number: 12, text: '电梯坏了', category: 'facilities', scope: { building: '3栋' }, level: 'building' },
      buttons: [{ kind: 'support', number: 12 }],
    },
    numbers: [12],
  },
  {
    name: 'issue.raised (community, no category)',
    notice: {
      type: 'issue.raised',
      params: { number: 13, text: 'Too much noise at night', category: null, scope: { building: null }, level: 'resident_group' },
    },
    numbers: [13],
  },
  {
    name: 'issue.looks_duplicate',
    notice: {
      type: 'issue.looks_duplicate',
      params: {
        similar: [
          { number: 7, text: '电梯又坏了' },
          { number: 9, text: 'The lift is broken' },
        ],
      },
      buttons: [
        { kind: 'support', number: 7 },
        { kind: 'support', number: 9 },
        { kind: 'raise_draft', draftId: 4 },
      ],
    },
    numbers: [7, 9],
  },
  { name: 'issue.supported', notice: { type: 'issue.supported', params: { number: 12, households: 3, threshold: 5 } }, numbers: [12] },
  {
    name: 'issue.raised (card with its support count)',
    notice: {
      type: 'issue.raised',
      params: {
        number: 14,
        text: '楼道灯不亮',
        category: null,
        scope: { building: '3栋' },
        level: 'building',
        support: { households: 1, needed: 5 },
      },
      buttons: [{ kind: 'support', number: 14 }],
    },
    numbers: [14],
  },
  {
    name: 'issue.raised (card, threshold reached)',
    notice: {
      type: 'issue.raised',
      params: {
        number: 15,
        text: 'Broken gate',
        category: null,
        scope: { building: null },
        level: 'representatives',
        support: { households: 9, needed: 8 },
      },
    },
    numbers: [15],
  },
  {
    name: 'issue.supports_acknowledged',
    notice: {
      type: 'issue.supports_acknowledged',
      params: {
        entries: [
          { name: '王五', number: 12, households: 3, threshold: 5 },
          { name: 'Alice <b>Wang</b>', number: 16, households: 4, threshold: 5 },
        ],
      },
    },
    numbers: [12, 16],
  },
  {
    name: 'issue.escalated (automatic)',
    notice: {
      type: 'issue.escalated',
      params: { number: 12, text: '电梯坏了', from: 'building', to: 'resident_group', cause: 'support', by: null },
    },
    numbers: [12],
  },
  {
    name: 'issue.escalated (by a member)',
    notice: {
      type: 'issue.escalated',
      params: { number: 12, text: '电梯坏了', from: 'representatives', to: 'joint_meeting', cause: 'manual', by: '王五' },
    },
    numbers: [12],
  },
  {
    name: 'issue.escalated (overdue)',
    notice: {
      type: 'issue.escalated',
      params: { number: 12, text: '电梯坏了', from: 'resident_group', to: 'representatives', cause: 'overdue', by: null },
    },
    numbers: [12],
  },
  { name: 'issue.listed (empty)', notice: { type: 'issue.listed', params: { issues: [] } }, numbers: [] },
  {
    name: 'issue.listed',
    notice: {
      type: 'issue.listed',
      params: {
        issues: [
          { number: 12, text: '电梯坏了', status: 'open', level: 'building', supporters: 3 },
          { number: 14, text: 'Street light out', status: 'in_progress', level: 'joint_meeting', supporters: 11 },
          { number: 15, text: '垃圾没人清', status: 'answered', level: 'representatives', supporters: 0 },
        ],
      },
    },
    numbers: [12, 14, 15],
  },
  {
    name: 'issue.shown (new)',
    notice: {
      type: 'issue.shown',
      params: {
        number: 12,
        text: '电梯坏了',
        status: 'open',
        category: null,
        scope: { building: null },
        level: 'building',
        triage: null,
        supporters: 1,
        createdAt,
        followUp: null,
        hiddenReason: null,
        steps: [],
        meetings: [],
      },
    },
    numbers: [12],
  },
  {
    name: 'issue.shown (assigned, answered, hidden)',
    notice: {
      type: 'issue.shown',
      params: {
        number: 12,
        text: '电梯坏了',
        status: 'hidden',
        category: 'facilities',
        scope: { building: '3栋' },
        level: 'joint_meeting',
        triage: 'big',
        supporters: 6,
        createdAt,
        followUp: { party: '物业公司', deadline, response: '已修好' },
        hiddenReason: '重复',
        steps: [
          { to: 'resident_group', cause: 'support', by: null },
          { to: 'joint_meeting', cause: 'manual', by: '王五' },
        ],
        meetings: [
          { meeting: 1, startsAt: createdAt, outcome: 'deferred', decision: null, sentUpTo: null },
          { meeting: 2, startsAt: deadline, outcome: 'decided', decision: '物业一周内修好', sentUpTo: null },
        ],
      },
    },
    numbers: [12],
  },
  {
    name: 'issue.triaged (big)',
    notice: { type: 'issue.triaged', params: { number: 12, triage: 'big', by: '居委会李主任' } },
    numbers: [12],
  },
  { name: 'issue.triaged (small)', notice: { type: 'issue.triaged', params: { number: 12, triage: 'small', by: 'Ms Li' } }, numbers: [12] },
  {
    name: 'issue.assigned',
    notice: { type: 'issue.assigned', params: { number: 12, text: '电梯坏了', party: '物业公司', deadline, days: 7 } },
    numbers: [12],
  },
  {
    name: 'issue.responded',
    notice: { type: 'issue.responded', params: { number: 12, party: '物业公司', response: '明天维修', late: false } },
    numbers: [12],
  },
  {
    name: 'issue.responded (late)',
    notice: { type: 'issue.responded', params: { number: 12, party: '物业公司', response: '明天维修', late: true } },
    numbers: [12],
  },
  {
    name: 'issue.resolved',
    notice: {
      type: 'issue.resolved',
      params: { number: 12, note: '换了新电机' },
      buttons: [1, 2, 3, 4, 5].map((score): Button => ({ kind: 'rate', number: 12, score })),
    },
    numbers: [12],
  },
  { name: 'issue.resolved (no note)', notice: { type: 'issue.resolved', params: { number: 12, note: null } }, numbers: [12] },
  {
    name: 'issue.rating_requested',
    notice: {
      type: 'issue.rating_requested',
      params: { number: 12, text: '电梯坏了', raiser: false },
      buttons: [1, 2, 3, 4, 5].map((score): Button => ({ kind: 'rate', number: 12, score })),
    },
    numbers: [12],
  },
  {
    name: 'issue.rating_requested (to the raiser)',
    notice: {
      type: 'issue.rating_requested',
      params: { number: 12, text: '电梯坏了', raiser: true },
      buttons: [1, 2, 3, 4, 5].map((score): Button => ({ kind: 'rate', number: 12, score })),
    },
    numbers: [12],
  },
  { name: 'issue.rated', notice: { type: 'issue.rated', params: { number: 12, score: 4 } }, numbers: [12] },
  { name: 'issue.reopened (ratings)', notice: { type: 'issue.reopened', params: { number: 12, cause: 'ratings' } }, numbers: [12] },
  { name: 'issue.reopened (supporters)', notice: { type: 'issue.reopened', params: { number: 12, cause: 'supporters' } }, numbers: [12] },
  { name: 'issue.closed', notice: { type: 'issue.closed', params: { number: 12, satisfied: 4, raters: 5 } }, numbers: [12] },
  { name: 'issue.hidden', notice: { type: 'issue.hidden', params: { number: 12, reason: '广告' } }, numbers: [12] },
  ...domainErrorCodes.map(
    (code): Sample => ({
      name: `command.refused (${code})`,
      notice: { type: 'command.refused', params: { code, ...refusalParams[code] } },
      // meeting_not_found's number is a meeting's, not an issue's: it is named "第 9 次", not "#9", in Chinese.
      numbers: typeof refusalParams[code].number === 'number' && code !== 'meeting_not_found' ? [refusalParams[code].number] : [],
    }),
  ),
  ...pollSamples,
  ...digestSamples(),
  ...meetingSamples(),
  { name: 'command.failed', notice: { type: 'command.failed', params: {} }, numbers: [] },
  { name: 'tap.answered', notice: { type: 'tap.answered', params: {} }, numbers: [] },
];

/** A burned code: what its chat is told, and what the committee is told for a claim code and each link binding. */
function exposedCodeSamples(): Sample[] {
  return [
    { name: 'code.exposed (claim code)', notice: { type: 'code.exposed', params: { purpose: 'household_claim' } }, numbers: [] },
    { name: 'code.exposed (link code)', notice: { type: 'code.exposed', params: { purpose: 'chat_link' } }, numbers: [] },
    {
      name: 'code.exposure_reported (claim code)',
      notice: {
        type: 'code.exposure_reported',
        params: { purpose: 'household_claim', building: '3栋', unit: '1-101', by: '王五', chat: '3栋业主群' },
      },
      numbers: [],
    },
    {
      name: 'code.exposure_reported (claim code, untitled chat)',
      notice: {
        type: 'code.exposure_reported',
        params: { purpose: 'household_claim', building: '3栋', unit: '1-101', by: '王五', chat: null },
      },
      numbers: [],
    },
    ...(['community', 'building', 'committee', 'party', 'subdistrict'] as const).map(
      (binding): Sample => ({
        name: `code.exposure_reported (link code, ${binding})`,
        notice: {
          type: 'code.exposure_reported',
          params: {
            purpose: 'chat_link',
            binding,
            building: binding === 'building' ? '3栋' : null,
            party: binding === 'party' ? '物业公司' : null,
            by: 'Alice',
            chat: '幸福社区居民群',
          },
        },
        numbers: [],
      }),
    ),
  ];
}

/** A digest with every section, one with some empty, the quiet day, and the weekly roll-up. */
function digestSamples(): Sample[] {
  const rates = {
    response: { numerator: 1, denominator: 3 },
    resolution: { numerator: 2, denominator: 5 },
    satisfaction: { numerator: 0, denominator: 0 },
  };
  const full: Renderable = {
    type: 'digest.daily',
    params: {
      community: '幸福社区',
      period: '2026-03-01',
      newIssues: [{ number: 12, text: '电梯坏了' }],
      supportGains: [{ number: 13, text: '楼道堆放杂物', households: 4, added: 3 }],
      escalations: [{ number: 14, from: 'building', to: 'resident_group', cause: 'support' }],
      pollsClosing: [
        { kind: 'ordinary', number: 15, question: '楼道要不要粉刷？', closesAt: deadline, voters: 2, eligible: 7 },
        {
          kind: 'owners_vote',
          number: 16,
          question: '使用维修资金更换电梯',
          closesAt: deadline,
          households: { participating: 2, total: 9, needed: 6 },
          area: { participating: '177.00', total: '891.00', needed: '594.00' },
          quorumMet: false,
        },
      ],
      overdueFollowUps: [{ number: 17, party: '街道城管科', deadline: createdAt, daysOverdue: 2 }],
      meetings: [upcomingMeeting, { ...upcomingMeeting, meeting: 3, place: null, status: 'scheduled', answered: 0, attending: 0 }],
      rates,
    },
  };
  const partial: Renderable = {
    type: 'digest.daily',
    params: {
      community: '幸福社区',
      period: '2026-03-01',
      newIssues: [],
      supportGains: [],
      escalations: [],
      pollsClosing: [],
      overdueFollowUps: [{ number: 17, party: '物业', deadline: createdAt, daysOverdue: 1 }],
      meetings: [],
      rates,
    },
  };
  return [
    { name: 'digest.daily (every section)', notice: full, numbers: [12, 13, 14, 15, 16, 17] },
    { name: 'digest.daily (one section)', notice: partial, numbers: [17] },
    {
      name: 'member.home (a committee member)',
      notice: {
        type: 'member.home',
        params: {
          issues: [{ number: 21, text: '电梯坏了', status: 'open', level: 'building', supporters: 3 }],
          polls: [
            { number: 22, question: '周末活动去哪里？', closesAt: createdAt, voted: false },
            { number: 23, question: '续聘物业公司', closesAt: createdAt, voted: true },
          ],
          digest: partial.params as never,
        },
      },
      numbers: [21, 22, 23, 17],
    },
    { name: 'member.home (nothing open)', notice: { type: 'member.home', params: { issues: [], polls: [], digest: null } }, numbers: [] },
    {
      name: 'digest.daily_empty',
      notice: { type: 'digest.daily_empty', params: { community: '幸福社区', period: '2026-03-01' } },
      numbers: [],
    },
    {
      name: 'digest.weekly',
      notice: {
        type: 'digest.weekly',
        params: {
          subdistrict: '幸福街道',
          period: '2026-W09',
          communities: [{ name: '幸福社区', newIssues: 3, escalations: 1, resolved: 2, overdueFollowUps: 1, rates }],
        },
      },
      numbers: [],
    },
    {
      name: 'digest.weekly (no communities)',
      notice: { type: 'digest.weekly', params: { subdistrict: '幸福街道', period: '2026-W09', communities: [] } },
      numbers: [],
    },
  ];
}

function rsvpButtons(meeting: number): Button[] {
  return [
    { kind: 'rsvp', meeting, answer: 'attend' },
    { kind: 'rsvp', meeting, answer: 'absent' },
  ];
}

function positionButtons(meeting: number, item: number): Button[] {
  return (['agree', 'object', 'abstain'] as const).map((stance): Button => ({ kind: 'position', meeting, item, stance }));
}

/** Every meeting notice, in its variants: scheduling, lists, agendas, the notice and RSVPs, the record, minutes, reports. */
function meetingSamples(): Sample[] {
  const rsvp = { meeting: 2, party: '物业公司', delegate: null, reason: null, attending: 3, quorum: 3 };
  return [
    {
      name: 'meeting.scheduled (once, with a place)',
      notice: { type: 'meeting.scheduled', params: { meeting: 2, startsAt: meetingStartsAt, place: '社区会议室', monthly: null } },
      numbers: [],
    },
    {
      name: 'meeting.scheduled (monthly, no place)',
      notice: {
        type: 'meeting.scheduled',
        params: { meeting: 2, startsAt: meetingStartsAt, place: null, monthly: { day: 8, time: '19:30' } },
      },
      numbers: [],
    },
    {
      name: 'meeting.listed',
      notice: {
        type: 'meeting.listed',
        params: {
          upcoming: [
            upcomingMeeting,
            { ...upcomingMeeting, meeting: 3, place: null, status: 'scheduled', items: 1, answered: 0, attending: 0 },
          ],
          past: [{ ...upcomingMeeting, meeting: 1, status: 'closed', parties: 1, answered: 1, attending: 1, quorum: 1 }],
        },
      },
      numbers: [],
    },
    {
      name: 'meeting.listed (only past)',
      notice: { type: 'meeting.listed', params: { upcoming: [], past: [{ ...upcomingMeeting, meeting: 1, status: 'closed' }] } },
      numbers: [],
    },
    { name: 'meeting.listed (none)', notice: { type: 'meeting.listed', params: { upcoming: [], past: [] } }, numbers: [] },
    {
      name: 'meeting.agenda (being prepared, with proposals)',
      notice: {
        type: 'meeting.agenda',
        params: {
          meeting: 2,
          startsAt: meetingStartsAt,
          place: '社区会议室',
          locked: false,
          items: openAgenda,
          proposals: [
            { number: 21, text: '小区门口违停', party: '社区民警', note: '影响消防通道' },
            { number: 22, text: '垃圾分类点太远', party: '物业公司', note: null },
          ],
        },
      },
      numbers: [12, 14, 15, 16, 17, 18, 19, 21, 22],
    },
    {
      name: 'meeting.agenda (locked, empty)',
      notice: {
        type: 'meeting.agenda',
        params: { meeting: 2, startsAt: meetingStartsAt, place: null, locked: true, items: [], proposals: [] },
      },
      numbers: [],
    },
    {
      name: 'meeting.agenda (locked, settled items)',
      notice: {
        type: 'meeting.agenda',
        params: { meeting: 2, startsAt: meetingStartsAt, place: '社区会议室', locked: true, items: settledAgenda, proposals: [] },
      },
      numbers: [12, 14, 15],
    },
    {
      name: 'meeting.proposed',
      notice: {
        type: 'meeting.proposed',
        params: { meeting: 2, number: 21, text: '小区门口违停', party: '社区民警', note: '影响消防通道' },
      },
      numbers: [21],
    },
    {
      name: 'meeting.proposed (no reason)',
      notice: { type: 'meeting.proposed', params: { meeting: 2, number: 21, text: '小区门口违停', party: '社区民警', note: null } },
      numbers: [21],
    },
    {
      name: 'meeting.notice',
      notice: {
        type: 'meeting.notice',
        params: {
          meeting: 2,
          startsAt: meetingStartsAt,
          place: '社区会议室',
          items: openAgenda.slice(0, 2).map(({ position, number, text }) => ({ position, number, text })),
        },
        buttons: rsvpButtons(2),
      },
      numbers: [12, 14],
    },
    {
      name: 'meeting.notice (empty agenda)',
      notice: {
        type: 'meeting.notice',
        params: { meeting: 2, startsAt: meetingStartsAt, place: null, items: [] },
        buttons: rsvpButtons(2),
      },
      numbers: [],
    },
    { name: 'meeting.auto_locked', notice: { type: 'meeting.auto_locked', params: { meeting: 2 } }, numbers: [] },
    {
      name: 'meeting.rsvp_reminder (24 hours)',
      notice: { type: 'meeting.rsvp_reminder', params: { meeting: 2, startsAt: meetingStartsAt, hours: 24 }, buttons: rsvpButtons(2) },
      numbers: [],
    },
    {
      name: 'meeting.rsvp_reminder (1 hour)',
      notice: { type: 'meeting.rsvp_reminder', params: { meeting: 2, startsAt: meetingStartsAt, hours: 1 }, buttons: rsvpButtons(2) },
      numbers: [],
    },
    {
      name: 'meeting.rsvp_recorded (attend, quorum reached)',
      notice: { type: 'meeting.rsvp_recorded', params: { ...rsvp, answer: 'attend' } },
      numbers: [],
    },
    {
      name: 'meeting.rsvp_recorded (delegate)',
      notice: { type: 'meeting.rsvp_recorded', params: { ...rsvp, answer: 'delegate', delegate: '李经理', attending: 1 } },
      numbers: [],
    },
    {
      name: 'meeting.rsvp_recorded (absent, with a reason)',
      notice: { type: 'meeting.rsvp_recorded', params: { ...rsvp, answer: 'absent', reason: '出差', attending: 2 } },
      numbers: [],
    },
    {
      name: 'meeting.rsvp_recorded (absent)',
      notice: { type: 'meeting.rsvp_recorded', params: { ...rsvp, answer: 'absent', attending: 0 } },
      numbers: [],
    },
    {
      name: 'meeting.quorum_warning',
      notice: {
        type: 'meeting.quorum_warning',
        params: { meeting: 2, startsAt: meetingStartsAt, attending: 1, quorum: 3, unanswered: ['业委会', '社区民警'] },
      },
      numbers: [],
    },
    {
      name: 'meeting.quorum_warning (everyone answered)',
      notice: {
        type: 'meeting.quorum_warning',
        params: { meeting: 2, startsAt: meetingStartsAt, attending: 2, quorum: 3, unanswered: [] },
      },
      numbers: [],
    },
    {
      name: 'meeting.decided',
      notice: {
        type: 'meeting.decided',
        params: { meeting: 2, item: 1, number: 12, text: '电梯坏了', decision: '物业一周内更换电梯控制柜' },
        buttons: positionButtons(2, 1),
      },
      numbers: [12],
    },
    {
      name: 'meeting.position_recorded (agree, with a remark)',
      notice: {
        type: 'meeting.position_recorded',
        params: { meeting: 2, item: 1, number: 12, party: '物业公司', stance: 'agree', remark: '本周内完成' },
      },
      numbers: [12],
    },
    {
      name: 'meeting.position_recorded (object)',
      notice: {
        type: 'meeting.position_recorded',
        params: { meeting: 2, item: 1, number: 12, party: '业委会', stance: 'object', remark: null },
      },
      numbers: [12],
    },
    {
      name: 'meeting.position_recorded (abstain)',
      notice: {
        type: 'meeting.position_recorded',
        params: { meeting: 2, item: 1, number: 12, party: '社区民警', stance: 'abstain', remark: null },
      },
      numbers: [12],
    },
    {
      name: 'meeting.action_assigned',
      notice: {
        type: 'meeting.action_assigned',
        params: { meeting: 2, item: 1, number: 12, party: '物业公司', task: '更换控制柜', deadline },
      },
      numbers: [12],
    },
    {
      name: 'meeting.item_deferred',
      notice: { type: 'meeting.item_deferred', params: { meeting: 2, item: 2, number: 14, text: 'Street light out' } },
      numbers: [14],
    },
    {
      name: 'meeting.item_sent_up',
      notice: { type: 'meeting.item_sent_up', params: { meeting: 2, item: 3, number: 15, text: '电梯坏了', to: '街道城管科' } },
      numbers: [15],
    },
    {
      name: 'meeting.minutes',
      notice: {
        type: 'meeting.minutes',
        params: {
          meeting: 2,
          startsAt: meetingStartsAt,
          place: '社区会议室',
          attendance: [
            { party: '物业公司', answer: 'attend', delegate: null, reason: null },
            { party: '业委会', answer: 'delegate', delegate: '张委员', reason: null },
            { party: '社区民警', answer: 'absent', delegate: null, reason: '执勤' },
            { party: '共建单位', answer: 'absent', delegate: null, reason: null },
            { party: '街道城管科', answer: null, delegate: null, reason: null },
          ],
          quorum: 3,
          quorumMet: false,
          items: settledAgenda,
        },
      },
      numbers: [12, 14, 15],
    },
    {
      name: 'meeting.minutes (no parties, nothing on the agenda)',
      notice: {
        type: 'meeting.minutes',
        params: { meeting: 2, startsAt: meetingStartsAt, place: null, attendance: [], quorum: 1, quorumMet: false, items: [] },
      },
      numbers: [],
    },
    {
      name: 'meeting.minutes (quorum met)',
      notice: {
        type: 'meeting.minutes',
        params: {
          meeting: 2,
          startsAt: meetingStartsAt,
          place: null,
          attendance: [{ party: '物业公司', answer: 'attend', delegate: null, reason: null }],
          quorum: 1,
          quorumMet: true,
          items: settledAgenda.slice(0, 1),
        },
      },
      numbers: [12],
    },
    {
      name: 'meeting.report_back (decided, with action items)',
      notice: {
        type: 'meeting.report_back',
        params: {
          meeting: 2,
          number: 12,
          text: '电梯坏了',
          decision: '物业一周内更换电梯控制柜',
          sentUpTo: null,
          actions: settledAgenda[0]!.actions,
        },
      },
      numbers: [12],
    },
    {
      name: 'meeting.report_back (sent up)',
      notice: {
        type: 'meeting.report_back',
        params: { meeting: 2, number: 15, text: '电梯坏了', decision: null, sentUpTo: '街道城管科', actions: [] },
      },
      numbers: [15],
    },
    {
      name: 'meeting.report_back (decided, then sent up)',
      notice: {
        type: 'meeting.report_back',
        params: { meeting: 2, number: 15, text: '电梯坏了', decision: '请街道协调', sentUpTo: '街道城管科', actions: [] },
      },
      numbers: [15],
    },
  ];
}
