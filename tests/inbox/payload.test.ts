import { fc, test } from '@fast-check/vitest';
import { describe, expect } from 'vitest';
import { parseStoredPayload, serialisePayload, storableText } from '../../src/inbox/payload.js';

/** What parseStoredPayload must equal: every string of the payload made storable, visited one by one. */
const everyStringMadeStorable = (text: string) =>
  JSON.parse(text, (_key, value: unknown) => (typeof value === 'string' ? storableText(value) : value));

// Strings of any UTF-16 code units, so that U+0000, lone surrogates and pairs all turn up; escapes typed as text too.
const anyText = fc.oneof(
  fc.string({ unit: 'binary' }),
  fc.string({ unit: fc.constantFrom('\u0000', '\uD83D', '\uDE00', 'a', '议', '\\', 'u', 'd', '8', '0') }),
);
const anyPayload = fc.json().map((json) => JSON.parse(json) as unknown);

describe('a stored payload read back', () => {
  test.prop([fc.dictionary(anyText, fc.oneof(anyText, anyPayload, fc.array(anyText)))], { numRuns: 500 })(
    'equals the payload with every string made storable, whatever it holds',
    (payload) => {
      const { payload: text } = serialisePayload(payload);
      expect(parseStoredPayload(text)).toEqual(everyStringMadeStorable(text));
    },
  );

  test.prop([anyText])('holds no U+0000 and no lone surrogate', (value) => {
    const parsed = parseStoredPayload(serialisePayload({ text: value }).payload) as { text: string };
    expect(parsed.text.includes('\u0000')).toBe(false);
    expect(parsed.text).not.toMatch(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/);
    expect(parsed.text.length).toBe(value.length);
  });

  test.prop([anyText])('reads JSON text written by others, literal characters included', (value) => {
    // A JSON string as another writer might put it: only what JSON text cannot hold escaped, surrogates kept literal.
    const escaped = (c: string) =>
      c < ' ' ? `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}` : c === '"' || c === '\\' ? `\\${c}` : c;
    const text = `{"text":"${Array.from(value, escaped).join('')}"}`;
    expect(parseStoredPayload(text)).toEqual(everyStringMadeStorable(text));
  });
});
