import type { Command } from 'commander';
import { OperatorError } from '../core/errors.js';
import type { TFunction } from '../i18n/index.js';
import { listDeadLetters, retryDeadLetters } from '../inbox/dead-letters.js';
import { withDatabase } from './with-engine.js';

const print = (line: string) => process.stdout.write(`${line}\n`);

/** `yishi inbox dead` lists the inbound events set aside; `yishi inbox retry <id>|--all` puts them back in the queue. */
export function registerInboxCommands(program: Command, t: TFunction): void {
  const inbox = program.command('inbox').description(t('operator:cli.inbox'));
  inbox
    .command('dead')
    .description(t('operator:cli.inbox_dead'))
    .option('--limit <n>', '100')
    .action(async (options: { limit?: string }) => {
      const limit = options.limit === undefined ? 100 : Number(options.limit);
      if (!Number.isInteger(limit) || limit < 1 || limit > 10_000)
        throw new OperatorError('option_invalid', { option: '--limit', value: options.limit ?? '' });
      const letters = await withDatabase((db) => listDeadLetters(db, limit));
      if (letters.length === 0) print(t('operator:inbox.none_dead'));
      for (const letter of letters)
        print(
          t('operator:inbox.dead_line', {
            id: letter.id,
            platform: letter.platform,
            eventId: letter.eventId,
            receivedAt: letter.receivedAt.toISOString(),
            attempts: letter.attempts,
            error: (letter.lastError ?? '').replace(/\s+/g, ' ').slice(0, 300),
            payload: letter.payloadStart,
          }),
        );
    });
  inbox
    .command('retry [id]')
    .description(t('operator:cli.inbox_retry'))
    .option('--all')
    .action(async (id: string | undefined, options: { all?: boolean }) => {
      if (options.all ? id !== undefined : !/^\d+$/.test(id ?? ''))
        throw new OperatorError('option_invalid', { option: 'id', value: id ?? '' });
      const count = await withDatabase((db) => retryDeadLetters(db, options.all ? 'all' : { id: Number(id) }));
      if (count === 0 && !options.all) throw new OperatorError('dead_letter_unknown', { id: id ?? '' });
      print(t('operator:inbox.retried', { count }));
    });
}
