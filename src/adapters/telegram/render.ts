import { documentToText, type RenderedDocument } from '../../render/index.js';

export const telegramMaxText = 4096;

/** Everything in a notice is plain text, much of it typed by residents: escaped for Telegram's HTML parse mode. */
export function escapeHtml(text: string): string {
  return text.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;');
}

// An HTML entity as Telegram parses it: one character (two UTF-16 units for a numeric one beyond the BMP).
const entityPattern = /&(?:#(\d{1,7})|#[xX]([\da-fA-F]{1,6})|[a-zA-Z][a-zA-Z\d]{1,31});/y;

/**
 * The escaped text as the units a cut may fall between: `ends[i]` is where unit i ends in the text, `lengths[i]` how
 * long Telegram counts it (an entity as the character it stands for, a surrogate pair as two UTF-16 units).
 */
function unitsOf(text: string): { ends: number[]; lengths: number[]; newline: boolean[] } {
  const ends: number[] = [];
  const lengths: number[] = [];
  const newline: boolean[] = [];
  let at = 0;
  while (at < text.length) {
    let end = at + 1;
    let length = 1;
    if (text[at] === '&') {
      entityPattern.lastIndex = at;
      const entity = entityPattern.exec(text);
      if (entity) {
        end = at + entity[0].length;
        const codePoint = entity[1] ? Number(entity[1]) : entity[2] ? Number.parseInt(entity[2], 16) : 0;
        length = codePoint > 0xffff ? 2 : 1;
      }
    } else if (/[\uD800-\uDBFF]/.test(text[at]!) && /[\uDC00-\uDFFF]/.test(text[at + 1] ?? '')) {
      end = at + 2;
      length = 2;
    }
    ends.push(end);
    lengths.push(length);
    newline.push(text[at] === '\n');
    at = end;
  }
  return { ends, lengths, newline };
}

/**
 * Splits escaped HTML text into messages within Telegram's limit as Telegram counts it: the text after entity parsing
 * (`&lt;` is one character), in UTF-16 code units. Never inside an entity or a surrogate pair. In as few messages as
 * the text allows, cut at line boundaries (the line break is dropped); a line longer than a whole message is cut
 * where the limit falls, and when that saves a message its first piece goes on after the lines before it rather than
 * leaving those alone (a one-line header as a message of its own). A part of nothing but white space is left out.
 */
export function splitMessage(text: string, max = telegramMaxText): string[] {
  const { ends, lengths, newline } = unitsOf(text);
  const n = lengths.length;
  // sum[i]: the counted length of units 0..i-1; a part of units s..p-1 counts sum[p] - sum[s].
  const sum = [0];
  for (const length of lengths) sum.push(sum.at(-1)! + length);
  if (sum[n]! <= max) return [text];
  // lineOf[i]: the start and end (its line break, or n) of unit i's line; a cut inside a line only if it is overlong.
  const lineStart: number[] = [];
  const lineEnd: number[] = [];
  for (let i = 0, start = 0; i < n; i++) {
    lineStart.push(start);
    if (newline[i]) start = i + 1;
  }
  for (let i = n - 1, end = n; i >= 0; i--) {
    if (newline[i]) end = i;
    lineEnd[i] = end;
  }
  const lastBreak: number[] = [];
  for (let i = 0, last = -1; i < n; i++) {
    if (newline[i]) last = i;
    lastBreak.push(last);
  }
  const overlong = (i: number) => sum[lineEnd[i]!]! - sum[lineStart[i]!]! > max;
  const next = (p: number) => (p < n && newline[p] ? p + 1 : p);

  /** The last place a part from unit s may end: the end, a line break, or inside an overlong line. */
  function farthest(s: number): number {
    if (sum[n]! - sum[s]! <= max) return n;
    let low = s + 1;
    let high = n;
    while (low < high) {
      const middle = Math.ceil((low + high) / 2);
      if (sum[middle]! - sum[s]! <= max) low = middle;
      else high = middle - 1;
    }
    const q = low; // at least one unit, even one longer than a limit smaller than itself
    if (newline[q] || (overlong(q) && q > lineStart[q]!)) return q;
    const lineBreak = lastBreak[q]!;
    return lineBreak > s ? lineBreak : q;
  }
  /** How many messages the text from unit s needs at least, each as full as it can be. */
  function partsFrom(s: number): number {
    let count = 0;
    for (let at = s; at < n; at = next(farthest(at))) count += 1;
    return count;
  }

  const parts: string[] = [];
  let s = 0;
  while (s < n) {
    const end = farthest(s);
    let cut = end;
    if (end < n && !newline[end]) {
      // Inside an overlong line: the line break before it instead, unless that costs a message.
      const lineBreak = lastBreak[end]!;
      if (lineBreak > s && partsFrom(lineBreak + 1) <= partsFrom(s) - 1) cut = lineBreak;
    }
    const part = text.slice(s === 0 ? 0 : ends[s - 1]!, cut === 0 ? 0 : ends[cut - 1]!);
    // Telegram refuses a message with nothing but white space (blank lines between two cuts).
    if (part.trim() !== '') parts.push(part);
    s = next(cut);
  }
  return parts;
}

type InlineKeyboard = Array<Array<{ text: string; callback_data: string }>>;

export type TelegramMessage = { text: string; replyMarkup?: { inline_keyboard: InlineKeyboard } };

/**
 * A rendered notice as Telegram messages: its plain text escaped for the HTML parse mode, split under 4,096
 * characters as Telegram counts them, and its button rows as an inline keyboard (each id as the callback data) on the last message.
 */
export function telegramMessages(document: RenderedDocument): TelegramMessage[] {
  const parts = splitMessage(escapeHtml(documentToText(document)));
  const keyboard: InlineKeyboard = document.buttons.map((row) => row.map((button) => ({ text: button.label, callback_data: button.id })));
  return parts.map((text, index) =>
    index === parts.length - 1 && keyboard.length > 0 ? { text, replyMarkup: { inline_keyboard: keyboard } } : { text },
  );
}
