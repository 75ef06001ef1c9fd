import { describe, expect, it } from 'vitest';
import type { Button } from '../../src/engine/notices.js';
import { createI18n, type Locale, supportedLocales } from '../../src/i18n/index.js';
import { type Block, type RenderedDocument, renderNotice } from '../../src/render/index.js';
import { ordinaryLive, ordinaryPoll, ownersNoQuorum, ownersPoll, type Renderable, refusalParams, samples, voteButtons } from './samples.js';

// The document model, capability by capability: which blocks a notice becomes (the same in every language) and what
// they hold. Their plain text, line by line, is checked in render-notice.test.ts.

const i18n = createI18n();
const render = (locale: Locale, notice: Renderable): RenderedDocument =>
  renderNotice(i18n.getFixedT(locale), notice, { timeZone: 'Asia/Shanghai' });

/** A document's blocks in short: "heading", "paragraph", "list:3", "ordered:3". */
const shape = (document: RenderedDocument): string[] =>
  document.blocks.map((block) => (block.kind === 'list' ? `${block.ordered ? 'ordered' : 'list'}:${block.items.length}` : block.kind));

const sample = (name: string): Renderable => {
  const found = samples.find((candidate) => candidate.name === name);
  if (!found) throw new Error(`no sample ${name}`);
  return found.notice;
};

const textOf = (block: Block | undefined): string => (block && block.kind !== 'list' ? block.text : '');
const itemsOf = (block: Block | undefined): string[] => (block?.kind === 'list' ? block.items : []);

