import { describe, expect, it } from 'vitest';
import { resolveLocale } from '../../src/engine/modules/membership/set-language.js';

describe('resolveLocale: the language an actor is answered in', () => {
  const group = { kind: 'group' as const, locale: null };
  const community = { locale: 'zh-CN' };

  it('is the member’s own choice first, whatever their app says', () => {
    expect(resolveLocale({ locale: 'zh-CN' }, group, community, 'en-US')).toBe('zh-CN');
  });

  it('else their app’s language (Telegram’s language_code, Slack’s locale), when yishi speaks it', () => {
    expect(resolveLocale({ locale: null }, group, community, 'en-US')).toBe('en');
    expect(resolveLocale({ locale: null }, { kind: 'group', locale: 'zh-CN' }, { locale: 'zh-CN' }, 'en')).toBe('en');
    expect(resolveLocale({ locale: null }, group, { locale: 'en' }, 'zh-hans')).toBe('zh-CN');
  });

  it('else the group’s, the community’s, then Chinese', () => {
    expect(resolveLocale({ locale: null }, group, { locale: 'en' }, 'ja-JP')).toBe('en');
    expect(resolveLocale({ locale: null }, { kind: 'group', locale: 'en' }, community, undefined)).toBe('en');
    expect(resolveLocale({ locale: null }, { kind: 'private', locale: 'en' }, null, undefined)).toBe('zh-CN');
  });
});
