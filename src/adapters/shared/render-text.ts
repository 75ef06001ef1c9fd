import type { DomainErrorCode } from '../../core/errors.js';
import type { CommandName } from '../../engine/commands.js';
import type {
  Button,
  DailyDigest,
  DigestRates,
  IssueSummary,
  Level,
  NoticeBody,
  PollResults,
  Rate,
  WeeklyRollup,
} from '../../engine/notices.js';
import type { TFunction } from '../../i18n/index.js';
import { encodeButton } from './parse-command.js';

export type RenderedButton = { label: string; data: string };
export type RenderedNotice = { text: string; buttons: RenderedButton[] };

// Whole keys in literal maps, never built from fragments at run time: the locale tests can see every one.
export const errorKeys: Record<DomainErrorCode, string> = {
  unknown_command: 'errors:unknown_command',
  usage: 'errors:usage',
  rate_limited: 'errors:rate_limited',
  group_only: 'errors:group_only',
  private_only: 'errors:private_only',
  chat_not_linked: 'errors:chat_not_linked',
  chat_not_for_issues: 'errors:chat_not_for_issues',
  no_community: 'errors:no_community',
  not_a_member: 'errors:not_a_member',
  code_invalid: 'errors:code_invalid',
  code_expired: 'errors:code_expired',
  code_used: 'errors:code_used',
  code_wrong_purpose: 'errors:code_wrong_purpose',
  code_exposed: 'errors:code_exposed',
  locale_unsupported: 'errors:locale_unsupported',
  text_empty: 'errors:text_empty',
  text_too_long: 'errors:text_too_long',
  issue_not_found: 'errors:issue_not_found',
  issue_not_open: 'errors:issue_not_open',
  issue_not_resolved: 'errors:issue_not_resolved',
  issue_not_closed: 'errors:issue_not_closed',
  already_supported: 'errors:already_supported',
  committee_only: 'errors:committee_only',
  escalate_role_required: 'errors:escalate_role_required',
  already_top_level: 'errors:already_top_level',
  triage_small_not_assignable: 'errors:triage_small_not_assignable',
  responder_not_found: 'errors:responder_not_found',
  days_invalid: 'errors:days_invalid',
  not_responder: 'errors:not_responder',
  no_open_follow_up: 'errors:no_open_follow_up',
  resolve_not_allowed: 'errors:resolve_not_allowed',
  score_invalid: 'errors:score_invalid',
  not_a_rater: 'errors:not_a_rater',
  not_a_supporter: 'errors:not_a_supporter',
  draft_not_found: 'errors:draft_not_found',
  reason_required: 'errors:reason_required',
  poll_not_found: 'errors:poll_not_found',
  poll_closed: 'errors:poll_closed',
  poll_question_empty: 'errors:poll_question_empty',
  poll_too_few_options: 'errors:poll_too_few_options',
  poll_too_many_options: 'errors:poll_too_many_options',
  poll_option_too_long: 'errors:poll_option_too_long',
  poll_hours_invalid: 'errors:poll_hours_invalid',
  poll_quorum_invalid: 'errors:poll_quorum_invalid',
  poll_role_required: 'errors:poll_role_required',
  poll_option_invalid: 'errors:poll_option_invalid',
  not_a_voter: 'errors:not_a_voter',
  poll_creator_only: 'errors:poll_creator_only',
  not_owners_vote: 'errors:not_owners_vote',
  turnout_role_required: 'errors:turnout_role_required',
  household_not_found: 'errors:household_not_found',
  household_ambiguous: 'errors:household_ambiguous',
  voted_in_chat: 'errors:voted_in_chat',
  committee_chat_only: 'errors:committee_chat_only',
};

