// The Bot API stand-in for the throughput benchmark, in a process of its own as Telegram's servers are: it queues
// the burst (a /support and a vote tap from each resident), prints where it listens, and runs until stdin closes.
import { TelegramStandIn, updates } from '../tests/stand-ins/telegram.js';

const residents = Number(process.env.BENCH_RESIDENTS ?? 5_000);
const buildings = Number(process.env.BENCH_BUILDINGS ?? 50);
const api = new TelegramStandIn();
await api.start();
for (let i = 0; i < residents; i++) {
  const from = { id: 10_000 + i, first_name: `居民${i}` };
  const chat = { id: -2000 - (i % buildings), type: 'supergroup' as const };
  api.push(updates.text(from, chat, `/support ${(i % buildings) + 1}`));
  api.push(updates.tap(from, chat, `v:${(i % buildings) + 1}:${i % 2}`));
}
process.stdout.write(`${JSON.stringify({ token: api.token, apiRoot: api.apiRoot })}\n`);
process.stdin.resume();
process.stdin.on('end', () => void api.stop().then(() => process.exit(0)));
