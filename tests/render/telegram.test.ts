import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { escapeHtml, splitMessage, telegramMaxText, telegramMessages } from '../../src/adapters/telegram/render.js';
import type { Button, IssueSummary, NoticeBody } from '../../src/engine/notices.js';
import { createI18n, type TFunction } from '../../src/i18n/index.js';
import { type RenderedDocument, renderNotice } from '../../src/render/index.js';

const t = createI18n().getFixedT('zh-CN');
const timeZone = 'Asia/Shanghai';

/** What the Telegram sender does with a notice: render it in the chat's language, then turn the document into messages. */
const renderForTelegram = (translate: TFunction, notice: NoticeBody & { buttons?: Button[] }, zone: string) =>
  telegramMessages(renderNotice(translate, notice, { timeZone: zone }));

/** No lone surrogate at either end of a part: a cut never falls between the two halves of a pair. */
const wellCut = (part: string): boolean => !/^[\uDC00-\uDFFF]/.test(part) && !/[\uD800-\uDBFF]$/.test(part);

/** Every `&` starts a whole entity and no `;` is left over from one cut in half (the inputs below have no other `;`). */
const wholeEntities = (part: string): boolean => !/[&;]/.test(part.replace(/&(?:amp|lt|gt);/g, ''));

describe('escapeHtml', () => {
  const cases: Array<[string, string]> = [
    ['A<li>ce & co', 'A&lt;li&gt;ce &amp; co'],
    ['plain 文字 😀', 'plain 文字 😀'],
    ['&amp;', '&amp;amp;'],
    ['<<>>&&', '&lt;&lt;&gt;&gt;&amp;&amp;'],
    ['', ''],
  ];
  it.each(cases)('escapes %j as %j', (input, expected) => {
    expect(escapeHtml(input)).toBe(expected);
  });
});

/** The length Telegram counts: the text after entity parsing, in UTF-16 code units (`&lt;` is one). */
const visible = (part: string): number => part.replace(/&(?:amp|lt|gt);/g, '<').length;

/**
 * The fewest messages `plain` fits in when escaped and split as splitMessage promises: cuts at line breaks (dropped)
 * or, inside a line longer than `max`, between any two characters but the halves of a surrogate pair. A reference
 * by brute force over the unescaped text, independent of how splitMessage walks the escaped one.
 */
function fewestParts(plain: string, max: number): number {
  const n = plain.length;
  const lineOf = (i: number) => [plain.lastIndexOf('\n', i - 1) + 1, plain.indexOf('\n', i) === -1 ? n : plain.indexOf('\n', i)] as const;
  const cuttable = (p: number) => {
    if (plain[p] === '\n') return true;
    if (/[\uDC00-\uDFFF]/.test(plain[p]!) && /[\uD800-\uDBFF]/.test(plain[p - 1] ?? '')) return false;
    const [start, end] = lineOf(p);
    return end - start > max && p > start;
  };
  const best: number[] = Array.from({ length: n + 1 }, () => Number.POSITIVE_INFINITY);
  best[n] = 0;
  for (let s = n - 1; s >= 0; s--) {
    for (let p = s + 1; p <= n && p - s <= max; p++) {
      if (p === n) best[s] = 1;
      else if (cuttable(p)) best[s] = Math.min(best[s]!, 1 + best[plain[p] === '\n' ? p + 1 : p]!);
    }
  }
  return best[0]!;
}