export const usageKeys: Record<CommandName, string> = {
  start: 'commands:start.usage',
  help: 'commands:help.usage',
  lang: 'commands:lang.usage',
  link: 'commands:link.usage',
  claim: 'commands:claim.usage',
  issue: 'commands:issue.usage',
  support: 'commands:support.usage',
  issues: 'commands:issues.usage',
  show: 'commands:show.usage',
  triage: 'commands:triage.usage',
  escalate: 'commands:escalate.usage',
  assign: 'commands:assign.usage',
  respond: 'commands:respond.usage',
  resolve: 'commands:resolve.usage',
  rate: 'commands:rate.usage',
  reopen: 'commands:reopen.usage',
  hide: 'commands:hide.usage',
  mydata: 'commands:mydata.usage',
  forgetme: 'commands:forgetme.usage',
  poll: 'commands:poll.usage',
  ownersvote: 'commands:ownersvote.usage',
  results: 'commands:results.usage',
  close: 'commands:close.usage',
  remind: 'commands:remind.usage',
  turnout: 'commands:turnout.usage',
  paperballot: 'commands:paperballot.usage',
  digest: 'commands:digest.usage',
};

export const summaryKeys: Record<CommandName, string> = {
  start: 'commands:start.summary',
  help: 'commands:help.summary',
  lang: 'commands:lang.summary',
  link: 'commands:link.summary',
  claim: 'commands:claim.summary',
  issue: 'commands:issue.summary',
  support: 'commands:support.summary',
  issues: 'commands:issues.summary',
  show: 'commands:show.summary',
  triage: 'commands:triage.summary',
  escalate: 'commands:escalate.summary',
  assign: 'commands:assign.summary',
  respond: 'commands:respond.summary',
  resolve: 'commands:resolve.summary',
  rate: 'commands:rate.summary',
  reopen: 'commands:reopen.summary',
  hide: 'commands:hide.summary',
  mydata: 'commands:mydata.summary',
  forgetme: 'commands:forgetme.summary',
  poll: 'commands:poll.summary',
  ownersvote: 'commands:ownersvote.summary',
  results: 'commands:results.summary',
  close: 'commands:close.summary',
  remind: 'commands:remind.summary',
  turnout: 'commands:turnout.summary',
  paperballot: 'commands:paperballot.summary',
  digest: 'commands:digest.summary',
};

const labelKeys: Record<string, string> = {
  building: 'labels:level.building',
  resident_group: 'labels:level.resident_group',
  representatives: 'labels:level.representatives',
  joint_meeting: 'labels:level.joint_meeting',
  open: 'labels:status.open',
  in_progress: 'labels:status.in_progress',
  answered: 'labels:status.answered',
  resolved: 'labels:status.resolved',
  closed: 'labels:status.closed',
  hidden: 'labels:status.hidden',
  small: 'labels:triage.small',
  big: 'labels:triage.big',
  support: 'labels:cause.support',
  manual: 'labels:cause.manual',
  overdue: 'labels:cause.overdue',
  ratings: 'labels:cause.ratings',
  supporters: 'labels:cause.supporters',
  committee: 'labels:role.committee',
  building_head: 'labels:role.building_head',
  group_head: 'labels:role.group_head',
  representative: 'labels:role.representative',
  party_member: 'labels:role.party_member',
  responder: 'labels:role.responder',
  community: 'labels:binding.community',
  party: 'labels:binding.party',
  subdistrict: 'labels:binding.subdistrict',
  facilities: 'labels:category.facilities',
  sanitation: 'labels:category.sanitation',
  safety: 'labels:category.safety',
  parking: 'labels:category.parking',
  greenery: 'labels:category.greenery',
  noise: 'labels:category.noise',
  property_service: 'labels:category.property_service',
  elderly_services: 'labels:category.elderly_services',
  neighbourhood: 'labels:category.neighbourhood',
  other: 'labels:category.other',
  yes: 'labels:choice.yes',
  no: 'labels:choice.no',
  abstain: 'labels:choice.abstain',
  passed: 'labels:verdict.passed',
  rejected: 'labels:verdict.rejected',
  no_quorum: 'labels:verdict.no_quorum',
  major: 'labels:matter.major',
  'zh-CN': 'labels:locale.zh-CN',
  en: 'labels:locale.en',
};
/** `building` is both a level and a binding; the binding reads the same as the level in every locale. */
const bindingKeys: Record<string, string> = { building: 'labels:binding.building', committee: 'labels:binding.committee' };

/** What a chat speaks for, or would have: its building or party by name, else the binding's label. */
function bindingTarget(t: TFunction, binding: string, building: string | null, party: string | null): string {
  return building ?? party ?? (bindingKeys[binding] ? t(bindingKeys[binding]!) : label(t, binding));
}

