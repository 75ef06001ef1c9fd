import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createI18n, defaultLocale, loadResources, operatorLocale, supportedLocales } from '../../src/i18n/index.js';

const resources = loadResources();

function flatten(value: unknown, prefix = ''): Map<string, string> {
  const out = new Map<string, string>();
  if (typeof value === 'string') out.set(prefix, value);
  else if (value && typeof value === 'object') {
    for (const [key, inner] of Object.entries(value)) {
      for (const [k, v] of flatten(inner, prefix ? `${prefix}.${key}` : key)) out.set(k, v);
    }
  }
  return out;
}

function keysOf(locale: (typeof supportedLocales)[number]): Map<string, string> {
  const all = new Map<string, string>();
  for (const [namespace, tree] of Object.entries(resources[locale])) {
    for (const [key, text] of flatten(tree)) all.set(`${namespace}:${key}`, text);
  }
  return all;
}

const placeholders = (text: string) => [...text.matchAll(/\{\{\s*([\w.]+)[^}]*\}\}/g)].map((match) => match[1]).sort();

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    if (name === 'generated') return [];
    return statSync(full).isDirectory() ? sourceFiles(full) : full.endsWith('.ts') ? [full] : [];
  });
}

// i18next's plural forms: `key_one`, `key_other`... are chosen by the `count` option, falling back to `key` itself.
const pluralSuffix = /_(?:zero|one|two|few|many|other)$/;
const baseKey = (key: string) => key.replace(pluralSuffix, '');

describe('locales', () => {
  const byLocale = Object.fromEntries(supportedLocales.map((locale) => [locale, keysOf(locale)]));

  it.each(supportedLocales.flatMap((a) => supportedLocales.filter((b) => b !== a).map((b) => [a, b])))(
    'every key in %s is also in %s (a plural form as the same key)',
    (from, to) => {
      const bases = new Set([...byLocale[to]!.keys()].map(baseKey));
      const missing = [...byLocale[from]!.keys()].filter((key) => !bases.has(baseKey(key)));
      expect(missing).toEqual([]);
    },
  );

  it("gives a key in plural forms every form of each language's plural rules", () => {
    const incomplete: string[] = [];
    for (const locale of supportedLocales) {
      const keys = byLocale[locale]!;
      const categories = new Intl.PluralRules(locale).resolvedOptions().pluralCategories;
      for (const key of keys.keys()) {
        if (!pluralSuffix.test(key)) continue;
        for (const category of categories)
          if (!keys.has(`${baseKey(key)}_${category}`)) incomplete.push(`${locale} ${baseKey(key)}_${category}`);
      }
    }
    expect([...new Set(incomplete)]).toEqual([]);
  });

  it('pluralises English counts of things (never "1 households" or "ballot(s)")', () => {
    const en = byLocale.en!;
    const unpluralised = [...en].filter(
      ([key, text]) =>
        key.startsWith('notices:') && !pluralSuffix.test(key) && /\(s\)|\}\} (?:households|days|raters|ballots)\b/.test(text),
    );
    expect(unpluralised.map(([key]) => key)).toEqual([]);
  });

  it('has no empty text', () => {
    for (const locale of supportedLocales) {
      expect([...byLocale[locale]!].filter(([, text]) => text.trim() === '').map(([key]) => `${locale} ${key}`)).toEqual([]);
    }
  });

  it('uses the same placeholders for a key in every locale (and in each of its plural forms)', () => {
    const mismatched: string[] = [];
    for (const [key, text] of byLocale[defaultLocale]!) {
      for (const locale of supportedLocales) {
        for (const [otherKey, other] of byLocale[locale]!) {
          if (baseKey(otherKey) === baseKey(key) && placeholders(other).join() !== placeholders(text).join())
            mismatched.push(`${locale} ${otherKey}`);
        }
      }
    }
    expect(mismatched).toEqual([]);
  });

  it('has every key the source code asks for', () => {
    const srcDir = path.resolve(import.meta.dirname, '../../src');
    const namespaces = Object.keys(resources[defaultLocale]).join('|');
    const keyLiteral = new RegExp(`['"\`]((?:${namespaces}):[a-z_][\\w.-]*)['"\`]`, 'g');
    const used = new Set<string>();
    for (const file of sourceFiles(srcDir)) {
      for (const match of readFileSync(file, 'utf8').matchAll(keyLiteral)) used.add(match[1]!);
    }
    expect(used.size).toBeGreaterThan(10);
    for (const locale of supportedLocales) {
      const keys = byLocale[locale]!;
      const missing = [...used].filter((key) => !keys.has(key) && !keys.has(`${key}_other`));
      expect(missing).toEqual([]);
    }
  });
});

describe('createI18n', () => {
  it('renders a message in each locale with its parameters', () => {
    const i18n = createI18n();
    expect(i18n.getFixedT('en')('operator:errors.port_in_use', { port: 3000 })).toContain('Port 3000 is already in use');
    expect(i18n.getFixedT('zh-CN')('operator:errors.port_in_use', { port: 3000 })).toContain('端口 3000 已被占用');
  });
});

describe('operatorLocale', () => {
  it.each([
    [{ YISHI_LOCALE: 'zh-CN' }, 'zh-CN'],
    [{ LANG: 'zh_CN.UTF-8' }, 'zh-CN'],
    [{ LANG: 'zh_TW.UTF-8' }, 'zh-CN'],
    [{ LANG: 'en_GB.UTF-8' }, 'en'],
    [{ LC_ALL: 'C.UTF-8', LANG: 'zh_CN.UTF-8' }, 'zh-CN'],
    [{ YISHI_LOCALE: 'en', LANG: 'zh_CN.UTF-8' }, 'en'],
    [{}, 'en'],
  ])('%o gives %s', (env, expected) => {
    expect(operatorLocale(env)).toBe(expected);
  });
});
