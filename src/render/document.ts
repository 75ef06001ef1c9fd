import type { Button } from '../engine/notices.js';

/**
 * A notice rendered in one language, before any platform's markup: blocks of plain text, top to bottom, and rows of
 * buttons. Everything is plain text, much of it as a resident typed it: each adapter escapes it for its own format.
 * Every text is one whole translated message (word order and punctuation differ between languages), never glued
 * together from fragments here.
 */
export type RenderedDocument = { blocks: Block[]; buttons: DocumentButton[][] };

export type Block =
  /** What the lines under it are about: "Open issues…", a poll's result heading, a digest's title or one of its sections. */
  | { kind: 'heading'; text: string }
  /** One message; it may hold line breaks of its own (an issue's text as typed, under its header line). */
  | { kind: 'paragraph'; text: string }
  /** Entries of the same kind, one per line: listed issues, a poll's options or counts, units by building. */
  | { kind: 'list'; items: string[]; ordered?: boolean };

/**
 * A button as shown: `id` is its stable encoded id (engine/buttons.ts), which the platform carries back on a tap;
 * `kind` lets a platform style it.
 */
export type DocumentButton = { id: string; label: string; kind: Button['kind'] };

export const heading = (text: string): Block => ({ kind: 'heading', text });
export const paragraph = (text: string): Block => ({ kind: 'paragraph', text });
export const list = (items: string[], options: { ordered?: boolean } = {}): Block => ({
  kind: 'list',
  items,
  ...(options.ordered ? { ordered: true } : {}),
});

/** The items of a list as the lines they read as: "1. 要" for an ordered list. */
export function listLines(block: Extract<Block, { kind: 'list' }>): string[] {
  return block.ordered ? block.items.map((item, index) => `${index + 1}. ${item}`) : block.items;
}

/** A block as the lines of plain text it reads as; an empty list reads as nothing. */
export function blockLines(block: Block): string[] {
  switch (block.kind) {
    case 'heading':
    case 'paragraph':
      return [block.text];
    case 'list':
      return listLines(block);
  }
}

/** The document as plain text, one block after another on lines of their own (buttons are not text). */
export function documentToText(document: RenderedDocument): string {
  return document.blocks.flatMap(blockLines).join('\n');
}
