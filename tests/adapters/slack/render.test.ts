import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { escapeMrkdwn, type SlackBlock, type SlackMessage, slackLimits, toBlockKit } from '../../../src/adapters/slack/render.js';
import type { Button } from '../../../src/engine/notices.js';
import type { Block, DocumentButton, RenderedDocument } from '../../../src/render/index.js';

const unescapeMrkdwn = (text: string): string =>
  text.replace(/&(amp|lt|gt);/g, (_, name: string) => ({ amp: '&', lt: '<', gt: '>' })[name]!);

/** No lone surrogate at either end: a cut never falls between the two halves of a pair. */
const wellCut = (text: string): boolean => !/^[\uDC00-\uDFFF]/.test(text) && !/[\uD800-\uDBFF]$/.test(text);

/** Escaped mrkdwn: no bare `<` or `>`, and every `&` starts a whole escape (none cut in half). */
const safelyEscaped = (text: string): boolean => !/[<>]/.test(text) && !/&(?!amp;|lt;|gt;)/.test(text);

const doc = (blocks: Block[], buttons: DocumentButton[][] = []): RenderedDocument => ({ blocks, buttons });
const button = (id: string, label: string, kind: Button['kind'] = 'support'): DocumentButton => ({ id, label, kind });

const contentBlocks = (messages: SlackMessage[]) =>
  messages.flatMap((message) => message.blocks).filter((block) => block.type !== 'actions');
const sectionTexts = (messages: SlackMessage[]): string[] =>
  contentBlocks(messages).map((block) => (block.type === 'section' ? block.text.text : ''));
const buttonsOf = (messages: SlackMessage[]) =>
  messages.flatMap((message) => message.blocks.flatMap((block) => (block.type === 'actions' ? block.elements : [])));

/** The text a block shows, unescaped: a header's plain text, a section's mrkdwn. */
const shown = (block: SlackBlock): string => {
  if (block.type === 'header') return block.text.text;
  if (block.type === 'section') return unescapeMrkdwn(block.text.text);
  return '';
};

/** Every limit Slack sets, and the promises toBlockKit makes about each message. */
function expectWithinLimits(messages: SlackMessage[]): void {
  let buttonsSeen = false;
  for (const message of messages) {
    expect(message.blocks.length).toBeGreaterThan(0);
    expect(message.blocks.length).toBeLessThanOrEqual(50);
    expect(JSON.stringify(message.blocks).length).toBeLessThanOrEqual(12_000);
    expect(message.text.trim()).not.toBe('');
    expect(message.text.length).toBeLessThanOrEqual(3_000);
    expect(safelyEscaped(message.text)).toBe(true);
    expect(wellCut(unescapeMrkdwn(message.text))).toBe(true);
    const actionIds = new Set<string>();
    for (const block of message.blocks) {
      switch (block.type) {
        case 'header':
          expect(block.text.type).toBe('plain_text');
          expect(block.text.text.trim()).not.toBe('');
          expect(block.text.text.length).toBeLessThanOrEqual(150);
          expect(buttonsSeen).toBe(false);
          break;
        case 'section':
          expect(block.text).toMatchObject({ type: 'mrkdwn', verbatim: true });
          expect(block.text.text.trim()).not.toBe('');
          expect(block.text.text.length).toBeLessThanOrEqual(3_000);
          expect(safelyEscaped(block.text.text)).toBe(true);
          expect(wellCut(unescapeMrkdwn(block.text.text))).toBe(true);
          expect(buttonsSeen).toBe(false);
          break;
        case 'actions':
          buttonsSeen = true;
          expect(block.elements.length).toBeGreaterThan(0);
          expect(block.elements.length).toBeLessThanOrEqual(25);
          for (const element of block.elements) {
            expect(element.type).toBe('button');
            expect(element.text.type).toBe('plain_text');
            expect(element.text.text.trim()).not.toBe('');
            expect(element.text.text.length).toBeLessThanOrEqual(75);
            expect(wellCut(element.text.text)).toBe(true);
            expect(actionIds.has(element.action_id)).toBe(false);
            actionIds.add(element.action_id);
          }
          break;
      }
    }
  }
}