function label(t: TFunction, value: string | null | undefined): string {
  if (!value) return '-';
  const key = labelKeys[value];
  return key ? t(key) : value;
}

function buttonLabel(t: TFunction, button: Button): string {
  switch (button.kind) {
    case 'support':
      return t('labels:button.support', { number: button.number });
    case 'rate':
      return t('labels:button.rate', { score: button.score });
    case 'raise_draft':
      return t('labels:button.raise_draft');
    case 'forget_confirm':
      return t('labels:button.forget_confirm');
    case 'vote':
      return button.choice ? label(t, button.label) : button.label;
  }
}

/** An exact fraction as a percentage with one decimal, rounded half up: 2/3 → "66.7%". */
export function percent(share: { numerator: number; denominator: number }): string {
  if (share.denominator === 0) return '-';
  const tenths = Math.floor((share.numerator * 2000 + share.denominator) / (2 * share.denominator));
  return `${Math.floor(tenths / 10)}.${tenths % 10}%`;
}

/** Area shares come as decimal strings of m²; compared in hundredths, exactly. */
function areaShare(part: string, whole: string): string {
  const hundredths = (value: string) => {
    const [whole = '0', fraction = ''] = value.split('.');
    return Number(whole) * 100 + Number(fraction.padEnd(2, '0').slice(0, 2));
  };
  return percent({ numerator: hundredths(part), denominator: hundredths(whole) });
}

function resultsHeading(poll: PollResults): string {
  if (poll.kind === 'owners_vote') return poll.closed ? 'notices:poll.results_final_owners' : 'notices:poll.results_live_owners';
  return poll.closed ? 'notices:poll.results_final' : 'notices:poll.results_live';
}

function yesNo(t: TFunction, value: boolean): string {
  return t(value ? 'labels:met' : 'labels:not_met');
}

function renderPoll(t: TFunction, poll: PollResults, timeZone: string, heading: string): string {
  const lines = [heading];
  if (poll.ordinary) {
    const o = poll.ordinary;
    for (const count of o.counts)
      lines.push(t('notices:poll.option_line', { option: count.label, votes: count.votes, share: percent(count.share) }));
    lines.push(
      t('notices:poll.turnout_line', {
        voters: o.voters,
        eligible: o.eligible,
        share: percent({ numerator: o.voters, denominator: o.eligible }),
      }),
    );
    if (o.quorumMet !== null) lines.push(t('notices:poll.quorum_line', { quorum: poll.quorumPercent ?? 0, met: yesNo(t, o.quorumMet) }));
  }
  if (poll.owners) {
    const w = poll.owners;
    lines.push(
      t('notices:poll.owners_participation', {
        households: w.participating.households,
        totalHouseholds: w.total.households,
        householdShare: percent({ numerator: w.participating.households, denominator: w.total.households }),
        area: w.participating.area,
        totalArea: w.total.area,
        areaShare: areaShare(w.participating.area, w.total.area),
      }),
      t('notices:poll.owners_quorum', {
        met: yesNo(t, w.quorum.met),
        area: yesNo(t, w.quorum.area),
        households: yesNo(t, w.quorum.households),
      }),
    );
    for (const choice of ['yes', 'no', 'abstain'] as const) {
      const part = w.byChoice[choice];
      lines.push(
        t('notices:poll.owners_choice_line', {
          choice: label(t, choice),
          households: part.households,
          householdShare: percent({ numerator: part.households, denominator: w.participating.households }),
          area: part.area,
          areaShare: areaShare(part.area, w.participating.area),
        }),
      );
    }
    lines.push(t(poll.matterClass === 'major' ? 'notices:poll.owners_threshold_major' : 'notices:poll.owners_threshold_ordinary'));
    if (w.paperBallots > 0) lines.push(t('notices:poll.owners_paper', { count: w.paperBallots }));
    if (!w.quorum.met) {
      lines.push(t('notices:poll.owners_gap', { households: w.gap.households, area: w.gap.area }));
      for (const b of w.buildings) {
        if (b.notVotedHouseholds > 0)
          lines.push(
            t('notices:poll.owners_building_line', {
              building: b.name,
              voted: b.voted,
              total: b.total,
              households: b.notVotedHouseholds,
              area: b.notVotedArea,
            }),
          );
      }
    }
    lines.push(t(poll.closed ? 'notices:poll.owners_verdict' : 'notices:poll.owners_verdict_so_far', { verdict: label(t, w.verdict) }));
  }
  if (!poll.closed) lines.push(t('notices:poll.closes', { closesAt: date(t, poll.closesAt, timeZone) }));
  return lines.join('\n');
}

