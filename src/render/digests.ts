import type { DigestRates, Rate } from '../engine/notices.js';
import type { TFunction } from '../i18n/index.js';
import type { NoticeRenderers } from './context.js';
import { date } from './dates.js';
import { type Block, heading, list, paragraph } from './document.js';
import { issueLine } from './issues.js';
import { label, yesNo } from './labels.js';
import { rsvpState } from './meetings.js';
import { percent } from './percent.js';
import { truncate } from './text.js';

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

/**
 * The committee's daily digest and the subdistrict's weekly roll-up. The daily digest's sections come in a fixed
 * order, each only when it has entries (meetings to come among them); the three rates always close it.
 */
export const digestRenderers: NoticeRenderers<'digest.daily' | 'digest.daily_empty' | 'digest.weekly' | 'member.home'> = {
  'member.home': ({ issues, polls, digest }, context) => {
    const { t, timeZone } = context;
    const blocks: Block[] = [heading(t('notices:member.home'))];
    if (issues.length > 0) blocks.push(heading(t('notices:member.home_issues')), list(issues.map((issue) => issueLine(t, issue))));
    if (polls.length > 0)
      blocks.push(
        heading(t('notices:member.home_polls')),
        list(
          polls.map((poll) =>
            t(poll.voted ? 'notices:member.home_poll_voted' : 'notices:member.home_poll', {
              number: poll.number,
              question: truncate(poll.question, 60),
              closesAt: date(t, poll.closesAt, timeZone),
            }),
          ),
        ),
      );
    if (issues.length === 0 && polls.length === 0) blocks.push(paragraph(t('notices:member.home_empty')));
    if (digest) blocks.push(...digestRenderers['digest.daily'](digest, context));
    return blocks;
  },
  'digest.daily': (d, { t, timeZone }) => {
    const blocks: Block[] = [heading(t('notices:digest.daily_heading', { community: d.community, period: d.period }))];
    const section = <T>(title: string, items: T[], line: (item: T) => string) => {
      if (items.length > 0) blocks.push(heading(t(title, { n: items.length })), list(items.map(line)));
    };
    section('notices:digest.new_issues', d.newIssues, (i) =>
      t('notices:digest.new_issue_line', { number: i.number, text: truncate(i.text, 60) }),
    );
    section('notices:digest.support_gains', d.supportGains, (i) =>
      t('notices:digest.support_gain_line', {
        number: i.number,
        text: truncate(i.text, 40),
        households: i.households,
        added: i.added,
        count: i.households,
      }),
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
            count: p.households.total,
            neededHouseholds: p.households.needed,
            area: p.area.participating,
            totalArea: p.area.total,
            neededArea: p.area.needed,
            met: yesNo(t, p.quorumMet),
            closesAt: date(t, p.closesAt, timeZone),
          }),
    );
    section('notices:digest.overdue', d.overdueFollowUps, (f) =>
      t('notices:digest.overdue_line', {
        number: f.number,
        party: f.party,
        deadline: date(t, f.deadline, timeZone),
        days: f.daysOverdue,
        count: f.daysOverdue,
      }),
    );
    section('notices:digest.meetings', d.meetings, (m) => {
      const shown = { meeting: m.meeting, startsAt: date(t, m.startsAt, timeZone), rsvp: rsvpState(t, m) };
      return m.place ? t('notices:digest.meeting_line', { ...shown, place: m.place }) : t('notices:digest.meeting_line_no_place', shown);
    });
    blocks.push(paragraph(t('notices:digest.rates', ratesParams(t, d.rates))));
    return blocks;
  },
  'digest.daily_empty': (params, { t }) => [paragraph(t('notices:digest.daily_empty', params))],
  'digest.weekly': (w, { t }) => [
    heading(t('notices:digest.weekly_heading', { subdistrict: w.subdistrict, period: w.period })),
    w.communities.length === 0
      ? paragraph(t('notices:digest.weekly_none'))
      : list(
          w.communities.map((c) =>
            t('notices:digest.weekly_line', {
              community: c.name,
              newIssues: c.newIssues,
              escalations: c.escalations,
              resolved: c.resolved,
              overdue: c.overdueFollowUps,
              ...ratesParams(t, c.rates),
            }),
          ),
        ),
  ],
};
