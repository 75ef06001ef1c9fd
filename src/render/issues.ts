import type { IssueSummary, Level } from '../engine/notices.js';
import type { TFunction } from '../i18n/index.js';
import type { NoticeRenderers } from './context.js';
import { date } from './dates.js';
import { type Block, heading, list, paragraph } from './document.js';
import { label, scopeOf } from './labels.js';
import { truncate } from './text.js';

type IssueNotice =
  | 'issue.raised'
  | 'issue.looks_duplicate'
  | 'issue.supported'
  | 'issue.supports_acknowledged'
  | 'issue.escalated'
  | 'issue.listed'
  | 'issue.shown'
  | 'issue.triaged'
  | 'issue.hidden';

export function issueLine(t: TFunction, issue: IssueSummary): string {
  return t('notices:issue.list_line', {
    number: issue.number,
    text: truncate(issue.text, 60),
    status: label(t, issue.status),
    level: label(t, issue.level),
    supporters: issue.supporters,
    count: issue.supporters,
  });
}

/** Raising, backing, moving up, browsing, triaging and hiding issues. */
export const issueRenderers: NoticeRenderers<IssueNotice> = {
  'issue.raised': (issue, { t }) => [
    paragraph(
      t('notices:issue.raised', {
        number: issue.number,
        text: issue.text,
        category: label(t, issue.category ?? 'other'),
        scope: scopeOf(t, issue.scope.building),
        level: label(t, issue.level),
      }),
    ),
    ...(issue.support
      ? [
          paragraph(
            t(issue.support.households >= issue.support.needed ? 'notices:issue.card_support_reached' : 'notices:issue.card_support', {
              ...issue.support,
              count: issue.support.households,
            }),
          ),
        ]
      : []),
  ],
  'issue.looks_duplicate': ({ similar }, { t }) => [
    heading(t('notices:issue.looks_duplicate')),
    list(similar.map((issue) => t('notices:issue.similar_line', { number: issue.number, text: truncate(issue.text, 80) }))),
    paragraph(t('notices:issue.looks_duplicate_hint')),
  ],
  'issue.supported': (params, { t }) => [paragraph(t('notices:issue.supported', params))],
  'issue.supports_acknowledged': ({ entries }, { t }) => [
    heading(t('notices:issue.supports_acknowledged')),
    list(entries.map((entry) => t('notices:issue.support_entry', entry))),
  ],
  'issue.escalated': (params, { t }) => [
    paragraph(
      t(params.by ? 'notices:issue.escalated_by' : 'notices:issue.escalated', {
        number: params.number,
        text: truncate(params.text, 120),
        from: label(t, params.from as Level),
        to: label(t, params.to as Level),
        cause: label(t, params.cause),
        by: params.by ?? '',
      }),
    ),
  ],
  'issue.listed': ({ issues }, { t }) =>
    issues.length === 0
      ? [paragraph(t('notices:issue.listed_empty'))]
      : [heading(t('notices:issue.listed')), list(issues.map((issue) => issueLine(t, issue)))],
  'issue.shown': (issue, { t, timeZone }) => {
    const blocks: Block[] = [
      paragraph(
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
      ),
    ];
    if (issue.followUp) {
      blocks.push(
        paragraph(
          t('notices:issue.shown_follow_up', { party: issue.followUp.party, deadline: date(t, issue.followUp.deadline, timeZone) }),
        ),
      );
      if (issue.followUp.response) blocks.push(paragraph(t('notices:issue.shown_response', { response: issue.followUp.response })));
    }
    if (issue.hiddenReason) blocks.push(paragraph(t('notices:issue.shown_hidden', { reason: issue.hiddenReason })));
    if (issue.steps.length > 0)
      blocks.push(
        paragraph(
          t('notices:issue.shown_steps', {
            steps: issue.steps
              .map((step) =>
                step.by
                  ? t('notices:meeting.step_by', { level: label(t, step.to), cause: label(t, step.cause), by: step.by })
                  : t('notices:meeting.step', { level: label(t, step.to), cause: label(t, step.cause) }),
              )
              .join(' '),
          }),
        ),
      );
    for (const meeting of issue.meetings) {
      const params = { meeting: meeting.meeting, startsAt: date(t, meeting.startsAt, timeZone) };
      if (meeting.outcome === 'sent_up')
        blocks.push(paragraph(t('notices:issue.shown_meeting_sent_up', { ...params, to: meeting.sentUpTo ?? '' })));
      else if (meeting.outcome === 'decided')
        blocks.push(paragraph(t('notices:issue.shown_meeting_decided', { ...params, decision: meeting.decision ?? '' })));
      else if (meeting.outcome === 'deferred') blocks.push(paragraph(t('notices:issue.shown_meeting_deferred', params)));
      else blocks.push(paragraph(t('notices:issue.shown_meeting_agenda', params)));
    }
    return blocks;
  },
  'issue.triaged': ({ number, triage, by }, { t }) => [paragraph(t('notices:issue.triaged', { number, triage: label(t, triage), by }))],
  'issue.hidden': (params, { t }) => [paragraph(t('notices:issue.hidden', params))],
};
