import type { TFunction } from '../i18n/index.js';

// Codes the engine stores (levels, statuses, roles, categories...) and the keys of their names in each language.
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

const labelsByLanguage = new WeakMap<TFunction, Map<string, string>>();

/** A stored code by its name in the reader's language; anything else (a name as typed) as it is; nothing as "-". */
export function label(t: TFunction, value: string | null | undefined): string {
  if (!value) return '-';
  const key = Object.hasOwn(labelKeys, value) ? labelKeys[value] : undefined;
  if (!key) return value;
  let known = labelsByLanguage.get(t);
  if (!known) {
    known = new Map<string, string>();
    labelsByLanguage.set(t, known);
  }
  let name = known.get(key);
  if (name === undefined) {
    name = t(key);
    known.set(key, name);
  }
  return name;
}

/** What a chat speaks for, or would have: its building or party by name, else the binding's label. */
export function bindingTarget(t: TFunction, binding: string, building: string | null, party: string | null): string {
  const key = Object.hasOwn(bindingKeys, binding) ? bindingKeys[binding] : undefined;
  return building ?? party ?? (key ? t(key) : label(t, binding));
}

/** An issue's or poll's scope: its building, or the whole community. */
export function scopeOf(t: TFunction, building: string | null): string {
  return building ?? t('labels:scope.community');
}

/** Whether a quorum or threshold was reached. */
export function yesNo(t: TFunction, value: boolean): string {
  return t(value ? 'labels:met' : 'labels:not_met');
}

/** Several values in one line, with the language's separator ("; " or "；"). */
export function joined(t: TFunction, values: string[]): string {
  return values.join(t('labels:list_separator'));
}
