// The Bot API stand-in for the throughput benchmark, in a process of its own as Telegram's servers are: it queues the
// burst the benchmark wrote to BENCH_UPDATES_FILE, prints where it listens, and runs until stdin closes; then it prints
// what the groups saw (messages posted, edits) and how many taps were answered.
import { readFile } from 'node:fs/promises';
import { TelegramStandIn } from '../tests/stand-ins/telegram.js';

const api = new TelegramStandIn();
await api.start();
for (const update of JSON.parse(await readFile(process.env.BENCH_UPDATES_FILE!, 'utf8')) as Array<Record<string, unknown>>)
  api.push(update);
process.stdout.write(`${JSON.stringify({ token: api.token, apiRoot: api.apiRoot })}\n`);
process.stdin.resume();
process.stdin.on('end', () => {
  const inGroups = api.sent.filter((message) => message.chatId.startsWith('-'));
  const count = (method: string) => inGroups.filter((message) => message.method === method).length;
  process.stdout.write(
    `${JSON.stringify({ groupMessages: count('sendMessage'), groupEdits: count('editMessageText'), tapsAnswered: api.answers.length })}\n`,
  );
  void api.stop().then(() => process.exit(0));
});
