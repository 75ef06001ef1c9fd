import type { NoticeRenderers } from './context.js';
import { date } from './dates.js';
import { paragraph } from './document.js';
import { label } from './labels.js';
import { truncate } from './text.js';

type FollowUpNotice =
  | 'issue.assigned'
  | 'issue.responded'
  | 'issue.resolved'
  | 'issue.rating_requested'
  | 'issue.rated'
  | 'issue.reopened'
  | 'issue.closed'
  | 'followup.due_soon'
  | 'followup.overdue';

/** Supervised follow-up: assigning a responsible body, its answer, resolution, ratings, reminders and deadlines. */
export const followUpRenderers: NoticeRenderers<FollowUpNotice> = {
  'issue.assigned': (params, { t, timeZone }) => [
    paragraph(
      t('notices:issue.assigned', {
        number: params.number,
        text: truncate(params.text, 120),
        party: params.party,
        days: params.days,
        count: params.days,
        deadline: date(t, params.deadline, timeZone),
      }),
    ),
  ],
  'issue.responded': (params, { t }) => [paragraph(t(params.late ? 'notices:issue.responded_late' : 'notices:issue.responded', params))],
  'issue.resolved': ({ number, note }, { t }) => [
    paragraph(t('notices:issue.resolved', { number })),
    ...(note ? [paragraph(note)] : []),
    paragraph(t('notices:issue.rate_please', { number })),
  ],
  'issue.rating_requested': ({ number, text, raiser }, { t }) => [
    paragraph(
      t(raiser ? 'notices:issue.rating_requested_raiser' : 'notices:issue.rating_requested', { number, text: truncate(text, 120) }),
    ),
  ],
  'issue.rated': (params, { t }) => [paragraph(t('notices:issue.rated', params))],
  'issue.reopened': ({ number, cause }, { t }) => [paragraph(t('notices:issue.reopened', { number, cause: label(t, cause) }))],
  'issue.closed': (params, { t }) => [paragraph(t('notices:issue.closed', { ...params, count: params.raters }))],
  'followup.due_soon': (params, { t, timeZone }) => [
    paragraph(
      t('notices:followup.due_soon', {
        number: params.number,
        text: truncate(params.text, 120),
        party: params.party,
        deadline: date(t, params.deadline, timeZone),
      }),
    ),
  ],
  'followup.overdue': (params, { t, timeZone }) => [
    paragraph(
      t('notices:followup.overdue', {
        number: params.number,
        text: truncate(params.text, 120),
        party: params.party,
        deadline: date(t, params.deadline, timeZone),
      }),
    ),
  ],
};
