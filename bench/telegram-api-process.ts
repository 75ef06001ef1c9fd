// The Bot API stand-in for the throughput benchmark, in a process of its own as Telegram's servers are: it queues
// the burst (a support tap and a vote tap from each resident), prints where it listens, and runs until stdin closes;
// then it prints what the groups saw (messages posted, edits) and how many taps were answered.
import { TelegramStandIn, updates } from '../tests/stand-ins/telegram.js';

const residents = Number(process.env.BENCH_RESIDENTS ?? 5_000);
const buildings = Number(process.env.BENCH_BUILDINGS ?? 50);
const api = new TelegramStandIn();
await api.start();
for (let i = 0; i < residents; i++) {
  const from = { id: 10_000 + i, first_name: `居民${i}` };
  const chat = { id: -2000 - (i % buildings), type: 'supergroup' as const };
  api.push(updates.tap(from, chat, `s:${(i % buildings) + 1}`));
  api.push(updates.tap(from, chat, `v:${(i % buildings) + 1}:${i % 2}`));
}
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
