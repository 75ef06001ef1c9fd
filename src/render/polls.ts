import type { PollResults } from '../engine/notices.js';
import type { TFunction } from '../i18n/index.js';
import type { NoticeRenderers } from './context.js';
import { date } from './dates.js';
import { type Block, heading, list, paragraph } from './document.js';
import { joined, label, scopeOf, yesNo } from './labels.js';
import { areaShare, percent } from './percent.js';

type PollNotice =
  | 'poll.opened'
  | 'poll.vote_recorded'
  | 'poll.results'
  | 'poll.closed'
  | 'poll.reminder'
  | 'poll.vote_reminder'
  | 'poll.turnout_listed'
  | 'poll.turnout_progress'
  | 'poll.paper_recorded';

function resultsHeading(poll: PollResults): string {
  if (poll.kind === 'owners_vote') return poll.closed ? 'notices:poll.results_final_owners' : 'notices:poll.results_live_owners';
  return poll.closed ? 'notices:poll.results_final' : 'notices:poll.results_live';
}

/** A poll's counts under `title`: an ordinary poll's shares and turnout, or an owners' vote's double quorum and verdict. */
function pollResults(poll: PollResults, title: string, { t, timeZone }: { t: TFunction; timeZone: string }): Block[] {
  const blocks: Block[] = [heading(title)];
  if (poll.ordinary) {
    const o = poll.ordinary;
    blocks.push(
      list(
        o.counts.map((count) => t('notices:poll.option_line', { option: count.label, votes: count.votes, share: percent(count.share) })),
      ),
      paragraph(
        t('notices:poll.turnout_line', {
          voters: o.voters,
          eligible: o.eligible,
          share: percent({ numerator: o.voters, denominator: o.eligible }),
        }),
      ),
    );
    if (o.quorumMet !== null)
      blocks.push(paragraph(t('notices:poll.quorum_line', { quorum: poll.quorumPercent ?? 0, met: yesNo(t, o.quorumMet) })));
  }
  if (poll.owners) {
    const w = poll.owners;
    blocks.push(
      paragraph(
        t('notices:poll.owners_participation', {
          households: w.participating.households,
          totalHouseholds: w.total.households,
          count: w.total.households,
          householdShare: percent({ numerator: w.participating.households, denominator: w.total.households }),
          area: w.participating.area,
          totalArea: w.total.area,
          areaShare: areaShare(w.participating.area, w.total.area),
        }),
      ),
      paragraph(
        t('notices:poll.owners_quorum', {
          met: yesNo(t, w.quorum.met),
          area: yesNo(t, w.quorum.area),
          households: yesNo(t, w.quorum.households),
        }),
      ),
      list(
        (['yes', 'no', 'abstain'] as const).map((choice) => {
          const part = w.byChoice[choice];
          return t('notices:poll.owners_choice_line', {
            choice: label(t, choice),
            households: part.households,
            count: part.households,
            householdShare: percent({ numerator: part.households, denominator: w.participating.households }),
            area: part.area,
            areaShare: areaShare(part.area, w.participating.area),
          });
        }),
      ),
      paragraph(t(poll.matterClass === 'major' ? 'notices:poll.owners_threshold_major' : 'notices:poll.owners_threshold_ordinary')),
    );
    if (w.paperBallots > 0) blocks.push(paragraph(t('notices:poll.owners_paper', { count: w.paperBallots })));
    if (!w.quorum.met) {
      blocks.push(paragraph(t('notices:poll.owners_gap', { households: w.gap.households, area: w.gap.area, count: w.gap.households })));
      const toVote = w.buildings.filter((b) => b.notVotedHouseholds > 0);
      if (toVote.length > 0)
        blocks.push(
          list(
            toVote.map((b) =>
              t('notices:poll.owners_building_line', {
                building: b.name,
                voted: b.voted,
                total: b.total,
                households: b.notVotedHouseholds,
                count: b.notVotedHouseholds,
                area: b.notVotedArea,
              }),
            ),
          ),
        );
    }
    blocks.push(
      paragraph(t(poll.closed ? 'notices:poll.owners_verdict' : 'notices:poll.owners_verdict_so_far', { verdict: label(t, w.verdict) })),
    );
  }
  if (!poll.closed) blocks.push(paragraph(t('notices:poll.closes', { closesAt: date(t, poll.closesAt, timeZone) })));
  return blocks;
}