describe('renderNotice as a document', () => {
  describe.each(samples.map((s) => [s.name, s] as const))('%s', (_name, { notice }) => {
    it('has the same blocks and button rows in every language', () => {
      const [first, ...others] = supportedLocales.map((locale) => render(locale, notice));
      for (const other of others) {
        expect(shape(other)).toEqual(shape(first!));
        expect(other.buttons.map((row) => row.map((button) => [button.id, button.kind]))).toEqual(
          first!.buttons.map((row) => row.map((button) => [button.id, button.kind])),
        );
      }
    });
  });

  describe.each(supportedLocales)('in %s', (locale) => {
    describe('membership', () => {
      it('gives help as a heading over one entry per command', () => {
        const document = render(locale, {
          type: 'member.help',
          params: { roles: [], chatKind: 'group', commands: ['issue', 'support', 'rate'] },
        });
        expect(shape(document)).toEqual(['heading', 'list:3']);
        expect(itemsOf(document.blocks[1])).toEqual([
          expect.stringMatching(/^\/issue /),
          expect.stringMatching(/^\/support /),
          expect.stringMatching(/^\/rate /),
        ]);
      });

      it('gives a member’s data as a heading, its four kinds as a list, and how to delete it', () => {
        const document = render(locale, sample('member.data_exported'));
        expect(shape(document)).toEqual(['heading', 'list:4', 'paragraph']);
        expect(textOf(document.blocks[2])).toContain('/forgetme');
      });

      it('gives a welcome as one paragraph, and the forget confirmation as one button on its own row', () => {
        expect(shape(render(locale, sample('member.welcomed (member)')))).toEqual(['paragraph']);
        const forget = render(locale, sample('member.forget_requested'));
        expect(shape(forget)).toEqual(['paragraph']);
        expect(forget.buttons).toEqual([[{ id: 'f', label: expect.any(String), kind: 'forget_confirm' }]]);
      });
    });

    describe('issues', () => {
      it('lists open issues under a heading, one entry per issue, each starting with its number', () => {
        const document = render(locale, sample('issue.listed'));
        expect(shape(document)).toEqual(['heading', 'list:3']);
        expect(itemsOf(document.blocks[1]).map((item) => /^#(\d+) /.exec(item)?.[1])).toEqual(['12', '14', '15']);
      });

      it('says so in one paragraph when nothing is open', () => {
        expect(shape(render(locale, sample('issue.listed (empty)')))).toEqual(['paragraph']);
      });

      it('gives similar issues as a list between the question and the hint, with a button row for each choice', () => {
        const document = render(locale, sample('issue.looks_duplicate'));
        expect(shape(document)).toEqual(['heading', 'list:2', 'paragraph']);
        expect(document.buttons.map((row) => row.map((button) => button.id))).toEqual([['s:7'], ['s:9'], ['d:4']]);
      });

      it('keeps a raised issue as typed inside its paragraph, with its support button', () => {
        const document = render(locale, sample('issue.raised (building)'));
        expect(shape(document)).toEqual(['paragraph']);
        expect(textOf(document.blocks[0])).toContain('电梯坏了');
        expect(document.buttons).toEqual([[{ id: 's:12', label: expect.stringContaining('#12'), kind: 'support' }]]);
      });

      it('shows an issue’s details, follow-up, answer, hiding, path and joint meetings as paragraphs of their own', () => {
        expect(shape(render(locale, sample('issue.shown (new)')))).toEqual(['paragraph']);
        const full = render(locale, sample('issue.shown (assigned, answered, hidden)'));
        expect(shape(full)).toEqual(['paragraph', 'paragraph', 'paragraph', 'paragraph', 'paragraph', 'paragraph', 'paragraph']);
        expect(textOf(full.blocks[2])).toContain('已修好');
        expect(textOf(full.blocks[3])).toContain('重复');
        expect(textOf(full.blocks[4])).toContain('王五');
        expect(textOf(full.blocks[5])).toMatch(/第 1 次|#1/);
        expect(textOf(full.blocks[6])).toContain('物业一周内修好');
      });
    });

    describe('follow-ups', () => {
      it('gives a resolution, the note as typed and the call to rate, with the five scores on one row', () => {
        const document = render(locale, sample('issue.resolved'));
        expect(shape(document)).toEqual(['paragraph', 'paragraph', 'paragraph']);
        expect(textOf(document.blocks[1])).toBe('换了新电机');
        expect(document.buttons.map((row) => row.map((button) => button.id))).toEqual([['r:12:1', 'r:12:2', 'r:12:3', 'r:12:4', 'r:12:5']]);
        expect(document.buttons[0]?.map((button) => button.label)).toEqual(['1★', '2★', '3★', '4★', '5★']);
      });

      it('leaves the note out when there is none', () => {
        expect(shape(render(locale, sample('issue.resolved (no note)')))).toEqual(['paragraph', 'paragraph']);
      });

      it('gives reminders and deadlines as one paragraph each', () => {
        for (const name of ['issue.assigned', 'followup.due_soon', 'followup.overdue', 'issue.rating_requested', 'issue.closed']) {
          expect(shape(render(locale, sample(name)))).toEqual(['paragraph']);
        }
      });
    });

    describe('polls', () => {
      it('opens an ordinary poll under its question, the options as typed in a numbered list, one button each in a row', () => {
        const document = render(locale, { type: 'poll.opened', params: ordinaryPoll, buttons: voteButtons(ordinaryPoll) });
        expect(shape(document)).toEqual(['heading', 'ordered:3', 'paragraph', 'paragraph', 'paragraph', 'paragraph']);
        expect(document.blocks[1]).toEqual({ kind: 'list', items: ['要', '不要', '再议'], ordered: true });
        expect(document.buttons).toEqual([
          [
            { id: 'v:3:0', label: '要', kind: 'vote' },
            { id: 'v:3:1', label: '不要', kind: 'vote' },
            { id: 'v:3:2', label: '再议', kind: 'vote' },
          ],
        ]);
      });

      it('opens an owners’ vote with how to vote in its first paragraph and no option list', () => {
        const document = render(locale, { type: 'poll.opened', params: ownersPoll, buttons: voteButtons(ownersPoll) });
        expect(shape(document)).toEqual(['paragraph', 'paragraph']);
        expect(document.buttons.flat().map((button) => button.id)).toEqual(['v:4:0', 'v:4:1', 'v:4:2']);
      });

      it('gives live counts as a heading, one entry per option, turnout, quorum and closing time', () => {
        const document = render(locale, { type: 'poll.results', params: ordinaryLive });
        expect(shape(document)).toEqual(['heading', 'list:3', 'paragraph', 'paragraph', 'paragraph']);
        expect(itemsOf(document.blocks[1]).map((item) => item.split(/[:：]/)[0])).toEqual(['要', '不要', '再议']);
      });

      it('gives an owners’ vote short of its quorum with its choices and the buildings still to vote as lists', () => {
        const document = render(locale, { type: 'poll.closed', params: ownersNoQuorum });
        expect(shape(document)).toEqual(['heading', 'paragraph', 'paragraph', 'list:3', 'paragraph', 'paragraph', 'list:2', 'paragraph']);
        expect(itemsOf(document.blocks[6]).map((item) => item.slice(0, 2))).toEqual(['1栋', '2栋']);
      });

      it('puts many options five to a row, each button carrying its position', () => {
        const poll = { ...ordinaryPoll, options: Array.from({ length: 12 }, (_, i) => `选项${i + 1}`) };
        const document = render(locale, { type: 'poll.opened', params: poll, buttons: voteButtons(poll) });
        expect(document.buttons.map((row) => row.length)).toEqual([5, 5, 2]);
        expect(document.buttons.flat().map((button) => button.id)).toEqual(poll.options.map((_, position) => `v:3:${position}`));
      });

      it('lists the households still to vote under a heading, one entry per building', () => {
        expect(shape(render(locale, sample('poll.turnout_listed')))).toEqual(['heading', 'list:2']);
        expect(shape(render(locale, sample('poll.turnout_listed (all voted)')))).toEqual(['paragraph']);
      });
    });

    describe('digests', () => {
      it('gives each section of the daily digest, meetings to come included, a heading over its entries, and closes with the rates', () => {
        const document = render(locale, sample('digest.daily (every section)'));
        expect(shape(document)).toEqual([
          'heading',
          'heading',
          'list:1',
          'heading',
          'list:1',
          'heading',
          'list:1',
          'heading',
          'list:2',
          'heading',
          'list:1',
          'heading',
          'list:2',
          'paragraph',
        ]);
        // Joint meetings: the first with its place, the second without one.
        expect(itemsOf(document.blocks[12])).toEqual([expect.stringContaining('社区会议室'), expect.not.stringContaining('社区会议室')]);
      });

      it('leaves out the sections with nothing in them', () => {
        expect(shape(render(locale, sample('digest.daily (one section)')))).toEqual(['heading', 'heading', 'list:1', 'paragraph']);
        expect(shape(render(locale, sample('digest.daily_empty')))).toEqual(['paragraph']);
      });

      it('gives the weekly roll-up one entry per community, or says there is none', () => {
        expect(shape(render(locale, sample('digest.weekly')))).toEqual(['heading', 'list:1']);
        expect(shape(render(locale, sample('digest.weekly (no communities)')))).toEqual(['heading', 'paragraph']);
      });
    });

    describe('refusals', () => {
      it('gives each refusal and the apology as one paragraph without buttons', () => {
        for (const code of Object.keys(refusalParams) as Array<keyof typeof refusalParams>) {
          const document = render(locale, { type: 'command.refused', params: { code, ...refusalParams[code] } });
          expect(shape(document)).toEqual(['paragraph']);
          expect(document.buttons).toEqual([]);
        }
        expect(shape(render(locale, { type: 'command.failed', params: {} }))).toEqual(['paragraph']);
      });
    });
  });

  describe('button rows', () => {
    const rows = (buttons: Button[]) =>
      render('en', { type: 'command.failed', params: {}, buttons }).buttons.map((row) => row.map((button) => button.id));

    it('puts side by side only consecutive answers to the same question', () => {
      expect(
        rows([
          { kind: 'support', number: 1 },
          { kind: 'support', number: 2 },
          { kind: 'rate', number: 1, score: 1 },
          { kind: 'rate', number: 1, score: 2 },
          { kind: 'vote', number: 3, position: 0, label: 'a' },
          { kind: 'vote', number: 3, position: 1, label: 'b' },
          { kind: 'raise_draft', draftId: 9 },
        ]),
      ).toEqual([['s:1'], ['s:2'], ['r:1:1', 'r:1:2'], ['v:3:0', 'v:3:1'], ['d:9']]);
    });

    it('gives no rows when there are no buttons, or when they are null', () => {
      expect(rows([])).toEqual([]);
      expect(renderNotice(i18n.getFixedT('en'), { type: 'command.failed', params: {}, buttons: null }).buttons).toEqual([]);
    });
  });
});
