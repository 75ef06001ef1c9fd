// `yishi`: the operators' command. Each subcommand prints in the operator's language (YISHI_LOCALE or LANG) and
// exits non-zero with one line naming the problem and the fix when it cannot do its work. Commands that change a
// community's data run through the engine's operations, in one transaction each.
import { Command } from 'commander';
import { loadConfig } from '../config.js';
import { createI18n, operatorLocale } from '../i18n/index.js';
import { describeFailure } from '../i18n/operator.js';
import { registerDemoCommands } from './demo.js';
import { registerInboxCommands } from './inbox.js';
import { migrate } from './migrate.js';
import { registerMinutesCommands } from './minutes.js';
import { registerSetupCommands } from './setup.js';
import { registerSlackCommands } from './slack.js';
import { runWorker } from './worker.js';

const t = createI18n().getFixedT(operatorLocale());
const program = new Command('yishi').description(t('operator:cli.description')).showHelpAfterError();

program
  .command('migrate')
  .description(t('operator:cli.migrate'))
  .action(async () => {
    process.stdout.write(`${await migrate(loadConfig().database, t)}\n`);
  });

program
  .command('worker')
  .description(t('operator:cli.worker'))
  .action(() => runWorker(t));

registerSetupCommands(program, t);
registerInboxCommands(program, t);
registerDemoCommands(program, t);
registerMinutesCommands(program, t);
registerSlackCommands(program, t);

try {
  await program.parseAsync();
} catch (error) {
  process.stderr.write(`yishi: ${describeFailure(error, t)}\n`);
  process.exitCode = 1;
}