/** A document's text as the lines it reads as in Slack: lists with their bullets or numbers. */
const expectedText = (document: RenderedDocument): string =>
  document.blocks
    .flatMap((block) =>
      block.kind === 'list' ? block.items.map((item, index) => (block.ordered ? `${index + 1}. ${item}` : `• ${item}`)) : [block.text],
    )
    .join('\n');

/**
 * The blocks in order make the document's text again (for texts without `*`, the bold of a long heading removed):
 * between two pieces nothing is lost but the line break a cut fell on, or a blank stretch.
 */
function expectAllContent(messages: SlackMessage[], document: RenderedDocument): void {
  let rest = expectedText(document);
  for (const block of contentBlocks(messages)) {
    const piece = shown(block).replaceAll('*', '');
    const at = rest.indexOf(piece);
    expect(at, JSON.stringify({ piece: piece.slice(0, 80), rest: rest.slice(0, 80) })).toBeGreaterThanOrEqual(0);
    expect(rest.slice(0, at).trim()).toBe('');
    rest = rest.slice(at + piece.length);
  }
  expect(rest.trim()).toBe('');
}

describe('escapeMrkdwn', () => {
  const cases: Array<[string, string]> = [
    ['<@U123> please look', '&lt;@U123&gt; please look'],
    ['<!channel> 停水通知', '&lt;!channel&gt; 停水通知'],
    ['<!here|here> <!subteam^S1>', '&lt;!here|here&gt; &lt;!subteam^S1&gt;'],
    ['<https://evil.example|物业官网>', '&lt;https://evil.example|物业官网&gt;'],
    ['<#C024BE7LR>', '&lt;#C024BE7LR&gt;'],
    ['A & B', 'A &amp; B'],
    ['&amp; &lt;', '&amp;amp; &amp;lt;'],
    ['<<>>&&', '&lt;&lt;&gt;&gt;&amp;&amp;'],
    ['', ''],
  ];
  it.each(cases)('escapes %j as %j', (input, expected) => {
    expect(escapeMrkdwn(input)).toBe(expected);
    expect(unescapeMrkdwn(escapeMrkdwn(input))).toBe(input);
  });

  it('leaves formatting characters, emoji and CJK as typed', () => {
    const text = '*bold* _snake_case_ ~5 楼~ `code` 2*3 😀 👨‍👩‍👧 𠀀 :tada:';
    expect(escapeMrkdwn(text)).toBe(text);
  });
});

