// Benchmark: a burst of 10,000 Telegram updates (support taps and vote taps from 5,000 verified residents)
// fetched with getUpdates from the Bot API stand-in, recorded in the inbox and processed by the engine, each
// committed to the database, while the delivery loop answers the taps and edits the issues' cards. Reports updates/s
// and the p50/p99 latency from inbox to commit, and what the groups saw: messages posted and edits per 1,000 taps.
//   BENCH_DATABASE_URL=postgresql://root@127.0.0.1:5432/test npm run bench:telegram   (BENCH_RUNS, default 3; median reported)
import { type ChildProcess, spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { pino } from 'pino';
import { createTelegramAdapter } from '../src/adapters/telegram/bot.js';
import { translateUpdate } from '../src/adapters/telegram/translate.js';
import { createDelivery } from '../src/delivery/delivery.js';
import { createEngine } from '../src/engine/index.js';
import { createCommunity } from '../src/engine/modules/setup/create-community.js';
import { createI18n } from '../src/i18n/index.js';
import { createInbox } from '../src/inbox/inbox.js';
import { benchDatabaseUrl, pgbenchCeiling, withBenchDatabase } from './bench-database.js';

const residents = Number(process.env.BENCH_RESIDENTS ?? 5_000);
const buildings = 50;
const adminUrl = benchDatabaseUrl;
if (!adminUrl) {
  console.log('Set BENCH_DATABASE_URL to a PostgreSQL server where the user may create databases.');
  process.exit(0);
}

const api: { process: ChildProcess | null } = { process: null };

/** What the groups saw, as the stand-in tells it when its stdin closes. */
type Seen = { groupMessages: number; groupEdits: number; tapsAnswered: number };
let seen: Promise<Seen> = Promise.resolve({ groupMessages: 0, groupEdits: 0, tapsAnswered: 0 });

/** Starts the Bot API stand-in in its own process, the burst queued; resolves with its address. */
function startApi(): Promise<{ token: string; apiRoot: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(new URL('./telegram-api-process.ts', import.meta.url))], {
    env: { ...process.env, BENCH_RESIDENTS: String(residents), BENCH_BUILDINGS: String(buildings) },
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  api.process = child;
  // Its first line says where it listens; its second, at the end, what the groups saw.
  const lines = createInterface({ input: child.stdout! })[Symbol.asyncIterator]();
  const first = lines.next();
  seen = first.then(() => lines.next()).then(({ value }) => JSON.parse(value as string) as Seen);
  return new Promise((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`the Bot API stand-in exited with ${code}`)));
    void first.then(({ value }) => resolve(JSON.parse(value as string)));
  });
}
type Run = {
  seconds: number;
  updatesPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  supports: number;
  ballots: number;
  groupMessagesPer1000Taps: number;
  groupEditsPer1000Taps: number;
  tapsAnswered: number;
};

