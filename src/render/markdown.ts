import type { RenderedDocument } from './document.js';
import { listLines } from './document.js';

/** A rendered document as Markdown, for documents people file rather than chat messages (exported minutes). */
export function documentToMarkdown(document: RenderedDocument, title: string): string {
  const literal = (text: string) => text.replace(/([\\`*_[\]<>#|])/g, '\\$1');
  const lines = [`# ${literal(title)}`, ''];
  for (const block of document.blocks) {
    if (block.kind === 'heading') lines.push(`## ${literal(block.text)}`, '');
    else if (block.kind === 'paragraph') lines.push(...block.text.split('\n').map((line) => `${literal(line)}  `), '');
    else if (block.items.length > 0)
      lines.push(...listLines(block).map((line) => (block.ordered ? literal(line) : `- ${literal(line)}`)), '');
  }
  return `${lines.join('\n').trimEnd()}\n`;
}
