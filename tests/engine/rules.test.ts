import { describe, expect, it } from 'vitest';
import { categorise, defaultCategories } from '../../src/engine/modules/issues/categories.js';
import { nextLevel, startingLevel } from '../../src/engine/modules/issues/levels.js';
import { findSimilar, similarity, tokens } from '../../src/engine/modules/issues/similarity.js';
import { householdsNeeded } from '../../src/engine/modules/issues/thresholds.js';
import { generateCode, hashCode, normaliseCode } from '../../src/engine/modules/membership/codes.js';
import { parseLocale } from '../../src/engine/modules/membership/set-language.js';
import { parseSupportThreshold } from '../../src/engine/modules/setup/configure-community.js';

describe('similarity', () => {
  it.each([
    ['1栋电梯坏了', '1栋的电梯又坏了', true],
    ['电梯坏了三天了没人修', '电梯坏了好几天没人来修', true],
    ['The lift in building 3 is broken again', 'lift broken in building 3', true],
    ['楼下垃圾没人清理，很臭', '电梯坏了', false],
    ['parking spaces are full every night', 'the lift is broken', false],
    ['', '电梯坏了', false],
  ])('%s ~ %s: %s', (a, b, similar) => {
    expect(similarity(a, b) >= 0.5).toBe(similar);
  });

  it('is symmetric and 1 for the same text', () => {
    expect(similarity('电梯坏了', '电梯坏了')).toBe(1);
    expect(similarity('小区门口停车难', '门口停车太难了')).toBe(similarity('门口停车太难了', '小区门口停车难'));
  });

  it('ranks the closest candidates first and leaves out the rest', () => {
    const candidates = [
      { number: 1, text: '楼道灯坏了' },
      { number: 2, text: '电梯坏了三天' },
      { number: 3, text: '电梯坏了' },
    ];
    expect(findSimilar('电梯坏了', candidates, 0.5).map((c) => c.number)).toEqual([3, 2]);
  });

  it('compares a candidate by the tokens stored with it, and by its text when it has none', () => {
    const candidates = [
      { number: 1, text: '楼道灯坏了', tokens: [...tokens('电梯坏了')] },
      { number: 2, text: '电梯坏了', tokens: [] },
      { number: 3, text: '电梯坏了', tokens: [...tokens('楼道灯坏了')] },
    ];
    expect(findSimilar('电梯坏了', candidates, 0.9).map((c) => c.number)).toEqual([1, 2]);
  });
});

describe('categorise', () => {
  const table = defaultCategories.map((c) => ({ code: c.code, keywords: [...c.keywords['zh-CN'], ...c.keywords.en] }));
  it.each([
    ['电梯坏了', 'facilities'],
    ['楼下垃圾堆积有异味', 'sanitation'],
    ['The lift is broken', 'facilities'],
    ['晚上广场舞噪音太大', 'noise'],
    ['Cars block the parking lane', 'parking'],
    ['我们想办一个读书会', null],
  ])('%s → %s', (text, code) => {
    expect(categorise(text, table)).toBe(code);
  });
});

describe('householdsNeeded', () => {
  it.each([
    [{ kind: 'count' as const, value: 5 }, 40, 5],
    [{ kind: 'count' as const, value: '1' }, 0, 1],
    [{ kind: 'share' as const, value: '0.1' }, 23, 3],
    [{ kind: 'share' as const, value: '0.1' }, 20, 2],
    [{ kind: 'share' as const, value: '0.3333' }, 3, 1],
    [{ kind: 'share' as const, value: '0.5' }, 7, 4],
    [{ kind: 'share' as const, value: '0.05' }, 0, 1],
  ])('%o of %i households → %i', (threshold, households, needed) => {
    expect(householdsNeeded(threshold, households)).toBe(needed);
  });
});

describe('levels', () => {
  it('climbs building → resident group → representatives → joint meeting, and stops there', () => {
    expect(nextLevel('building')).toBe('resident_group');
    expect(nextLevel('resident_group')).toBe('representatives');
    expect(nextLevel('representatives')).toBe('joint_meeting');
    expect(nextLevel('joint_meeting')).toBeNull();
  });

  it('starts a building issue at the building and a community-wide one at the resident group', () => {
    expect(startingLevel({ buildingId: 3 })).toBe('building');
    expect(startingLevel({ buildingId: null })).toBe('resident_group');
  });
});

describe('codes', () => {
  it('are 8 unambiguous characters, and typing them back in another case or spacing gives the same hash', () => {
    const code = generateCode();
    expect(code).toMatch(/^[2-9A-HJ-NP-Z]{4}-[2-9A-HJ-NP-Z]{4}$/);
    expect(hashCode(code.toLowerCase().replace('-', ' '))).toBe(hashCode(code));
    expect(normaliseCode(' k7m2-q9tx ')).toBe('K7M2Q9TX');
    expect(new Set(Array.from({ length: 200 }, generateCode)).size).toBe(200);
  });
});

describe('parseLocale', () => {
  it.each([
    ['zh-CN', 'zh-CN'],
    ['zh', 'zh-CN'],
    ['中文', 'zh-CN'],
    ['EN', 'en'],
    ['english', 'en'],
    ['fr', null],
  ])('%s → %s', (typed, locale) => {
    expect(parseLocale(typed)).toBe(locale);
  });
});

describe('parseSupportThreshold', () => {
  it.each([
    ['5', 'count', '5'],
    ['12', 'count', '12'],
    ['10%', 'share', '0.1'],
    ['33.33%', 'share', '0.3333'],
    ['100%', 'share', '1'],
  ])('%s → %s %s', (typed, kind, value) => {
    expect(parseSupportThreshold(typed)).toEqual({ kind, value: expect.objectContaining({}) });
    expect(parseSupportThreshold(typed)?.value.toString()).toBe(value);
  });

  it.each(['0', '0%', '101%', '-3', 'five', '5.5', ''])('refuses %s', (typed) => {
    expect(parseSupportThreshold(typed)).toBeNull();
  });
});