/** One burst on a fresh database. */
async function runOnce(): Promise<Run> {
  return withBenchDatabase(adminUrl, 16, async (database) => {
    try {
      const p = database.prisma;
      const logger = pino({ level: 'warn' });
      const engine = createEngine({ db: p, logger, settings: { floodLimit: 1_000_000 } });

      // Seed: one community, 50 buildings, a household and a verified resident each, a linked chat, an issue and a poll per building.
      const community = await engine.operate((tx, now) => createCommunity(tx, { slug: 'bench', name: 'bench' }, now));
      await p.building.createMany({
        data: Array.from({ length: buildings }, (_, i) => ({ communityId: community.id, name: `${i + 1}栋` })),
      });
      const buildingRows = await p.building.findMany({ where: { communityId: community.id }, orderBy: { id: 'asc' } });
      await p.household.createMany({
        data: Array.from({ length: residents }, (_, i) => ({
          buildingId: buildingRows[i % buildings]!.id,
          unit: String(i),
          areaM2: '80.00',
          ownerName: `o${i}`,
        })),
      });
      await p.member.createMany({
        data: Array.from({ length: residents }, (_, i) => ({
          platform: 'telegram' as const,
          platformUserId: String(10_000 + i),
          displayName: `居民${i}`,
        })),
      });
      const households = await p.household.findMany({ where: { building: { communityId: community.id } }, orderBy: { id: 'asc' } });
      const members = await p.member.findMany({ orderBy: { id: 'asc' } });
      await p.householdClaim.createMany({ data: households.map((h, i) => ({ householdId: h.id, memberId: members[i]!.id })) });
      await p.chat.createMany({
        data: buildingRows.map((b, i) => ({
          platform: 'telegram' as const,
          platformChatId: String(-2000 - i),
          kind: 'group' as const,
          binding: 'building' as const,
          communityId: community.id,
          buildingId: b.id,
        })),
      });
      const chats = await p.chat.findMany({ orderBy: { id: 'asc' } });
      for (const [i, b] of buildingRows.entries()) {
        const issue = await p.issue.create({
          data: { communityId: community.id, number: i + 1, text: `issue ${i}`, buildingId: b.id, originChatId: chats[i]!.id },
        });
        // Its card, already in the group: supports are counted into it by editing it.
        await p.outboxNotice.create({
          data: {
            chatId: chats[i]!.id,
            type: 'issue.raised',
            params: { number: i + 1, text: `issue ${i}`, category: null, scope: { building: b.name }, level: 'building' },
            locale: 'zh-CN',
            dedupeKey: `issue.card:${issue.id}`,
            state: 'sent',
            platformMessageId: String(i + 1),
          },
        });
        await p.poll.create({
          data: {
            communityId: community.id,
            number: i + 1,
            kind: 'ordinary',
            question: 'q',
            buildingId: b.id,
            chatId: chats[i]!.id,
            closesAt: new Date(Date.now() + 86_400_000),
            options: {
              create: [
                { position: 0, label: 'a' },
                { position: 1, label: 'b' },
              ],
            },
          },
        });
      }
      await p.community.update({
        where: { id: community.id },
        data: { lastIssueNumber: buildings, lastPollNumber: buildings, supportThresholdValue: 99_999 },
      });

      const { token, apiRoot } = await startApi();
      const total = residents * 2;

      const inbox = createInbox({ db: p, engine, translators: { telegram: translateUpdate }, logger, concurrency: 16 });
      const telegram = await createTelegramAdapter({
        config: { token, apiRoot },
        i18n: createI18n(),
        logger,
        record: (events) => inbox.record('telegram', events),
      });
      const delivery = createDelivery({ db: p, ports: [telegram.outbound], logger });
      const started = performance.now();
      inbox.start();
      if (process.env.BENCH_DELIVERY !== '0') delivery.start();
      await telegram.start();
      for (;;) {
        const done = await p.inboxEvent.count({ where: { state: 'done' } });
        if (done >= total) break;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      const seconds = (performance.now() - started) / 1000;
      await telegram.stop();
      await inbox.stop();
      // Then until every answer and edit is out (the last edit of a card waits for the group's rate window).
      while (process.env.BENCH_DELIVERY !== '0' && (await p.outboxNotice.count({ where: { state: 'pending' } })) > 0)
        await new Promise((resolve) => setTimeout(resolve, 200));
      await delivery.stop();
      api.process?.stdin?.end();
      const groups = await seen;

      const latencies = (
        await p.$queryRawUnsafe<Array<{ ms: number }>>(
          `SELECT EXTRACT(EPOCH FROM ("processedAt" - "receivedAt")) * 1000 AS ms FROM "InboxEvent" ORDER BY 1`,
        )
      ).map((row) => Number(row.ms));
      const at = (q: number) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))]!;
      const supports = await p.support.count();
      const ballots = await p.ballot.count();
      return {
        seconds: Number(seconds.toFixed(2)),
        updatesPerSecond: Math.round(total / seconds),
        p50Ms: Math.round(at(0.5)),
        p99Ms: Math.round(at(0.99)),
        supports,
        ballots,
        groupMessagesPer1000Taps: Math.round((groups.groupMessages * 1000) / total),
        groupEditsPer1000Taps: Math.round((groups.groupEdits * 1000) / total),
        tapsAnswered: groups.tapsAnswered,
      };
    } finally {
      api.process?.stdin?.end();
    }
  });
}

const runs: Run[] = [];
for (let run = 1; run <= Number(process.env.BENCH_RUNS ?? 3); run++) {
  runs.push(await runOnce());
  console.log(JSON.stringify({ run, updates: residents * 2, ...runs.at(-1) }));
}
const median = (pick: (run: Run) => number) => runs.map(pick).sort((a, b) => a - b)[Math.floor(runs.length / 2)]!;
const ceiling = await pgbenchCeiling(benchDatabaseUrl);
console.log(
  JSON.stringify({
    median: {
      updatesPerSecond: median((r) => r.updatesPerSecond),
      p50Ms: median((r) => r.p50Ms),
      p99Ms: median((r) => r.p99Ms),
      groupMessagesPer1000Taps: median((r) => r.groupMessagesPer1000Taps),
      groupEditsPer1000Taps: median((r) => r.groupEditsPer1000Taps),
    },
    runs: runs.length,
    pgbenchInsertTps: ceiling,
  }),
);
