import { writeFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { stringify } from 'csv-stringify/sync';
import { DateTime } from 'luxon';
import { OperatorError } from '../core/errors.js';
import { exportMinutes } from '../engine/modules/meetings/export-minutes.js';
import { createI18n, type TFunction } from '../i18n/index.js';
import { renderNotice } from '../render/index.js';
import { documentToMarkdown } from '../render/markdown.js';
import { withEngine } from './with-engine.js';

/** The minutes in the community's language and time zone: the whole as Markdown, or the action items as CSV. */
export function minutesDocument({ community, minutes }: Awaited<ReturnType<typeof exportMinutes>>, format: 'md' | 'csv'): string {
  const t = createI18n().getFixedT(community.locale);
  if (format === 'md')
    return documentToMarkdown(
      renderNotice(t, minutes, { timeZone: community.timezone }),
      t('operator:minutes.title', { community: community.name, meeting: minutes.params.meeting }),
    );
  return stringify([
    [
      t('operator:minutes.csv_item'),
      t('operator:minutes.csv_issue'),
      t('operator:minutes.csv_party'),
      t('operator:minutes.csv_task'),
      t('operator:minutes.csv_deadline'),
    ],
    ...minutes.params.items.flatMap((item) =>
      item.actions.map((action) => [
        item.position,
        item.number,
        action.party,
        action.task ?? '',
        DateTime.fromISO(action.deadline).setZone(community.timezone).toFormat('yyyy-MM-dd HH:mm'),
      ]),
    ),
  ]);
}

/**
 * `yishi minutes export <community> <meeting> [--format md|csv] [--out file]`: a closed joint meeting's minutes for
 * the committee's paperwork, in the community's language: the whole minutes as Markdown, or its action items as CSV.
 */
export function registerMinutesCommands(program: Command, t: TFunction): void {
  program
    .command('minutes')
    .description(t('operator:cli.minutes'))
    .command('export <community> <meeting>')
    .description(t('operator:cli.minutes_export'))
    .option('--format <format>', 'md | csv', 'md')
    .option('--out <file>', 'file to write (default: standard output)')
    .action(async (slug: string, typed: string, options: { format: string; out?: string }) => {
      const number = /^#?([1-9]\d{0,8})$/.exec(typed);
      if (!number) throw new OperatorError('option_invalid', { option: '<meeting>', value: typed });
      if (options.format !== 'md' && options.format !== 'csv')
        throw new OperatorError('option_invalid', { option: '--format', value: options.format });
      const exported = await withEngine((engine) => engine.operate((tx, now) => exportMinutes(tx, slug, Number(number[1]), now)));
      const document = minutesDocument(exported, options.format);
      const { minutes } = exported;
      if (!options.out) {
        process.stdout.write(document);
        return;
      }
      await writeFile(options.out, document);
      process.stdout.write(`${t('operator:minutes.exported', { meeting: minutes.params.meeting, file: options.out })}\n`);
    });
}