function date(t: TFunction, iso: string, timeZone: string): string {
  return t('labels:date', { value: new Date(iso), formatParams: { value: { dateStyle: 'medium', timeStyle: 'short', timeZone } } });
}

function issueLine(t: TFunction, issue: IssueSummary): string {
  return t('notices:issue.list_line', {
    number: issue.number,
    text: truncate(issue.text, 60),
    status: label(t, issue.status),
    level: label(t, issue.level),
    supporters: issue.supporters,
  });
}

function truncate(text: string, max: number): string {
  const chars = [...text];
  return chars.length > max ? `${chars.slice(0, max - 1).join('')}…` : text;
}

function scopeOf(t: TFunction, building: string | null): string {
  return building ?? t('labels:scope.community');
}

/**
 * A notice as plain text in the language `t` is fixed to, plus its buttons. Platform adapters add their own markup
 * and escaping on top; anything a resident typed stays as typed here.
 */
export function renderNotice(
  t: TFunction,
  notice: NoticeBody & { buttons?: Button[] },
  options: { timeZone?: string } = {},
): RenderedNotice {
  const buttons = (notice.buttons ?? []).map((button) => ({ label: buttonLabel(t, button), data: encodeButton(button) }));
  return { text: renderText(t, notice, options.timeZone ?? 'Asia/Shanghai'), buttons };
}

