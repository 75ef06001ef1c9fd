import type { Button, NoticeBody } from '../../engine/notices.js';
import type { TFunction } from '../../i18n/index.js';
import { type RenderedButton, renderNotice } from '../shared/render-text.js';

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

/** Rating and vote buttons sit side by side; the others one per row. */
function keyboard(buttons: RenderedButton[], kinds: Button[]): Array<Array<{ text: string; callback_data: string }>> {
  const rows: Array<Array<{ text: string; callback_data: string }>> = [];
  buttons.forEach((button, index) => {
    const inline = kinds[index]?.kind === 'rate' || kinds[index]?.kind === 'vote';
    const last = rows.at(-1);
    const cell = { text: button.label, callback_data: button.data };
    if (inline && last && last.length < 5 && kinds[index - 1]?.kind === kinds[index]?.kind) last.push(cell);
    else rows.push([cell]);
  });
  return rows;
}

export type TelegramMessage = { text: string; replyMarkup?: { inline_keyboard: Array<Array<{ text: string; callback_data: string }>> } };

/** A notice as Telegram messages: escaped HTML, split under 4,096 characters, the buttons on the last one. */
export function renderForTelegram(t: TFunction, notice: NoticeBody & { buttons?: Button[] }, timeZone: string): TelegramMessage[] {
  const rendered = renderNotice(t, notice, { timeZone });
  const parts = splitMessage(escapeHtml(rendered.text));
  return parts.map((text, index) =>
    index === parts.length - 1 && rendered.buttons.length > 0
      ? { text, replyMarkup: { inline_keyboard: keyboard(rendered.buttons, notice.buttons ?? []) } }
      : { text },
  );
}
