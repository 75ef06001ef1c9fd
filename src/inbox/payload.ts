// How inbound payloads are kept and read back. Platforms deliver any Unicode: U+0000 and lone UTF-16 surrogates
// included, which PostgreSQL refuses in text and jsonb values. JSON text escapes both (`\u0000`, `\ud800`), so the
// payload is stored exactly as JSON text; what the engine sees is the same payload with those characters replaced,
// so nothing it writes can be refused for them.

const keptDepth = 32;
const tooDeep = '[nested too deep]';

/**
 * The payload as JSON text. One nested too deeply to serialise is kept cut off below 32 levels (no platform's
 * meaningful fields are deeper), with the reason: the caller sets it aside as a dead letter an operator can read.
 */
export function serialisePayload(payload: unknown): { payload: string; error?: string } {
  try {
    return { payload: JSON.stringify(payload) ?? 'null' };
  } catch (error) {
    return { payload: JSON.stringify(cutOff(payload, 0)), error: `unrecordable: ${String(error)}`.slice(0, 2_000) };
  }
}

function cutOff(value: unknown, depth: number): unknown {
  if (value === null || typeof value !== 'object') return value;
  if (depth >= keptDepth) return tooDeep;
  if (Array.isArray(value)) return value.map((item) => cutOff(item, depth + 1));
  return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, cutOff(item, depth + 1)]));
}

// A lone high surrogate (no low one after it) or a lone low surrogate (no high one before it).
const loneSurrogate = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/** Text any database column and any platform accepts: U+0000 and lone surrogates become U+FFFD, the rest is kept. */
export function storableText(text: string): string {
  return text.replaceAll('\u0000', '\uFFFD').replace(loneSurrogate, '\uFFFD');
}

// An escape of U+0000 or of any surrogate in JSON text (which cannot hold U+0000 unescaped).
const unstorableEscape = /\\u(?:0000|[dD][89a-fA-F])/;
const holdsLoneSurrogate = new RegExp(loneSurrogate.source);

/** A stored payload, parsed, with every string made storable. Throws on text that is not JSON. */
export function parseStoredPayload(text: string): unknown {
  // Text with nothing to replace, neither the character nor its escape (nearly every payload), parses without a
  // reviver, which visits every value and is about three times slower.
  if (!unstorableEscape.test(text) && !holdsLoneSurrogate.test(text)) return JSON.parse(text);
  return JSON.parse(text, (_key, value: unknown) => (typeof value === 'string' ? storableText(value) : value));
}