function renderText(t: TFunction, notice: NoticeBody, timeZone: string): string {
  switch (notice.type) {
    case 'member.welcomed':
      return notice.params.community
        ? t('notices:member.welcomed_member', { name: notice.params.name, community: notice.params.community })
        : t('notices:member.welcomed', { name: notice.params.name });
    case 'member.help':
      return [
        t('notices:member.help'),
        ...notice.params.commands.map((command) =>
          t('notices:member.help_line', { usage: t(usageKeys[command]), summary: t(summaryKeys[command]) }),
        ),
      ].join('\n');
    case 'member.language_set':
      return t('notices:member.language_set', { language: label(t, notice.params.locale) });
    case 'member.data_exported': {
      const data = notice.params.data;
      return [
        t('notices:member.data_exported'),
        t('notices:member.data_identity', {
          name: data.displayName,
          platform: data.platform,
          id: data.platformUserId,
          language: label(t, data.locale ?? ''),
        }),
        t('notices:member.data_households', {
          list: data.households.map((h) => `${h.community} ${h.building} ${h.unit}`).join(t('labels:list_separator')) || '-',
        }),
        t('notices:member.data_roles', {
          list:
            data.roles
              .map((r) => t('notices:member.data_role_item', { community: r.community, role: label(t, r.role), scope: r.scope }))
              .join(t('labels:list_separator')) || '-',
        }),
        t('notices:member.data_activity', {
          issues: data.issuesRaised.map((n) => `#${n}`).join(' ') || '-',
          supports: data.supports,
          ratings: data.ratings,
          ballots: data.ballots,
        }),
        t('notices:member.data_forget_hint'),
      ].join('\n');
    }
    case 'member.forget_requested':
      return t('notices:member.forget_requested');
    case 'member.forgotten':
      return t('notices:member.forgotten', { ballots: notice.params.ballotsKept });
    case 'chat.linked': {
      const { building, party, binding, community } = notice.params;
      return t('notices:chat.linked', { community, what: bindingTarget(t, binding, building, party) });
    }
    case 'household.claimed':
      return t('notices:household.claimed', notice.params);
    case 'code.exposed':
      return t(notice.params.purpose === 'household_claim' ? 'notices:code.exposed_claim' : 'notices:code.exposed_link');
    case 'code.exposure_reported': {
      const report = notice.params;
      const where = { by: report.by, chat: report.chat ?? t('labels:untitled_chat') };
      return report.purpose === 'household_claim'
        ? t('notices:code.exposure_reported_claim', { ...where, building: report.building, unit: report.unit })
        : t('notices:code.exposure_reported_link', { ...where, what: bindingTarget(t, report.binding, report.building, report.party) });
    }
    case 'issue.raised':
      return t('notices:issue.raised', {
        number: notice.params.number,
        text: notice.params.text,
        category: label(t, notice.params.category ?? 'other'),
        scope: scopeOf(t, notice.params.scope.building),
        level: label(t, notice.params.level),
      });
    case 'issue.looks_duplicate':
      return [
        t('notices:issue.looks_duplicate'),
        ...notice.params.similar.map((issue) => t('notices:issue.similar_line', { number: issue.number, text: truncate(issue.text, 80) })),
        t('notices:issue.looks_duplicate_hint'),
      ].join('\n');
    case 'issue.supported':
      return t('notices:issue.supported', notice.params);
    case 'issue.escalated':
      return t(notice.params.by ? 'notices:issue.escalated_by' : 'notices:issue.escalated', {
        number: notice.params.number,
        text: truncate(notice.params.text, 120),
        from: label(t, notice.params.from as Level),
        to: label(t, notice.params.to as Level),
        cause: label(t, notice.params.cause),
        by: notice.params.by ?? '',
      });
    case 'issue.listed':
      return notice.params.issues.length === 0
        ? t('notices:issue.listed_empty')
        : [t('notices:issue.listed'), ...notice.params.issues.map((issue) => issueLine(t, issue))].join('\n');
    case 'issue.shown': {
      const issue = notice.params;
      const lines = [
        t('notices:issue.shown', {
          number: issue.number,
          text: issue.text,
          status: label(t, issue.status),
          category: label(t, issue.category ?? 'other'),
          scope: scopeOf(t, issue.scope.building),
          level: label(t, issue.level),
          triage: label(t, issue.triage),
          supporters: issue.supporters,
          created: date(t, issue.createdAt, timeZone),
        }),
      ];
      if (issue.followUp) {
        lines.push(
          t('notices:issue.shown_follow_up', { party: issue.followUp.party, deadline: date(t, issue.followUp.deadline, timeZone) }),
        );
        if (issue.followUp.response) lines.push(t('notices:issue.shown_response', { response: issue.followUp.response }));
      }
      if (issue.hiddenReason) lines.push(t('notices:issue.shown_hidden', { reason: issue.hiddenReason }));
      return lines.join('\n');
    }
    case 'issue.triaged':
      return t('notices:issue.triaged', { number: notice.params.number, triage: label(t, notice.params.triage), by: notice.params.by });
    case 'issue.assigned':
      return t('notices:issue.assigned', {
        number: notice.params.number,
        text: truncate(notice.params.text, 120),
        party: notice.params.party,
        days: notice.params.days,
        deadline: date(t, notice.params.deadline, timeZone),
      });
    case 'issue.responded':
      return t(notice.params.late ? 'notices:issue.responded_late' : 'notices:issue.responded', notice.params);
    case 'issue.resolved':
      return [
        t('notices:issue.resolved', { number: notice.params.number }),
        ...(notice.params.note ? [notice.params.note] : []),
        t('notices:issue.rate_please', { number: notice.params.number }),
      ].join('\n');
    case 'issue.rating_requested':
      return t('notices:issue.rating_requested', { number: notice.params.number, text: truncate(notice.params.text, 120) });
    case 'issue.rated':
      return t('notices:issue.rated', notice.params);
    case 'issue.reopened':
      return t('notices:issue.reopened', { number: notice.params.number, cause: label(t, notice.params.cause) });
    case 'issue.closed':
      return t('notices:issue.closed', notice.params);
    case 'issue.hidden':
      return t('notices:issue.hidden', notice.params);
    case 'command.refused': {
      const { code, ...params } = notice.params;
      if (code === 'usage' && typeof params.command === 'string' && params.command in usageKeys) {
        return t('errors:usage', { usage: t(usageKeys[params.command as CommandName]) });
      }
      const extra: Record<string, string | number> = { ...params };
      if (typeof params.role === 'string') extra.role = label(t, params.role);
      return t(errorKeys[code], extra);
    }
    case 'poll.opened': {
      const p = notice.params;
      const kind =
        p.kind === 'owners_vote' ? t(p.matterClass === 'major' ? 'notices:poll.owners_major' : 'notices:poll.owners_ordinary') : '';
      return [
        t(p.kind === 'owners_vote' ? 'notices:poll.opened_owners' : 'notices:poll.opened', {
          number: p.number,
          question: p.question,
          scope: scopeOf(t, p.scope.building),
          kind,
        }),
        ...(p.kind === 'ordinary' ? p.options.map((option, index) => `${index + 1}. ${option}`) : []),
        ...(p.multi ? [t('notices:poll.multi')] : []),
        ...(p.secret ? [t('notices:poll.secret')] : []),
        ...(p.quorumPercent ? [t('notices:poll.quorum', { quorum: p.quorumPercent })] : []),
        t('notices:poll.closes', { closesAt: date(t, p.closesAt, timeZone) }),
      ].join('\n');
    }
    case 'poll.vote_recorded': {
      const p = notice.params;
      // Owners' votes (which name households) store yes / no / abstain as codes; other options stand as typed.
      const choices = p.choices.map((choice) => (p.households.length > 0 ? label(t, choice) : choice)).join(t('labels:list_separator'));
      return p.choices.length === 0
        ? t('notices:poll.vote_withdrawn', { number: p.number })
        : p.households.length > 0
          ? t('notices:poll.vote_recorded_household', {
              number: p.number,
              choices,
              households: p.households.join(t('labels:list_separator')),
            })
          : t('notices:poll.vote_recorded', { number: p.number, choices });
    }
    case 'poll.results':
      return renderPoll(
        t,
        notice.params,
        timeZone,
        t(resultsHeading(notice.params), { number: notice.params.number, question: notice.params.question }),
      );
    case 'poll.closed':
      return renderPoll(
        t,
        notice.params,
        timeZone,
        t(notice.params.kind === 'owners_vote' ? 'notices:poll.closed_owners' : 'notices:poll.closed', {
          number: notice.params.number,
          question: notice.params.question,
        }),
      );
    case 'poll.reminder': {
      const p = notice.params;
      return [
        t('notices:poll.reminder', {
          number: p.number,
          question: p.question,
          closesAt: date(t, p.closesAt, timeZone),
          count: p.notVotedCount,
        }),
        ...(p.notVoted && p.notVoted.length > 0
          ? [t('notices:poll.reminder_names', { names: p.notVoted.join(t('labels:list_separator')) })]
          : []),
      ].join('\n');
    }
    case 'poll.vote_reminder':
      return t('notices:poll.vote_reminder', {
        number: notice.params.number,
        question: notice.params.question,
        closesAt: date(t, notice.params.closesAt, timeZone),
        households: notice.params.households.join(t('labels:list_separator')),
      });
    case 'followup.due_soon':
      return t('notices:followup.due_soon', {
        number: notice.params.number,
        text: truncate(notice.params.text, 120),
        party: notice.params.party,
        deadline: date(t, notice.params.deadline, timeZone),
      });
    case 'followup.overdue':
      return t('notices:followup.overdue', {
        number: notice.params.number,
        text: truncate(notice.params.text, 120),
        party: notice.params.party,
        deadline: date(t, notice.params.deadline, timeZone),
      });
    case 'poll.turnout_listed':
      return notice.params.buildings.length === 0
        ? t('notices:poll.turnout_all_voted', { number: notice.params.number })
        : [
            t('notices:poll.turnout_listed', { number: notice.params.number }),
            ...notice.params.buildings.map((b) =>
              t('notices:poll.turnout_building', {
                building: b.building,
                count: b.units.length,
                units: b.units.join(t('labels:list_separator')),
              }),
            ),
          ].join('\n');
    case 'poll.turnout_progress':
      return notice.params.percentOfQuorum >= 100
        ? t('notices:poll.quorum_reached', { number: notice.params.number })
        : t('notices:poll.turnout_progress', {
            number: notice.params.number,
            percent: notice.params.percentOfQuorum,
            households: notice.params.gap.households,
            area: notice.params.gap.area,
          });
    case 'poll.paper_recorded':
      return t(notice.params.replaced ? 'notices:poll.paper_replaced' : 'notices:poll.paper_recorded', {
        ...notice.params,
        choice: label(t, notice.params.choice),
      });
    case 'digest.daily':
      return renderDailyDigest(t, notice.params, timeZone);
    case 'digest.daily_empty':
      return t('notices:digest.daily_empty', notice.params);
    case 'digest.weekly':
      return renderWeeklyRollup(t, notice.params);
    case 'command.failed':
      return t('notices:command.failed');
  }
}

