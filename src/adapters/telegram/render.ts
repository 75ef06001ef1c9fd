import { documentToText, type RenderedDocument } from '../../render/index.js';

export const telegramMaxText = 4096;

/** Everything in a notice is plain text, much of it typed by residents: escaped for Telegram's HTML parse mode. */
export function escapeHtml(text: string): string {
  return text.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;');
}

/**
 * Splits text into messages under Telegram's limit, at line boundaries where it can, never inside an HTML entity
 * (the text is already escaped) and never inside a surrogate pair.
 */
export function splitMessage(text: string, max = telegramMaxText): string[] {
  if (text.length <= max) return [text];
  const parts: string[] = [];
  let current: string | null = null;
  for (const line of text.split('\n')) {
    const candidate: string = current === null ? line : `${current}\n${line}`;
    if (candidate.length <= max) {
      current = candidate;
      continue;
    }
    if (current !== null) parts.push(current);
    current = line;
    while (current.length > max) {
      let cut = max;
      const amp = current.lastIndexOf('&', cut);
      if (amp > cut - 6 && current.indexOf(';', amp) >= cut) cut = amp;
      if (/[\uD800-\uDBFF]/.test(current[cut - 1] ?? '')) cut -= 1;
      // A limit smaller than one entity or character: cut where the limit says rather than never finish.
      if (cut <= 0) cut = max;
      parts.push(current.slice(0, cut));
      current = current.slice(cut);
    }
  }
  if (current !== null) parts.push(current);
  return parts;
}

type InlineKeyboard = Array<Array<{ text: string; callback_data: string }>>;

export type TelegramMessage = { text: string; replyMarkup?: { inline_keyboard: InlineKeyboard } };

/**
 * A rendered notice as Telegram messages: its plain text escaped for the HTML parse mode, split under 4,096
 * characters, and its button rows as an inline keyboard (each id as the callback data) on the last message.
 */
export function telegramMessages(document: RenderedDocument): TelegramMessage[] {
  const parts = splitMessage(escapeHtml(documentToText(document)));
  const keyboard: InlineKeyboard = document.buttons.map((row) => row.map((button) => ({ text: button.label, callback_data: button.id })));
  return parts.map((text, index) =>
    index === parts.length - 1 && keyboard.length > 0 ? { text, replyMarkup: { inline_keyboard: keyboard } } : { text },
  );
}
