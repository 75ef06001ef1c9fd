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

describe('locales', () => {
  const byLocale = Object.fromEntries(supportedLocales.map((locale) => [locale, keysOf(locale)]));

  it.each(supportedLocales.flatMap((a) => supportedLocales.filter((b) => b !== a).map((b) => [a, b])))(
    'every key in %s is also in %s',
    (from, to) => {
      const missing = [...byLocale[from]!.keys()].filter((key) => !byLocale[to]!.has(key));
      expect(missing).toEqual([]);
    },
  );

  it('has no empty text', () => {
    for (const locale of supportedLocales) {
      expect([...byLocale[locale]!].filter(([, text]) => text.trim() === '').map(([key]) => `${locale} ${key}`)).toEqual([]);
    }
  });

  it('uses the same placeholders for a key in every locale', () => {
    const mismatched: string[] = [];
    for (const [key, text] of byLocale[defaultLocale]!) {
      for (const locale of supportedLocales) {
        const other = byLocale[locale]!.get(key);
        if (other !== undefined && placeholders(other).join() !== placeholders(text).join()) mismatched.push(`${locale} ${key}`);
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
    const missing = [...used].filter((key) => !byLocale[defaultLocale]!.has(key));
    expect(missing).toEqual([]);
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
