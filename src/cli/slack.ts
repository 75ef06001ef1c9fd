import type { Command } from 'commander';
import { slackManifest } from '../adapters/slack/manifest.js';
import { OperatorError } from '../core/errors.js';
import type { TFunction } from '../i18n/index.js';

/**
 * `yishi slack manifest <public-url> [--name yishi]`, or `yishi slack manifest --socket-mode`: the Slack app manifest
 * to paste at api.slack.com, as JSON.
 */
export function registerSlackCommands(program: Command, t: TFunction): void {
  program
    .command('slack')
    .description(t('operator:cli.slack'))
    .command('manifest [public-url]')
    .description(t('operator:cli.slack_manifest'))
    .option('--name <name>', 'the app and bot name', 'yishi')
    .option('--socket-mode', 'Socket Mode (SLACK_APP_TOKEN): no public URL')
    .action((publicUrl: string | undefined, options: { name: string; socketMode?: boolean }) => {
      let url: URL | null = null;
      if (!options.socketMode || publicUrl !== undefined) {
        try {
          url = new URL(publicUrl ?? '');
        } catch {
          throw new OperatorError('option_invalid', { option: '<public-url>', value: publicUrl ?? '' });
        }
        if (url.protocol !== 'https:' || options.socketMode)
          throw new OperatorError('option_invalid', { option: '<public-url>', value: publicUrl ?? '' });
      }
      const texts = { description: t('operator:slack.description'), command: t('operator:slack.command') };
      process.stdout.write(`${JSON.stringify(slackManifest(url?.href ?? null, texts, options.name), null, 2)}\n`);
    });
}