/** An exact rate as "1/3 (33.3%)", or "no data" when nothing counted. */
function rateText(t: TFunction, rate: Rate): string {
  if (rate.denominator === 0) return t('notices:digest.rate_none');
  return t('notices:digest.rate_value', { numerator: rate.numerator, denominator: rate.denominator, percent: percent(rate) });
}

function ratesParams(t: TFunction, rates: DigestRates) {
  return {
    response: rateText(t, rates.response),
    resolution: rateText(t, rates.resolution),
    satisfaction: rateText(t, rates.satisfaction),
  };
}

/** The digest's sections in a fixed order, each only when it has entries; the three rates always close it. */
function renderDailyDigest(t: TFunction, d: DailyDigest, timeZone: string): string {
  const lines = [t('notices:digest.daily_heading', { community: d.community, period: d.period })];
  const section = <T>(heading: string, items: T[], line: (item: T) => string) => {
    if (items.length === 0) return;
    lines.push(t(heading, { n: items.length }), ...items.map(line));
  };
  section('notices:digest.new_issues', d.newIssues, (i) =>
    t('notices:digest.new_issue_line', { number: i.number, text: truncate(i.text, 60) }),
  );
  section('notices:digest.support_gains', d.supportGains, (i) =>
    t('notices:digest.support_gain_line', { number: i.number, text: truncate(i.text, 40), households: i.households, added: i.added }),
  );
  section('notices:digest.escalations', d.escalations, (e) =>
    t('notices:digest.escalation_line', { number: e.number, from: label(t, e.from), to: label(t, e.to), cause: label(t, e.cause) }),
  );
  section('notices:digest.polls_closing', d.pollsClosing, (p) =>
    p.kind === 'ordinary'
      ? t('notices:digest.poll_line', {
          number: p.number,
          question: truncate(p.question, 40),
          voters: p.voters,
          eligible: p.eligible,
          share: percent({ numerator: p.voters, denominator: p.eligible }),
          closesAt: date(t, p.closesAt, timeZone),
        })
      : t('notices:digest.owners_line', {
          number: p.number,
          question: truncate(p.question, 40),
          households: p.households.participating,
          totalHouseholds: p.households.total,
          neededHouseholds: p.households.needed,
          area: p.area.participating,
          totalArea: p.area.total,
          neededArea: p.area.needed,
          met: yesNo(t, p.quorumMet),
          closesAt: date(t, p.closesAt, timeZone),
        }),
  );
  section('notices:digest.overdue', d.overdueFollowUps, (f) =>
    t('notices:digest.overdue_line', { number: f.number, party: f.party, deadline: date(t, f.deadline, timeZone), days: f.daysOverdue }),
  );
  section('notices:digest.meetings', d.meetings, (m) =>
    m.location
      ? t('notices:digest.meeting_line', { title: m.title, startsAt: date(t, m.startsAt, timeZone), location: m.location })
      : t('notices:digest.meeting_line_no_location', { title: m.title, startsAt: date(t, m.startsAt, timeZone) }),
  );
  lines.push(t('notices:digest.rates', ratesParams(t, d.rates)));
  return lines.join('\n');
}

function renderWeeklyRollup(t: TFunction, w: WeeklyRollup): string {
  return [
    t('notices:digest.weekly_heading', { subdistrict: w.subdistrict, period: w.period }),
    ...(w.communities.length === 0
      ? [t('notices:digest.weekly_none')]
      : w.communities.map((c) =>
          t('notices:digest.weekly_line', {
            community: c.name,
            newIssues: c.newIssues,
            escalations: c.escalations,
            resolved: c.resolved,
            overdue: c.overdueFollowUps,
            ...ratesParams(t, c.rates),
          }),
        )),
  ].join('\n');
}
