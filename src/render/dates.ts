import type { TFunction } from '../i18n/index.js';

/** An instant (ISO string) as a date and time in the reader's language and the community's time zone. */
export function date(t: TFunction, iso: string, timeZone: string): string {
  return t('labels:date', { value: new Date(iso), formatParams: { value: { dateStyle: 'medium', timeStyle: 'short', timeZone } } });
}
