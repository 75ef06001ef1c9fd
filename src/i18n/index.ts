import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import i18next, { type i18n, type TFunction } from 'i18next';

export const supportedLocales = ['zh-CN', 'en'] as const;
export type Locale = (typeof supportedLocales)[number];
export const defaultLocale: Locale = 'zh-CN';
export type { TFunction };

export const localesDir = fileURLToPath(new URL('../../locales/', import.meta.url));

export type Resources = Record<Locale, Record<string, Record<string, unknown>>>;

/** Every namespace file of every supported locale: locales/<locale>/<namespace>.json. */
export function loadResources(dir = localesDir): Resources {
  const resources = {} as Resources;
  for (const locale of supportedLocales) {
    resources[locale] = {};
    for (const file of readdirSync(path.join(dir, locale)).filter((name) => name.endsWith('.json'))) {
      resources[locale][file.slice(0, -'.json'.length)] = JSON.parse(readFileSync(path.join(dir, locale, file), 'utf8'));
    }
  }
  return resources;
}

/** A ready i18next instance over all locales; synchronous because the resources are already in memory. */
export function createI18n(resources: Resources = loadResources()): i18n {
  const instance = i18next.createInstance();
  void instance.init({
    resources,
    initAsync: false,
    lng: defaultLocale,
    fallbackLng: false,
    supportedLngs: [...supportedLocales],
    ns: Object.keys(resources[defaultLocale]),
    defaultNS: 'common',
    // Notices are rendered per platform, each escaping for its own markup.
    interpolation: { escapeValue: false },
    returnNull: false,
  });
  // A renderer asks for a language's t once per message; the same function each time lets what it looked up and
  // rendered be kept (`label`'s cache, and `remembered`).
  const fixed = new Map<string, TFunction>();
  const getFixedT = instance.getFixedT.bind(instance);
  instance.getFixedT = ((lng: string | readonly string[] | null, ...rest: unknown[]) => {
    if (typeof lng !== 'string' || rest.length > 0) return (getFixedT as (...args: unknown[]) => TFunction)(lng, ...rest);
    let t = fixed.get(lng);
    if (!t) {
      t = remembered(getFixedT(lng));
      fixed.set(lng, t);
    }
    return t;
  }) as typeof instance.getFixedT;
  return instance;
}

/**
 * A language's t that keeps what it rendered, by key and values: an /issues answer renders twenty lines, mostly the
 * same ones as the answer before, and i18next takes about 25 µs for each (interpolation, plural rules). Bounded; the
 * resources do not change once loaded.
 */
function remembered(t: TFunction): TFunction {
  const rendered = new Map<string, unknown>();
  const render = t as unknown as (...args: unknown[]) => unknown;
  return ((key: unknown, options?: unknown, ...rest: unknown[]) => {
    if (typeof key !== 'string' || rest.length > 0 || (options !== undefined && (typeof options !== 'object' || options === null)))
      return render(key, options, ...rest);
    const id = options === undefined ? key : `${key}\u0000${JSON.stringify(options)}`;
    let text = rendered.get(id);
    if (text === undefined) {
      text = render(key, options);
      if (rendered.size >= 10_000) rendered.clear();
      rendered.set(id, text);
    }
    return text;
  }) as unknown as TFunction;
}

export function isLocale(value: string): value is Locale {
  return (supportedLocales as readonly string[]).includes(value);
}

/**
 * The language for operators at a terminal: YISHI_LOCALE if set, else the POSIX locale (zh_CN.UTF-8 gives zh-CN),
 * else English.
 */
export function operatorLocale(env: NodeJS.ProcessEnv = process.env): Locale {
  for (const raw of [env.YISHI_LOCALE, env.LC_ALL, env.LC_MESSAGES, env.LANG]) {
    if (!raw) continue;
    const tag = raw.split('.')[0]?.replace('_', '-') ?? '';
    if (isLocale(tag)) return tag;
    if (/^zh/i.test(tag)) return 'zh-CN';
    if (/^en/i.test(tag)) return 'en';
  }
  return 'en';
}
