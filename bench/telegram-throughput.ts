// Benchmark: a burst of 10,000 Telegram updates (/support commands and vote taps from 5,000 verified residents)
// fetched with getUpdates from the Bot API stand-in, recorded in the inbox and processed by the engine, each
// committed to the database. Reports updates/s and the p50/p99 latency from inbox to commit.
//   BENCH_DATABASE_URL=postgresql://root@127.0.0.1:5432/test npm run bench:telegram
import pg from 'pg';
import { pino } from 'pino';
import { createTelegramAdapter } from '../src/adapters/telegram/bot.js';
import { translateUpdate } from '../src/adapters/telegram/translate.js';
import { openPostgres } from '../src/db/database.js';
import { applyMigrations } from '../src/db/migrations.js';
import { createEngine } from '../src/engine/index.js';
import { createCommunity } from '../src/engine/modules/setup/create-community.js';
import { createI18n } from '../src/i18n/index.js';
import { createInbox } from '../src/inbox/inbox.js';
import { TelegramStandIn, updates } from '../tests/stand-ins/telegram.js';

const residents = Number(process.env.BENCH_RESIDENTS ?? 5_000);
const buildings = 50;
const adminUrl = process.env.BENCH_DATABASE_URL ?? process.env.TEST_DATABASE_URL;
if (!adminUrl) {
  console.log('Set BENCH_DATABASE_URL to a PostgreSQL server where the user may create databases.');
  process.exit(0);
}

const name = `yishi_bench_tg_${process.pid}`;
const admin = new pg.Client({ connectionString: adminUrl });
await admin.connect();
await admin.query(`CREATE DATABASE "${name}"`);
const url = new URL(adminUrl);
url.pathname = `/${name}`;
const database = await openPostgres({ url: url.toString(), poolSize: 16, acquireTimeoutMs: 30_000 });
const api = new TelegramStandIn();
try {
  await applyMigrations(database.adapterFactory);
  const p = database.prisma;
  const logger = pino({ level: 'warn' });
  const engine = createEngine({ db: p, logger, settings: { floodLimit: 1_000_000 } });

  // Seed: one community, 50 buildings, a household and a verified resident each, a linked chat, an issue and a poll per building.
  const community = await engine.operate((tx, now) => createCommunity(tx, { slug: 'bench', name: 'bench' }, now));
  await p.building.createMany({ data: Array.from({ length: buildings }, (_, i) => ({ communityId: community.id, name: `${i + 1}栋` })) });
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
    await p.issue.create({
      data: { communityId: community.id, number: i + 1, text: `issue ${i}`, buildingId: b.id, originChatId: chats[i]!.id },
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

  await api.start();
  for (let i = 0; i < residents; i++) {
    const from = { id: 10_000 + i, first_name: `居民${i}` };
    const chat = { id: -2000 - (i % buildings), type: 'supergroup' as const };
    api.push(updates.text(from, chat, `/support ${(i % buildings) + 1}`));
    api.push(updates.tap(from, chat, `v:${(i % buildings) + 1}:${i % 2}`));
  }
  const total = residents * 2;

  const inbox = createInbox({ db: p, engine, translators: { telegram: translateUpdate }, logger, concurrency: 16 });
  const telegram = await createTelegramAdapter({
    config: { token: api.token, apiRoot: api.apiRoot },
    i18n: createI18n(),
    logger,
    record: (events) => inbox.record('telegram', events),
  });
  const started = performance.now();
  inbox.start();
  await telegram.start();
  for (;;) {
    const done = await p.inboxEvent.count({ where: { state: 'done' } });
    if (done >= total) break;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  const seconds = (performance.now() - started) / 1000;
  await telegram.stop();
  await inbox.stop();

  const latencies = (
    await p.$queryRawUnsafe<Array<{ ms: number }>>(
      `SELECT EXTRACT(EPOCH FROM ("processedAt" - "receivedAt")) * 1000 AS ms FROM "InboxEvent" ORDER BY 1`,
    )
  ).map((row) => Number(row.ms));
  const at = (q: number) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))]!;
  const supports = await p.support.count();
  const ballots = await p.ballot.count();
  console.log(
    JSON.stringify({
      updates: total,
      seconds: Number(seconds.toFixed(2)),
      updatesPerSecond: Math.round(total / seconds),
      p50Ms: Math.round(at(0.5)),
      p99Ms: Math.round(at(0.99)),
      supports,
      ballots,
    }),
  );
} finally {
  await api.stop();
  await database.close();
  await admin.query(`DROP DATABASE "${name}" WITH (FORCE)`);
  await admin.end();
}
