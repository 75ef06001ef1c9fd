import { commandSpec } from '../engine/capabilities.js';
import type { NoticeRenderers } from './context.js';
import { heading, list, paragraph } from './document.js';
import { bindingTarget, joined, label } from './labels.js';

type MembershipNotice =
  | 'member.welcomed'
  | 'member.help'
  | 'member.language_set'
  | 'member.data_exported'
  | 'member.forget_requested'
  | 'member.forgotten'
  | 'chat.linked'
  | 'household.claimed'
  | 'code.exposed'
  | 'code.exposure_reported';

/** Joining, help, language, one's own data, linking chats, claiming households, and codes shown in public. */
export const membershipRenderers: NoticeRenderers<MembershipNotice> = {
  'member.welcomed': ({ name, community }, { t }) => [
    paragraph(community ? t('notices:member.welcomed_member', { name, community }) : t('notices:member.welcomed', { name })),
  ],
  'member.help': ({ commands }, { t }) => [
    heading(t('notices:member.help')),
    list(
      commands.flatMap((command) => {
        const spec = commandSpec(command);
        return spec ? [t('notices:member.help_line', { usage: t(spec.usageKey), summary: t(spec.summaryKey) })] : [];
      }),
    ),
  ],
  'member.language_set': ({ locale }, { t }) => [paragraph(t('notices:member.language_set', { language: label(t, locale) }))],
  'member.data_exported': ({ data }, { t }) => [
    heading(t('notices:member.data_exported')),
    list([
      t('notices:member.data_identity', {
        name: data.displayName,
        platform: data.platform,
        id: data.platformUserId,
        language: label(t, data.locale ?? ''),
      }),
      t('notices:member.data_households', {
        list:
          joined(
            t,
            data.households.map((h) => `${h.community} ${h.building} ${h.unit}`),
          ) || '-',
      }),
      t('notices:member.data_roles', {
        list:
          joined(
            t,
            data.roles.map((r) => t('notices:member.data_role_item', { community: r.community, role: label(t, r.role), scope: r.scope })),
          ) || '-',
      }),
      t('notices:member.data_activity', {
        issues: data.issuesRaised.map((n) => `#${n}`).join(' ') || '-',
        supports: data.supports,
        ratings: data.ratings,
        ballots: data.ballots,
      }),
    ]),
    paragraph(t('notices:member.data_forget_hint')),
  ],
  'member.forget_requested': (_params, { t }) => [paragraph(t('notices:member.forget_requested'))],
  'member.forgotten': ({ ballotsKept }, { t }) => [paragraph(t('notices:member.forgotten', { ballots: ballotsKept, count: ballotsKept }))],
  // Only a building's or the community's group takes /issue: the others are told what comes to them instead.
  'chat.linked': ({ building, party, binding, community }, { t }) => [
    paragraph(
      t(
        binding === 'committee'
          ? 'notices:chat.linked_committee'
          : binding === 'party'
            ? 'notices:chat.linked_party'
            : binding === 'subdistrict'
              ? 'notices:chat.linked_subdistrict'
              : 'notices:chat.linked',
        { community, what: bindingTarget(t, binding, building, party) },
      ),
    ),
  ],
  'household.claimed': (params, { t }) => [paragraph(t('notices:household.claimed', params))],
  'code.exposed': ({ purpose }, { t }) => [
    paragraph(t(purpose === 'household_claim' ? 'notices:code.exposed_claim' : 'notices:code.exposed_link')),
  ],
  'code.exposure_reported': (report, { t }) => {
    const where = { by: report.by, chat: report.chat ?? t('labels:untitled_chat') };
    return [
      paragraph(
        report.purpose === 'household_claim'
          ? t('notices:code.exposure_reported_claim', { ...where, building: report.building, unit: report.unit })
          : t('notices:code.exposure_reported_link', { ...where, what: bindingTarget(t, report.binding, report.building, report.party) }),
      ),
    ];
  },
};