describe('toBlockKit', () => {
  it('keeps within Slack’s limits, with a margin on the JSON', () => {
    expect(slackLimits).toMatchObject({ blocksPerMessage: 50, sectionText: 3_000, headerText: 150, buttonText: 75, actionsElements: 25 });
    expect(slackLimits.blocksJson).toBeLessThan(13_000);
    expect(2 * slackLimits.blockJson + 3).toBeLessThanOrEqual(slackLimits.blocksJson);
  });

  it('gives each kind of block its Slack block, escaped, with a fallback text', () => {
    const document = doc([
      { kind: 'heading', text: '开放议题 <@U1> & co' },
      { kind: 'paragraph', text: '电梯坏了 <!channel>\n第二行 <https://evil.example|点我>' },
      { kind: 'list', items: ['#1 楼道灯', '#2 <b>漏水</b>'] },
      { kind: 'list', items: ['赞成', '反对'], ordered: true },
    ]);
    const messages = toBlockKit(document);
    expect(messages).toEqual([
      {
        text: [
          '开放议题 &lt;@U1&gt; &amp; co',
          '电梯坏了 &lt;!channel&gt;\n第二行 &lt;https://evil.example|点我&gt;',
          '• #1 楼道灯\n• #2 &lt;b&gt;漏水&lt;/b&gt;',
          '1. 赞成\n2. 反对',
        ].join('\n'),
        blocks: [
          { type: 'header', text: { type: 'plain_text', text: '开放议题 <@U1> & co' } },
          {
            type: 'section',
            text: { type: 'mrkdwn', text: '电梯坏了 &lt;!channel&gt;\n第二行 &lt;https://evil.example|点我&gt;', verbatim: true },
          },
          { type: 'section', text: { type: 'mrkdwn', text: '• #1 楼道灯\n• #2 &lt;b&gt;漏水&lt;/b&gt;', verbatim: true } },
          { type: 'section', text: { type: 'mrkdwn', text: '1. 赞成\n2. 反对', verbatim: true } },
        ],
      },
    ]);
    expectWithinLimits(messages);
  });

  it('never lets resident text open a mention or a link in any mrkdwn it makes', () => {
    const hostile = '<@U123> <!channel> <!everyone> <https://evil.example|银行> &lt;@U1&gt;';
    const long = `${hostile} `.repeat(200);
    const messages = toBlockKit(
      doc(
        [
          { kind: 'heading', text: long },
          { kind: 'paragraph', text: long },
          { kind: 'list', items: [hostile, long] },
        ],
        [[button('s:1', hostile)]],
      ),
    );
    expectWithinLimits(messages);
    for (const message of messages) {
      expect(message.text).not.toMatch(/[<>]/);
      for (const text of sectionTexts(messages)) expect(text).not.toMatch(/[<>]/);
    }
    expect(buttonsOf(messages)[0]!.text.text).toBe(hostile); // plain text: shown as typed, never parsed
  });

  it('gives nothing for an empty document, and leaves out blank blocks', () => {
    expect(toBlockKit(doc([]))).toEqual([]);
    expect(
      toBlockKit(
        doc([
          { kind: 'paragraph', text: '' },
          { kind: 'heading', text: '  ' },
          { kind: 'list', items: [] },
        ]),
      ),
    ).toEqual([]);
  });

  describe('headings', () => {
    it('as a header up to 150 characters', () => {
      const text = '楼'.repeat(150);
      expect(toBlockKit(doc([{ kind: 'heading', text }]))[0]!.blocks).toEqual([{ type: 'header', text: { type: 'plain_text', text } }]);
    });

    it('longer, as a bold section with all of the text', () => {
      const text = `${'居民反映的问题'.repeat(21)}<@U1>`;
      expect(text.length).toBe(152);
      const [message] = toBlockKit(doc([{ kind: 'heading', text }]));
      expect(message!.blocks).toEqual([{ type: 'section', text: { type: 'mrkdwn', text: `*${escapeMrkdwn(text)}*`, verbatim: true } }]);
    });

    it('counts an astral character as two: 75 emoji are a header, 76 a section', () => {
      expect(toBlockKit(doc([{ kind: 'heading', text: '😀'.repeat(75) }]))[0]!.blocks[0]!.type).toBe('header');
      expect(toBlockKit(doc([{ kind: 'heading', text: '😀'.repeat(76) }]))[0]!.blocks[0]!.type).toBe('section');
    });

    it('a very long heading in bold sections within the limit, each line starred inside its spaces', () => {
      const text = ` ${'标题'.repeat(2_000)} \n  次行  `;
      const messages = toBlockKit(doc([{ kind: 'heading', text }]));
      expectWithinLimits(messages);
      const texts = sectionTexts(messages);
      expect(texts.length).toBe(2);
      expect(texts[0]).toMatch(/^ \*标题/);
      expect(texts.at(-1)).toMatch(/\* \n {2}\*次行\* {2}$/);
      expectAllContent(messages, doc([{ kind: 'heading', text }]));
    });
  });

  describe('a long paragraph', () => {
    it('of 10,000 characters in lines: sections within 3,000, cut only at line breaks, nothing lost', () => {
      const lines = Array.from({ length: 400 }, (_, i) => `第 ${i + 1} 行：楼道灯坏了 & <修>`.padEnd(25, '。'));
      const text = lines.join('\n');
      expect(text.length).toBeGreaterThanOrEqual(10_000);
      const messages = toBlockKit(doc([{ kind: 'paragraph', text }]));
      expectWithinLimits(messages);
      const texts = sectionTexts(messages);
      expect(texts.length).toBeGreaterThan(3);
      for (const section of texts) expect(section.length).toBeLessThanOrEqual(3_000);
      expect(texts.map(unescapeMrkdwn).join('\n')).toBe(text);
      expect(texts.flatMap((section) => unescapeMrkdwn(section).split('\n'))).toEqual(lines);
      // Each section as full as the next line allows.
      texts.slice(0, -1).forEach((section, index) => {
        const nextLine = texts[index + 1]!.split('\n')[0]!;
        expect(section.length + 1 + nextLine.length).toBeGreaterThan(3_000);
      });
    });

    it('of 10,000 characters on one line: cut where the limit falls, never inside an escape', () => {
      const text = 'A&B<C>楼'.repeat(1_250);
      const messages = toBlockKit(doc([{ kind: 'paragraph', text }]));
      expectWithinLimits(messages);
      const texts = sectionTexts(messages);
      for (const section of texts) {
        expect(section.length).toBeLessThanOrEqual(3_000);
        if (section === texts.at(-1)) break;
        expect(section.length).toBeGreaterThan(2_995); // all but the last as full as whole escapes allow
      }
      expect(texts.map(unescapeMrkdwn).join('')).toBe(text);
    });

    it('goes on with the lines after a cut line, in the same section', () => {
      const text = `${'x'.repeat(4_000)}\nnext line`;
      const texts = sectionTexts(toBlockKit(doc([{ kind: 'paragraph', text }])));
      expect(texts).toEqual(['x'.repeat(3_000), `${'x'.repeat(1_000)}\nnext line`]);
    });

    it('keeps sections within the JSON budget when the text is mostly quotes and control characters', () => {
      const text = '"\\\u0001'.repeat(3_000);
      const messages = toBlockKit(doc([{ kind: 'paragraph', text }]));
      expectWithinLimits(messages);
      expect(sectionTexts(messages).map(unescapeMrkdwn).join('')).toBe(text);
    });
  });

  describe('emoji, CJK and astral characters', () => {
    it.each([
      ['emoji', '😀'],
      ['a family emoji (a ZWJ sequence)', '👨‍👩‍👧'],
      ['a flag', '🇨🇳'],
      ['an astral CJK character', '𠀀'],
      ['CJK', '楼'],
      ['an accented letter', 'e\u0301'],
    ])('never cuts %s', (_name, character) => {
      const text = character.repeat(Math.ceil(7_001 / character.length));
      const messages = toBlockKit(doc([{ kind: 'paragraph', text }], [[button('s:1', character.repeat(80))]]));
      expectWithinLimits(messages);
      const texts = sectionTexts(messages);
      expect(texts.length).toBeGreaterThan(2);
      for (const section of texts) expect(section.split(character).join('')).toBe('');
      expect(texts.join('')).toBe(text);
      const label = buttonsOf(messages)[0]!.text.text;
      expect(label.endsWith('…')).toBe(true);
      expect(label.slice(0, -1).split(character).join('')).toBe('');
      expect(label.length + character.length).toBeGreaterThan(75);
    });
  });

  describe('lists', () => {
    it('of 120 short items: in one section, one line each', () => {
      const items = Array.from({ length: 120 }, (_, i) => `#${i + 1} 楼道灯`);
      const messages = toBlockKit(doc([{ kind: 'list', items }]));
      expect(messages).toHaveLength(1);
      expect(sectionTexts(messages)).toEqual([items.map((item) => `• ${item}`).join('\n')]);
    });

    it('of 120 long items: over several messages, each within 50 blocks and the JSON limit, in order', () => {
      const items = Array.from({ length: 120 }, (_, i) => `#${i + 1} ${'楼道灯坏了'.repeat(560)}`);
      const document = doc([{ kind: 'list', items, ordered: true }]);
      const messages = toBlockKit(document);
      expectWithinLimits(messages);
      expect(messages.length).toBeGreaterThan(1);
      expect(sectionTexts(messages)).toEqual(items.map((item, i) => `${i + 1}. ${item}`));
      expectAllContent(messages, document);
    });

    it('of 120 blocks: 50 blocks a message', () => {
      const blocks: Block[] = Array.from({ length: 120 }, (_, i) => ({ kind: 'list', items: [`第 ${i + 1} 栋`] }));
      const messages = toBlockKit(doc(blocks));
      expectWithinLimits(messages);
      expect(messages.map((message) => message.blocks.length)).toEqual([50, 50, 20]);
      expect(messages[0]!.text.split('\n')).toEqual(blocks.slice(0, 50).map((_, i) => `• 第 ${i + 1} 栋`));
    });
  });

  describe('buttons', () => {
    it('one actions block per row, on the last message, the id as value and action_id', () => {
      const messages = toBlockKit(
        doc(
          [{ kind: 'paragraph', text: '请投票' }],
          [[button('v:3:0', '赞成', 'vote'), button('v:3:1', '反对', 'vote')], [button('s:7', '支持 #7')]],
        ),
      );
      expect(messages).toHaveLength(1);
      expect(messages[0]!.blocks.slice(1)).toEqual([
        {
          type: 'actions',
          elements: [
            { type: 'button', text: { type: 'plain_text', text: '赞成' }, action_id: 'v:3:0', value: 'v:3:0' },
            { type: 'button', text: { type: 'plain_text', text: '反对' }, action_id: 'v:3:1', value: 'v:3:1' },
          ],
        },
        { type: 'actions', elements: [{ type: 'button', text: { type: 'plain_text', text: '支持 #7' }, action_id: 's:7', value: 's:7' }] },
      ]);
    });

    it('30 in one row: two actions blocks of 25 and 5', () => {
      const row = Array.from({ length: 30 }, (_, i) => button(`v:1:${i}`, `选项 ${i}`, 'vote'));
      const messages = toBlockKit(doc([{ kind: 'heading', text: '投票' }], [row]));
      expectWithinLimits(messages);
      const actions = messages[0]!.blocks.filter((block) => block.type === 'actions');
      expect(actions.map((block) => block.elements.length)).toEqual([25, 5]);
      expect(buttonsOf(messages).map((element) => element.value)).toEqual(row.map((b) => b.id));
    });

    it('the same id twice in a message: action_id suffixed #2, #3, the value still the id', () => {
      const messages = toBlockKit(
        doc(
          [{ kind: 'paragraph', text: '#1' }],
          [[button('s:1', '支持'), button('s:1', '支持'), button('x#2', 'x')], [button('s:1', '支持')]],
        ),
      );
      expectWithinLimits(messages);
      expect(buttonsOf(messages).map((element) => [element.action_id, element.value])).toEqual([
        ['s:1', 's:1'],
        ['s:1#2', 's:1'],
        ['x#2', 'x#2'],
        ['s:1#3', 's:1'],
      ]);
    });

    it('a label over 75 characters truncated with an ellipsis', () => {
      const [element] = buttonsOf(toBlockKit(doc([], [[button('s:1', 'a'.repeat(80))]])));
      expect(element!.text.text).toBe(`${'a'.repeat(74)}…`);
      const [exact] = buttonsOf(toBlockKit(doc([], [[button('s:1', 'a'.repeat(75))]])));
      expect(exact!.text.text).toBe('a'.repeat(75));
    });

    it('alone in a document: one message, its labels as the fallback text', () => {
      const messages = toBlockKit(doc([], [[button('f', '确认 & 删除')]]));
      expect(messages).toHaveLength(1);
      expect(messages[0]!.text).toBe('确认 &amp; 删除');
    });

    it('when they do not fit the last message, start one with the text just before them', () => {
      const blocks: Block[] = Array.from({ length: 50 }, (_, i) => ({ kind: 'paragraph', text: `第 ${i + 1} 段` }));
      const messages = toBlockKit(doc(blocks, [[button('s:1', '支持')]]));
      expectWithinLimits(messages);
      expect(messages.map((message) => message.blocks.map((block) => block.type))).toEqual([
        Array(49).fill('section'),
        ['section', 'actions'],
      ]);
      expect(messages[1]!.text).toBe('第 50 段');
    });
  });

  describe('the fallback text', () => {
    it('is the escaped text of the message, truncated to 3,000 with an ellipsis, never inside an escape', () => {
      const text = `&${'<楼>'.repeat(2_000)}`;
      const messages = toBlockKit(doc([{ kind: 'paragraph', text }]));
      expectWithinLimits(messages);
      for (const message of messages) {
        const joined = message.blocks.map((block) => (block.type === 'section' ? block.text.text : '')).join('\n');
        if (joined.length <= 3_000) expect(message.text).toBe(joined);
        else {
          expect(message.text.endsWith('…')).toBe(true);
          expect(joined.startsWith(message.text.slice(0, -1))).toBe(true);
          expect(message.text.length).toBeGreaterThan(2_990);
        }
      }
    });
  });

  const piece = fc.constantFrom(
    'a',
    'Z',
    ' ',
    ' ',
    '\n',
    '\n',
    '楼',
    '𠀀',
    '😀',
    '👨‍👩‍👧',
    'e\u0301',
    '&',
    '<',
    '>',
    '&amp;',
    '<@U123>',
    '<!channel>',
    '"',
    '\\',
    '\u0001',
    '_',
    '~',
    '`',
    'x'.repeat(50),
    '议事会'.repeat(40),
  );
  const text = (maxLength: number) => fc.array(piece, { maxLength, size: 'max' }).map((pieces) => pieces.join(''));
  const blockOf = (someText: fc.Arbitrary<string>): fc.Arbitrary<Block> =>
    fc.oneof(
      someText.map((t): Block => ({ kind: 'heading', text: t })),
      someText.map((t): Block => ({ kind: 'paragraph', text: t })),
      fc
        .record({ items: fc.array(someText, { maxLength: 40 }), ordered: fc.boolean() })
        .map(({ items, ordered }): Block => ({ kind: 'list', items, ...(ordered ? { ordered } : {}) })),
    );
  const documentButton: fc.Arbitrary<DocumentButton> = fc.record({
    id: fc.constantFrom('s:1', 's:2', 'v:3:0', 'm:4:0', 'f'),
    label: text(30),
    kind: fc.constantFrom('support', 'vote', 'rsvp'),
  }) as fc.Arbitrary<DocumentButton>;
  // Either many short blocks (past 50 blocks a message) or a few with texts of thousands of characters (past a
  // section's 3,000 characters, a header's 150 and the JSON limit), and rows of up to 40 buttons.
  const document = fc.record({
    blocks: fc.oneof(
      fc.array(blockOf(text(6)), { maxLength: 120, size: 'max' }),
      fc.array(blockOf(fc.oneof({ weight: 3, arbitrary: text(10) }, { weight: 1, arbitrary: text(500) })), { maxLength: 12 }),
    ),
    buttons: fc.array(fc.array(documentButton, { minLength: 1, maxLength: 40 }), { maxLength: 4 }),
  });

  test.prop({ document }, { numRuns: 150 })(
    'any document: every message within every limit, all its text in order, its buttons last',
    ({ document }) => {
      const messages = toBlockKit(document);
      expectWithinLimits(messages);
      expectAllContent(messages, document);
      const elements = buttonsOf(messages);
      expect(elements.map((element) => element.value)).toEqual(document.buttons.flat().map((b) => b.id));
      elements.forEach((element, index) => {
        const label = document.buttons.flat()[index]!.label;
        if (label.trim() === '') expect(element.text.text).toBe('…');
        else if (label.length <= 75) expect(element.text.text).toBe(label);
        else expect(label.startsWith(element.text.text.slice(0, -1)) && element.text.text.endsWith('…')).toBe(true);
      });
      if (elements.length > 0) {
        // All the buttons on the last messages: none before the last text.
        const last = messages.findIndex((message) => message.blocks.some((b) => b.type === 'actions'));
        for (const message of messages.slice(last)) expect(message.blocks.at(-1)!.type).toBe('actions');
      }
    },
  );
});
