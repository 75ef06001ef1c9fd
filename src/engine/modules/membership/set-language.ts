import { DomainError } from '../../../core/errors.js';
import type { Chat, Community, Member } from '../../../db/generated/client.js';
import type { CommandContext } from '../../context.js';
import { reply } from '../../context.js';

const aliases: Record<string, string> = {
  'zh-cn': 'zh-CN',
  zh: 'zh-CN',
  cn: 'zh-CN',
  'zh-hans': 'zh-CN',
  中文: 'zh-CN',
  en: 'en',
  'en-us': 'en',
  'en-gb': 'en',
  english: 'en',
};

export const supportedLocales = ['zh-CN', 'en'];

/** Maps what members type (`zh`, `中文`, `EN`) to a supported locale, or null. */
export function parseLocale(typed: string): string | null {
  return aliases[typed.trim().toLowerCase()] ?? null;
}

/** `/lang <zh-CN|en>`: the member's own language, whatever the community's. Emits member.language_set; throws locale_unsupported. */
export async function setLanguage(ctx: CommandContext, action: { locale: string }): Promise<void> {
  const locale = parseLocale(action.locale);
  if (!locale) throw new DomainError('locale_unsupported', { given: action.locale, supported: supportedLocales.join(', ') });
  await ctx.tx.member.update({ where: { id: ctx.member.id }, data: { locale } });
  ctx.locale = locale;
  reply(ctx, { type: 'member.language_set', params: { locale } });
}

/**
 * The language to answer an actor in: the one they chose (/language), else their app's (Telegram's language_code,
 * Slack's locale) when yishi speaks it, else the group's, the community's, else zh-CN.
 */
export function resolveLocale(
  member: Pick<Member, 'locale'>,
  chat: Pick<Chat, 'kind' | 'locale'>,
  community: Pick<Community, 'locale'> | null,
  languageHint: string | undefined,
): string {
  return (
    member.locale ??
    (languageHint ? parseLocale(languageHint.split('-')[0]!) : null) ??
    (chat.kind === 'group' ? chat.locale : null) ??
    community?.locale ??
    'zh-CN'
  );
}
