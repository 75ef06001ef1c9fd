import type { Command } from 'commander';
import { resetDemo } from '../adapters/web/demo.js';
import { loadConfig } from '../config.js';
import { createLocalTranscript } from '../delivery/local-transcript.js';
import { createEngine } from '../engine/index.js';
import type { TFunction } from '../i18n/index.js';
import { withDatabase } from './with-engine.js';

/** `yishi demo reset`: the local web chat's demo community, recreated; real communities are never touched. */
export function registerDemoCommands(program: Command, t: TFunction): void {
  program
    .command('demo')
    .description(t('operator:cli.demo'))
    .command('reset')
    .description(t('operator:cli.demo_reset'))
    .action(async () => {
      const { ballotSecret } = loadConfig();
      await withDatabase(async (db) => {
        const chats = await resetDemo(createEngine({ db, settings: { ballotSecret } }));
        await createLocalTranscript(db).clear(chats);
      });
      process.stdout.write(`${t('operator:demo.reset')}\n`);
    });
}
