import type { Block, DocumentButton, RenderedDocument } from '../../render/index.js';

// A rendered notice as Slack Block Kit messages: plain objects typed here (no @slack/* import), which the Slack
// sender posts as `chat.postMessage({ channel, text, blocks })`, one message after another.

/** Slack's limits that shape the messages (https://docs.slack.dev/reference/block-kit/), with a margin where noted. */
export const slackLimits = {
  /** Blocks in one message. */
  blocksPerMessage: 50,
  /**
   * All of a message's blocks as JSON, in characters: Slack refuses about 13,000 and more; this keeps a margin.
   * Every block is kept under `blockJson` so that any block, or a text block and a row of buttons, fits one message.
   */
  blocksJson: 12_000,
  blockJson: 5_900,
  /** A section's mrkdwn text; the message's fallback `text` is kept as short. */
  sectionText: 3_000,
  fallbackText: 3_000,
  /** A header block's plain text. */
  headerText: 150,
  /** A button's label, and the buttons in one actions block. */
  buttonText: 75,
  actionsElements: 25,
  /** A context block's element text: no context block is made here, so nothing comes near it. */
  contextText: 2_000,
} as const;

export type SlackPlainText = { type: 'plain_text'; text: string };
export type SlackMrkdwn = { type: 'mrkdwn'; text: string; verbatim: true };
export type SlackButton = { type: 'button'; text: SlackPlainText; action_id: string; value: string };
export type SlackBlock =
  | { type: 'header'; text: SlackPlainText }
  | { type: 'section'; text: SlackMrkdwn }
  | { type: 'actions'; elements: SlackButton[] };

/** One message to post: its blocks, and `text`, the escaped mrkdwn fallback Slack shows in notifications. */
export type SlackMessage = { text: string; blocks: SlackBlock[] };

/**
 * Resident text made safe for mrkdwn: `&`, `<` and `>` as `&amp;`, `&lt;`, `&gt;`, which Slack decodes for display.
 *
 * Everything Slack makes *act* is a control sequence in angle brackets: a mention (`<@U123>`, `<!channel>`,
 * `<!subteam^S1>`), a channel (`<#C1>`), a link (`<https://x|label>`), a date (`<!date^…>`). With `<` and `>`
 * escaped no text can open or close one, and with `&` escaped no text can spell an escape of its own. The sections
 * made here also set `verbatim: true`, so Slack does not turn bare URLs, `#channel` names or `@here` into links or
 * mentions either.
 *
 * The formatting characters `*`, `_`, `~`, `` ` `` (and `>` quoting, which needs a literal `>`) are left alone, as
 * Slack's guidance says: they only change how a resident's text looks (bold, italic, struck, code), they can neither
 * notify anyone, link anywhere, nor hide text, and mrkdwn has no escape for them: neutralising them would mean
 * replacing characters residents typed with look-alikes (`snake_case`, `2*3`, `~5 楼`), changing what they wrote.
 */
export function escapeMrkdwn(text: string): string {
  return text.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;');
}

// ---- Units a cut may fall between ----------------------------------------------------------------------------

const graphemes = new Intl.Segmenter(undefined, { granularity: 'grapheme' });

/** A grapheme longer than this (a letter under hundreds of combining marks) is cut between code points instead. */
const longestGrapheme = 32;

/** Text as the pieces a cut may fall between: whole graphemes (an emoji with its modifiers, a letter with its accents). */
function* piecesOf(raw: string): Generator<string> {
  for (const { segment } of graphemes.segment(raw)) {
    if (segment.length <= longestGrapheme) yield segment;
    else yield* Array.from(segment);
  }
}

/** A piece escaped, with the characters it takes in the text and in the blocks' JSON (a `"` or a line break as two). */
type Unit = { text: string; json: number };

const jsonLength = (text: string): number => JSON.stringify(text).length - 2;

function unitsOf(raw: string): Unit[] {
  const units: Unit[] = [];
  for (const piece of piecesOf(raw)) {
    const text = escapeMrkdwn(piece);
    units.push({ text, json: jsonLength(text) });
  }
  return units;
}

/** Escaped mrkdwn as the pieces a cut may fall between: whole escapes (`&amp;`) and whole graphemes. */
function* escapedPiecesOf(escaped: string): Generator<string> {
  const parts = escaped.split(/(&(?:amp|lt|gt);)/);
  for (const [index, part] of parts.entries()) {
    if (index % 2 === 1) yield part;
    else yield* piecesOf(part);
  }
}