/** Ordinary polls and owners' votes: opening, ballots, live and final counts, reminders, turnout and paper ballots. */
export const pollRenderers: NoticeRenderers<PollNotice> = {
  'poll.opened': (p, { t, timeZone }) => {
    const kind =
      p.kind === 'owners_vote' ? t(p.matterClass === 'major' ? 'notices:poll.owners_major' : 'notices:poll.owners_ordinary') : '';
    const title = { number: p.number, question: p.question, scope: scopeOf(t, p.scope.building), kind };
    return [
      // An owners' vote's opening says how to vote as well: a message, not a title.
      p.kind === 'owners_vote' ? paragraph(t('notices:poll.opened_owners', title)) : heading(t('notices:poll.opened', title)),
      ...(p.kind === 'ordinary' ? [list(p.options, { ordered: true })] : []),
      ...(p.multi ? [paragraph(t('notices:poll.multi'))] : []),
      ...(p.secret ? [paragraph(t('notices:poll.secret'))] : []),
      ...(p.quorumPercent ? [paragraph(t('notices:poll.quorum', { quorum: p.quorumPercent }))] : []),
      paragraph(t('notices:poll.closes', { closesAt: date(t, p.closesAt, timeZone) })),
    ];
  },
  'poll.vote_recorded': (p, { t }) => {
    // Owners' votes (which name households) store yes / no / abstain as codes; other options stand as typed.
    const choices = joined(
      t,
      p.choices.map((choice) => (p.households.length > 0 ? label(t, choice) : choice)),
    );
    return [
      paragraph(
        p.choices.length === 0
          ? t('notices:poll.vote_withdrawn', { number: p.number })
          : p.households.length > 0
            ? t('notices:poll.vote_recorded_household', { number: p.number, choices, households: joined(t, p.households) })
            : t('notices:poll.vote_recorded', { number: p.number, choices }),
      ),
    ];
  },
  'poll.results': (poll, context) =>
    pollResults(poll, context.t(resultsHeading(poll), { number: poll.number, question: poll.question }), context),
  'poll.closed': (poll, context) =>
    pollResults(
      poll,
      context.t(poll.kind === 'owners_vote' ? 'notices:poll.closed_owners' : 'notices:poll.closed', {
        number: poll.number,
        question: poll.question,
      }),
      context,
    ),
  'poll.reminder': (p, { t, timeZone }) => [
    paragraph(
      // An owners' vote counts households, not persons; an older notice without `kind` was an ordinary poll's.
      t(p.kind === 'owners_vote' ? 'notices:poll.reminder_owners' : 'notices:poll.reminder', {
        number: p.number,
        question: p.question,
        closesAt: date(t, p.closesAt, timeZone),
        count: p.notVotedCount,
        scope: scopeOf(t, p.scope?.building ?? null),
      }),
    ),
    ...(p.notVoted && p.notVoted.length > 0 ? [paragraph(t('notices:poll.reminder_names', { names: joined(t, p.notVoted) }))] : []),
  ],
  'poll.vote_reminder': (p, { t, timeZone }) => [
    paragraph(
      t('notices:poll.vote_reminder', {
        number: p.number,
        question: p.question,
        closesAt: date(t, p.closesAt, timeZone),
        households: joined(t, p.households),
      }),
    ),
  ],
  'poll.turnout_listed': ({ number, buildings, scope, elsewhere }, { t }) => {
    const where = scope ? joined(t, scope) : null;
    const blocks =
      buildings.length === 0
        ? [
            paragraph(
              where ? t('notices:poll.turnout_all_voted_in', { number, scope: where }) : t('notices:poll.turnout_all_voted', { number }),
            ),
          ]
        : [
            heading(where ? t('notices:poll.turnout_listed_in', { number, scope: where }) : t('notices:poll.turnout_listed', { number })),
            list(
              buildings.map((b) =>
                t('notices:poll.turnout_building', { building: b.building, count: b.units.length, units: joined(t, b.units) }),
              ),
            ),
          ];
    if (where && elsewhere !== undefined)
      blocks.push(
        paragraph(elsewhere === 0 ? t('notices:poll.turnout_elsewhere_none') : t('notices:poll.turnout_elsewhere', { count: elsewhere })),
      );
    return blocks;
  },
  'poll.turnout_progress': ({ number, percentOfQuorum, gap }, { t }) => [
    paragraph(
      percentOfQuorum >= 100
        ? t('notices:poll.quorum_reached', { number })
        : t('notices:poll.turnout_progress', {
            number,
            percent: percentOfQuorum,
            households: gap.households,
            area: gap.area,
            count: gap.households,
          }),
    ),
  ],
  'poll.paper_recorded': (p, { t }) => [
    paragraph(t(p.replaced ? 'notices:poll.paper_replaced' : 'notices:poll.paper_recorded', { ...p, choice: label(t, p.choice) })),
  ],
};