describe('splitMessage', () => {
  it('uses the Telegram limit by default', () => {
    expect(telegramMaxText).toBe(4096);
  });

  it('leaves text under the limit unchanged', () => {
    const text = 'line one\nline two\n\n&amp; 😀';
    expect(splitMessage(text)).toEqual([text]);
    expect(splitMessage('x'.repeat(4096))).toEqual(['x'.repeat(4096)]);
    expect(splitMessage('0123456789', 10)).toEqual(['0123456789']);
  });

  describe('counts the text as Telegram does, after entity parsing', () => {
    it('an escaped character as one: 4,096 of them are one message however long their escaped text', () => {
      expect(splitMessage('&lt;'.repeat(4096))).toEqual(['&lt;'.repeat(4096)]);
      const parts = splitMessage('&amp;'.repeat(4097));
      expect(parts.map(visible)).toEqual([4096, 1]);
    });

    it('a notice of ~2,060 visible characters, a header over a line full of < and &, as one message', () => {
      // Split by its escaped length (9,403 characters) this was four messages, the first the header alone.
      const header = '居民反映的问题，请物业逐条核实如下：';
      const line = '&<&>&'.repeat(408);
      const text = escapeHtml(`${header}\n${line}`);
      expect([header.length, visible(text), text.length]).toEqual([18, 2059, 9403]);
      expect(splitMessage(text)).toEqual([text]);
    });

    it('in UTF-16 code units: an emoji counts two, and a pair is never cut', () => {
      expect(splitMessage('😀'.repeat(2048))).toHaveLength(1);
      const parts = splitMessage('😀'.repeat(2049));
      expect(parts.map((part) => part.length)).toEqual([4096, 2]);
      for (const part of parts) expect(wellCut(part)).toBe(true);
    });
  });

  it('splits long multi-line text at line boundaries, each part within the limit', () => {
    const lines = Array.from({ length: 250 }, (_, i) => `第 ${i + 1} 行：${'楼道灯坏了 '.repeat(5)}#${i}`);
    const text = lines.join('\n');
    expect(text.length).toBeGreaterThanOrEqual(10_000);

    const parts = splitMessage(text);
    expect(parts.length).toBeGreaterThan(1);
    for (const part of parts) expect(part.length).toBeLessThanOrEqual(4096);
    expect(parts.join('\n')).toBe(text);
    // Whole lines only, and each part as full as the next line allows.
    expect(parts.flatMap((part) => part.split('\n'))).toEqual(lines);
    parts.slice(0, -1).forEach((part, index) => {
      const nextLine = parts[index + 1]?.split('\n')[0] ?? '';
      expect(part.length + 1 + nextLine.length).toBeGreaterThan(4096);
    });
  });

  it('splits escaped lines at line boundaries by their visible length', () => {
    const lines = Array.from({ length: 300 }, (_, i) => escapeHtml(`#${i} <A&B> `.repeat(3)));
    const parts = splitMessage(lines.join('\n'));
    expect(parts.flatMap((part) => part.split('\n'))).toEqual(lines);
    for (const part of parts) expect(visible(part)).toBeLessThanOrEqual(4096);
    expect(parts.length).toBe(Math.ceil(lines.join('\n').replace(/&(?:amp|lt|gt);/g, '<').length / 4096));
  });

  it('splits short lines at line boundaries with a small limit', () => {
    expect(splitMessage('aaa\nbbb\nccc\nddd', 7)).toEqual(['aaa\nbbb', 'ccc\nddd']);
    expect(splitMessage('aaaa\nbbbb\ncc', 10)).toEqual(['aaaa\nbbbb', 'cc']);
  });

  it('cuts a single line longer than the limit into pieces within it', () => {
    expect(splitMessage('abcdefghijklmnopqrstuvwxy', 10)).toEqual(['abcdefghij', 'klmnopqrst', 'uvwxy']);
  });

  it('continues a cut line with the following lines', () => {
    const parts = splitMessage('short\nabcdefghijklmnop\nxy', 10);
    expect(parts).toEqual(['short', 'abcdefghij', 'klmnop\nxy']);
  });

  describe('never leaves a short first part when fewer parts would do', () => {
    it('with a small limit: a header goes on with the start of the overlong line after it', () => {
      expect(splitMessage('hdr\nxxxxxxxxxxxx', 10)).toEqual(['hdr\nxxxxxx', 'xxxxxx']);
      // Where the header alone costs nothing, the line break is kept.
      expect(splitMessage('header\nxxxxxxxxxxxxxxx', 10)).toEqual(['header', 'xxxxxxxxxx', 'xxxxx']);
    });

    it('at the Telegram limit: an 18-character header and a 4,100-character line are two messages, not three', () => {
      const header = '以下是议题的完整内容，供居委会与物业核对：'.slice(0, 18);
      const line = escapeHtml(`${'楼道<堆物>&杂物'.repeat(455)}<<<<<`);
      expect(visible(line)).toBe(4100);
      const parts = splitMessage(`${header}\n${line}`);
      expect(parts).toHaveLength(2);
      expect(parts[0]!.startsWith(`${header}\n`)).toBe(true);
      expect(parts.map(visible)).toEqual([4096, 4100 + 18 + 1 - 4096]);
      expect(parts.join('')).toBe(`${header}\n${line}`);
    });
  });

  describe('never cuts an HTML entity in half', () => {
    it('at the Telegram limit, where a cut by escaped length would split an &amp;', () => {
      const line = `x${'&amp;'.repeat(5000)}`;
      const parts = splitMessage(line);
      expect(parts).toHaveLength(2);
      for (const part of parts) {
        expect(visible(part)).toBeLessThanOrEqual(4096);
        expect(wholeEntities(part)).toBe(true);
      }
      expect(parts.join('')).toBe(line);
    });

    const lines: Array<[string, string]> = [
      ['amp, offset 0', '&amp;'.repeat(25)],
      ['amp, offset 1', `x${'&amp;'.repeat(25)}`],
      ['amp, offset 2', `xy${'&amp;'.repeat(25)}`],
      ['amp, offset 3', `xyz${'&amp;'.repeat(25)}`],
      ['amp, offset 4', `wxyz${'&amp;'.repeat(25)}`],
      ['lt and gt', `a${'&lt;b&gt;'.repeat(9)}`],
      ['mixed', 'A&lt;li&gt;ce &amp; co, A&lt;li&gt;ce &amp; co'],
    ];
    it.each(lines)('with a small limit: %s', (_name, line) => {
      const parts = splitMessage(line, 10);
      expect(parts.length).toBeGreaterThan(1);
      for (const part of parts) {
        expect(visible(part)).toBeLessThanOrEqual(10);
        expect(part.length).toBeGreaterThan(0);
        expect(wholeEntities(part)).toBe(true);
      }
      expect(parts.join('')).toBe(line);
    });
  });

  describe('never splits a surrogate pair', () => {
    it('at the Telegram limit, where a naive cut would split an emoji', () => {
      const line = `x${'😀'.repeat(3000)}`;
      expect(/[\uD800-\uDBFF]/.test(line[4095] ?? '')).toBe(true); // a cut at 4096 would split this pair
      const parts = splitMessage(line);
      expect(parts.length).toBeGreaterThan(1);
      for (const part of parts) {
        expect(part.length).toBeLessThanOrEqual(4096);
        expect(wellCut(part)).toBe(true);
      }
      expect(parts.join('')).toBe(line);
    });

    const lines: Array<[string, string]> = [
      ['even offset', '😀'.repeat(12)],
      ['odd offset', `x${'😀'.repeat(12)}`],
      ['mixed with CJK', `电梯${'😀楼'.repeat(8)}`],
    ];
    it.each(lines)('with a small limit: %s', (_name, line) => {
      const parts = splitMessage(line, 10);
      expect(parts.length).toBeGreaterThan(1);
      for (const part of parts) {
        expect(part.length).toBeLessThanOrEqual(10);
        expect(wellCut(part)).toBe(true);
      }
      expect(parts.join('')).toBe(line);
    });
  });

  test.prop(
    {
      plain: fc.array(fc.constantFrom('a', '楼', ' ', '&', '<', '>', '😀', '\n', '\n'), { maxLength: 120 }).map((chars) => chars.join('')),
      max: fc.integer({ min: 2, max: 24 }),
    },
    { numRuns: 400 },
  )('any text: parts within the limit, whole entities and pairs, nothing lost, and as few as the rules allow', ({ plain, max }) => {
    const parts = splitMessage(escapeHtml(plain), max);
    const unescaped = parts.map((part) => part.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&'));
    for (const [index, part] of parts.entries()) {
      expect(visible(part)).toBeLessThanOrEqual(max);
      expect(wholeEntities(part.replace(/[^&;a-z]/g, ''))).toBe(true);
      expect(wellCut(unescaped[index]!)).toBe(true);
      if (visible(escapeHtml(plain)) > max) expect(part.trim()).not.toBe('');
    }
    // The parts in order make the text again; a cut drops at most the line break it fell on, or a blank part.
    let rest = plain;
    for (const part of unescaped) {
      const at = rest.indexOf(part);
      expect(at).toBeGreaterThanOrEqual(0);
      expect(rest.slice(0, at).trim()).toBe('');
      rest = rest.slice(at + part.length);
    }
    expect(rest.trim()).toBe('');
    // Fewest parts: exactly, where no part can be blank; else a blank one left out saves one more.
    const expected = plain.length === 0 ? 1 : fewestParts(plain, max);
    if (/^\n|\n\n|\n$| /.test(plain)) expect(parts.length).toBeLessThanOrEqual(expected);
    else expect(parts.length).toBe(expected);
  });
});

describe('a notice rendered for Telegram', () => {
  it('escapes what a resident typed and puts a support button under the raised issue', () => {
    const messages = renderForTelegram(
      t,
      {
        type: 'issue.raised',
        params: { number: 1, text: '<b>电梯</b> & 楼道', category: 'facilities', scope: { building: '1栋' }, level: 'building' },
        buttons: [{ kind: 'support', number: 1 }],
      },
      timeZone,
    );
    expect(messages).toHaveLength(1);
    const [message] = messages;
    expect(message?.text).toContain('&lt;b&gt;电梯&lt;/b&gt; &amp; 楼道');
    expect(message?.text).not.toContain('<');
    expect(message?.text).toContain('1栋');
    expect(message?.replyMarkup?.inline_keyboard).toEqual([[{ text: expect.stringContaining('#1'), callback_data: 's:1' }]]);
  });

  it('leaves out the keyboard when there are no buttons', () => {
    const messages = renderForTelegram(t, { type: 'issue.rated', params: { number: 2, score: 4 } }, timeZone);
    expect(messages).toHaveLength(1);
    expect(messages[0]?.replyMarkup).toBeUndefined();
  });

  it('puts the five rating buttons on one row', () => {
    const messages = renderForTelegram(
      t,
      {
        type: 'issue.resolved',
        params: { number: 1, note: '已更换 & 检修' },
        buttons: [1, 2, 3, 4, 5].map((score) => ({ kind: 'rate' as const, number: 1, score })),
      },
      timeZone,
    );
    expect(messages).toHaveLength(1);
    expect(messages[0]?.text).toContain('已更换 &amp; 检修');
    const keyboard = messages[0]?.replyMarkup?.inline_keyboard;
    expect(keyboard).toHaveLength(1);
    expect(keyboard?.[0]?.map((cell) => cell.callback_data)).toEqual(['r:1:1', 'r:1:2', 'r:1:3', 'r:1:4', 'r:1:5']);
    expect(keyboard?.[0]?.map((cell) => cell.text)).toEqual(['1★', '2★', '3★', '4★', '5★']);
  });

  it('splits a long issue list under the limit, with the buttons only on the last message', () => {
    const issues: IssueSummary[] = Array.from({ length: 300 }, (_, i) => ({
      number: i + 1,
      text: 'A&B<c>'.repeat(10),
      status: 'open',
      level: 'building',
      supporters: i % 7,
    }));
    expect(issues[0]?.text).toHaveLength(60);

    const messages = renderForTelegram(
      t,
      { type: 'issue.listed', params: { issues }, buttons: [{ kind: 'support', number: 300 }] },
      timeZone,
    );
    expect(messages.length).toBeGreaterThan(1);
    for (const message of messages) {
      expect(visible(message.text)).toBeLessThanOrEqual(4096);
      expect(message.text).not.toContain('<');
      expect(wholeEntities(message.text)).toBe(true);
    }
    expect(messages.slice(0, -1).every((message) => message.replyMarkup === undefined)).toBe(true);
    expect(messages.at(-1)?.replyMarkup?.inline_keyboard).toEqual([[{ text: expect.stringContaining('#300'), callback_data: 's:300' }]]);

    // Every issue is listed once, in order, each on a line of its own.
    const numbers = messages.flatMap((message) => [...message.text.matchAll(/^#(\d+) /gm)].map((match) => Number(match[1])));
    expect(numbers).toEqual(issues.map((issue) => issue.number));
  });
});

describe('telegramMessages', () => {
  const document = (blocks: RenderedDocument['blocks'], buttons: RenderedDocument['buttons'] = []): RenderedDocument => ({
    blocks,
    buttons,
  });

  it('sends headings, paragraphs and lists as plain lines, escaped, with no markup of its own', () => {
    const messages = telegramMessages(
      document([
        { kind: 'heading', text: 'Open <issues> & more:' },
        { kind: 'list', items: ['#1 a<b', '#2 c&d'] },
        { kind: 'list', items: ['要', '不要'], ordered: true },
        { kind: 'paragraph', text: 'line one\nline <two>' },
      ]),
    );
    expect(messages).toEqual([
      { text: 'Open &lt;issues&gt; &amp; more:\n#1 a&lt;b\n#2 c&amp;d\n1. 要\n2. 不要\nline one\nline &lt;two&gt;' },
    ]);
  });

  it('keeps the document’s button rows as the keyboard’s rows, each id as the callback data and each label as typed', () => {
    const messages = telegramMessages(
      document(
        [{ kind: 'paragraph', text: 'x' }],
        [
          [
            { id: 'v:3:0', label: '<要>', kind: 'vote' },
            { id: 'v:3:1', label: 'A & B', kind: 'vote' },
          ],
          [{ id: 'd:4', label: 'Raise mine anyway', kind: 'raise_draft' }],
        ],
      ),
    );
    // Button labels are not parsed as HTML by Telegram: they go as they are.
    expect(messages[0]?.replyMarkup?.inline_keyboard).toEqual([
      [
        { text: '<要>', callback_data: 'v:3:0' },
        { text: 'A & B', callback_data: 'v:3:1' },
      ],
      [{ text: 'Raise mine anyway', callback_data: 'd:4' }],
    ]);
  });

  it('puts a poll’s ten options in two rows of five, each with its own position', () => {
    const options = Array.from({ length: 10 }, (_, i) => `选项${i + 1}`);
    const buttons = options.map((label, position): Button => ({ kind: 'vote', number: 42, position, label }));
    const [message] = renderForTelegram(
      t,
      {
        type: 'poll.opened',
        params: {
          number: 42,
          question: '选哪个？',
          kind: 'ordinary',
          matterClass: null,
          options,
          closesAt: '2026-03-08T02:30:00.000Z',
          multi: false,
          secret: false,
          quorumPercent: null,
          scope: { building: null },
        },
        buttons,
      },
      timeZone,
    );
    const keyboard = message?.replyMarkup?.inline_keyboard ?? [];
    expect(keyboard.map((row) => row.length)).toEqual([5, 5]);
    expect(keyboard.flat().map((cell) => cell.callback_data)).toEqual(options.map((_, position) => `v:42:${position}`));
    for (const cell of keyboard.flat()) expect(Buffer.byteLength(cell.callback_data, 'utf8')).toBeLessThanOrEqual(64);
  });
});