/** Escaped text within `max` UTF-16 units: cut between whole pieces, an ellipsis marking the cut. */
function truncateEscaped(escaped: string, max: number): string {
  if (escaped.length <= max) return escaped;
  let kept = '';
  for (const piece of escapedPiecesOf(escaped)) {
    if (kept.length + piece.length > max - 1) break;
    kept += piece;
  }
  return `${kept}…`;
}

/** Plain text within `max` UTF-16 units, cut between whole graphemes, an ellipsis marking the cut. */
function truncatePlain(raw: string, max: number): string {
  if (raw.length <= max) return raw;
  let kept = '';
  for (const piece of piecesOf(raw)) {
    if (kept.length + piece.length > max - 1) break;
    kept += piece;
  }
  return `${kept}…`;
}

// ---- Text blocks ---------------------------------------------------------------------------------------------

/** What a section holds at most, in escaped text and in its JSON (the rest of its block's JSON is under 100). */
const sectionBudget = { text: slackLimits.sectionText, json: slackLimits.blockJson - 100 };

/** A line in bold: the asterisks inside its spaces, which mrkdwn needs; a blank line as it is. */
function bold(line: string): string {
  const core = line.trim();
  if (core === '') return line;
  const start = line.indexOf(core);
  return `${line.slice(0, start)}*${core}*${line.slice(start + core.length)}`;
}

/**
 * Lines of plain text as the escaped texts of sections within the budget: as many whole lines as fit in each (the
 * line break between two sections is dropped); a line longer than a section is cut between graphemes, never inside
 * an escape, and its last piece goes on with the lines after it. In bold, every line is starred (two characters more).
 * A section of nothing but white space is left out: Slack may refuse it, and it holds nothing to read.
 */
function sectionTexts(lines: string[], options: { bold?: boolean } = {}): string[] {
  const extra = options.bold ? 2 : 0;
  const style = options.bold ? bold : (line: string) => line;
  const texts: string[] = [];
  let current: string[] = [];
  let text = 0;
  let json = 0;

  const flush = () => {
    const joined = current.join('\n');
    if (joined.trim() !== '') texts.push(joined);
    current = [];
    text = 0;
    json = 0;
  };
  // A line break between lines counts one character in the text and two in JSON.
  const fits = (lineText: number, lineJson: number) =>
    current.length === 0
      ? lineText <= sectionBudget.text && lineJson <= sectionBudget.json
      : text + 1 + lineText <= sectionBudget.text && json + 2 + lineJson <= sectionBudget.json;
  const add = (escaped: string, lineText: number, lineJson: number) => {
    if (current.length > 0) {
      text += 1;
      json += 2;
    }
    current.push(style(escaped));
    text += lineText;
    json += lineJson;
  };

  for (const line of lines) {
    const escaped = escapeMrkdwn(line);
    const lineText = escaped.length + extra;
    const lineJson = jsonLength(escaped) + extra;
    if (fits(lineText, lineJson)) {
      add(escaped, lineText, lineJson);
      continue;
    }
    flush();
    if (fits(lineText, lineJson)) {
      add(escaped, lineText, lineJson);
      continue;
    }
    // Longer than a whole section: in pieces as long as a section allows, the last one left open for what follows.
    let piece = '';
    let pieceText = extra;
    let pieceJson = extra;
    for (const unit of unitsOf(line)) {
      if (piece !== '' && (pieceText + unit.text.length > sectionBudget.text || pieceJson + unit.json > sectionBudget.json)) {
        add(piece, pieceText, pieceJson);
        flush();
        piece = '';
        pieceText = extra;
        pieceJson = extra;
      }
      piece += unit.text;
      pieceText += unit.text.length;
      pieceJson += unit.json;
    }
    add(piece, pieceText, pieceJson);
  }
  flush();
  return texts;
}

const section = (text: string): SlackBlock => ({ type: 'section', text: { type: 'mrkdwn', text, verbatim: true } });

/**
 * A document block as Slack blocks: a heading as a header (plain text, in which Slack parses no mention or link:
 * shown as typed), or as bold sections when longer than a header allows; a paragraph as sections of mrkdwn, cut at its line
 * breaks when long; a list as sections of its lines, "• item" or "1. item". Nothing blank becomes a block.
 */
function blocksOf(block: Block): SlackBlock[] {
  switch (block.kind) {
    case 'heading':
      if (block.text.trim() === '') return [];
      if (block.text.length <= slackLimits.headerText) return [{ type: 'header', text: { type: 'plain_text', text: block.text } }];
      return sectionTexts(block.text.split('\n'), { bold: true }).map(section);
    case 'paragraph':
      return sectionTexts(block.text.split('\n')).map(section);
    case 'list': {
      const lines = block.items.map((item, index) => (block.ordered ? `${index + 1}. ${item}` : `• ${item}`));
      return sectionTexts(lines.flatMap((line) => line.split('\n'))).map(section);
    }
  }
}

// ---- Buttons ---------------------------------------------------------------------------------------------------

/**
 * The buttons as actions blocks, one per row, a row of more than Slack allows in one block (or too long as JSON)
 * split over several. `value` is the button's id, which the Slack adapter decodes on a tap; `action_id` is the id
 * too, made unique in the notice as Slack requires within a message: a second button with the same id gets `id#2`.
 */
function actionsBlocks(rows: DocumentButton[][]): SlackBlock[] {
  const used = new Set<string>();
  const actionId = (id: string): string => {
    let candidate = id;
    for (let n = 2; used.has(candidate); n++) candidate = `${id}#${n}`;
    used.add(candidate);
    return candidate;
  };
  const blocks: SlackBlock[] = [];
  const budget = slackLimits.blockJson - 50;
  for (const row of rows) {
    let elements: SlackButton[] = [];
    let json = 0;
    for (const button of row) {
      const label = truncatePlain(button.label, slackLimits.buttonText);
      const element: SlackButton = {
        type: 'button',
        // Slack refuses an empty label; a label is never empty, but a button must never take its message down with it.
        text: { type: 'plain_text', text: label.trim() === '' ? '…' : label },
        action_id: actionId(button.id),
        value: button.id,
      };
      const size = JSON.stringify(element).length + 1;
      if (elements.length > 0 && (elements.length === slackLimits.actionsElements || json + size > budget)) {
        blocks.push({ type: 'actions', elements });
        elements = [];
        json = 0;
      }
      elements.push(element);
      json += size;
    }
    if (elements.length > 0) blocks.push({ type: 'actions', elements });
  }
  return blocks;
}

// ---- Messages --------------------------------------------------------------------------------------------------

/** The fallback text of a message: its text blocks' text escaped, or, with buttons only, their labels. */
function fallbackOf(blocks: SlackBlock[]): string {
  const texts: string[] = [];
  for (const block of blocks) {
    if (block.type === 'header') texts.push(escapeMrkdwn(block.text.text));
    else if (block.type === 'section') texts.push(block.text.text);
  }
  if (texts.length === 0) {
    for (const block of blocks)
      if (block.type === 'actions') texts.push(...block.elements.map((element) => escapeMrkdwn(element.text.text)));
  }
  return truncateEscaped(texts.join('\n'), slackLimits.fallbackText);
}

/** Blocks in messages within Slack's limits, in order: as many in each as fit. */
class Packer {
  readonly messages: SlackBlock[][] = [];
  private json = 0;

  /** Whether the block fits in the last message. */
  fits(block: SlackBlock): boolean {
    const last = this.messages.at(-1);
    if (!last) return false;
    return last.length < slackLimits.blocksPerMessage && this.json + 1 + JSON.stringify(block).length <= slackLimits.blocksJson;
  }

  add(block: SlackBlock): void {
    if (!this.fits(block)) this.start();
    this.messages.at(-1)!.push(block);
    this.json += JSON.stringify(block).length + 1;
  }

  /** A new message, empty or starting with the given blocks. */
  start(blocks: SlackBlock[] = []): void {
    this.messages.push([...blocks]);
    this.json = 1 + blocks.reduce((sum, block) => sum + JSON.stringify(block).length + 1, 0);
  }

  /** Takes the last block from the last message (which keeps at least one). */
  takeLast(): SlackBlock {
    const last = this.messages.at(-1)!;
    const block = last.pop()!;
    this.json -= JSON.stringify(block).length + 1;
    return block;
  }
}

/**
 * A rendered notice as Slack messages, to be posted in order: its blocks as header, section and actions blocks,
 * split over as many messages as Slack's limits need and nothing dropped, its buttons after all its text (on the
 * last message). Resident text is escaped (escapeMrkdwn), sections are `verbatim`. A document with nothing to
 * show gives no message at all.
 */
export function toBlockKit(document: RenderedDocument): SlackMessage[] {
  const packer = new Packer();
  for (const block of document.blocks.flatMap(blocksOf)) packer.add(block);
  const actions = actionsBlocks(document.buttons);
  const [firstRow] = actions;
  if (firstRow && packer.messages.length > 0 && !packer.fits(firstRow)) {
    // The buttons begin a message of their own: the text just before them goes with them, so that it has some. Two
    // blocks always fit together (each is under half the JSON limit), and the message they came from had two or more.
    packer.start([packer.takeLast()]);
  }
  for (const block of actions) packer.add(block);
  return packer.messages.filter((blocks) => blocks.length > 0).map((blocks) => ({ text: fallbackOf(blocks), blocks }));
}
