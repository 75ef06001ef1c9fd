// Benchmark: the Slack adapter end to end on PostgreSQL, the service started as `npm start` starts it (startService),
// Slack's side (the Web API stand-in, and the sender of signed requests) in a process of its own as Slack's servers are.
// 1. Inbound: a burst of BENCH_REQUESTS (default 5,000) signed requests, half `/yishi support <n>` (slash commands and
//    support buttons, alternately) and half vote buttons, from verified residents in 50 building channels, sent as
//    concurrent HTTP requests (BENCH_CONCURRENCY at a time, default 64). Reports requests/s acknowledged (200 once
//    recorded), updates/s from the first request until every inbox row is done, p50/p99 of the acks and of inbox to commit.
// 2. Outbound: BENCH_OUTBOUND_ROUNDS (default 10) `/yishi show <n>` in each of the 50 channels at once, each answered
//    in its channel by a chat.postMessage; timed from the first request until every outbox row is sent. Reports messages/s
//    over that time, the paced rate once every channel has had its first message (pacedPerSecond) against the
//    per-channel pacing's ceiling (50 channels, one message each per 1.1 s), and the stand-in's violations (two
//    chat.postMessage to one channel less than 1 s apart), which must be 0. Given up after
//    BENCH_OUTBOUND_TIMEOUT_S (default 30): the line then says "complete":false, messages/s null, and how many were sent.
// Each run uses a fresh database; BENCH_RUNS (default 3) runs, one JSON line each, then the medians and the pgbench ceiling.
//   BENCH_DATABASE_URL=postgresql://root@127.0.0.1:5432/postgres npm run bench:slack
import { type ChildProcess, spawn } from 'node:child_process';
import { createInterface, type Interface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import type { AdapterPlugin, ConfiguredAdapter } from '../src/adapters/shared/port.js';
import type { SlackConfig } from '../src/adapters/slack/adapter.js';
import { slack } from '../src/adapters/slack/index.js';
import { loadConfig } from '../src/config.js';
import { createLogger } from '../src/core/logger.js';
import type { PrismaClient } from '../src/db/generated/client.js';
import { createEngine } from '../src/engine/index.js';
import { createCommunity } from '../src/engine/modules/setup/create-community.js';
import { createI18n } from '../src/i18n/index.js';
import { startService } from '../src/main.js';
import { benchDatabaseUrl, pgbenchCeiling, withBenchDatabase } from './bench-database.js';
import type { BenchChannel, BenchUser, BurstRequest, BurstResult, StandInStats } from './slack-api-process.js';

const requestsWanted = Number(process.env.BENCH_REQUESTS ?? 5_000);
const concurrency = Number(process.env.BENCH_CONCURRENCY ?? 64);
const rounds = Number(process.env.BENCH_OUTBOUND_ROUNDS ?? 10);
const outboundTimeoutMs = Number(process.env.BENCH_OUTBOUND_TIMEOUT_S ?? 30) * 1000;
const inboundTimeoutMs = 180_000;
/** The service's pool, as the Telegram bench's (DATABASE_POOL_SIZE; the service's default is 10). */
const poolSize = 16;
const channelCount = 50;
/** Residents of the inbound burst: each sends a support and a vote. */
const residents = Math.floor(requestsWanted / 2);
const requests = residents * 2;
/** Residents of the outbound burst: `rounds` in each channel, one `/yishi show` each. */
const posters = channelCount * rounds;
/** The per-channel pacing's ceiling: every channel posting once per 1.1 s (slackLimits.groupChat). */
const pacingCeiling = Math.round((channelCount / 1.1) * 10) / 10;
const adminUrl = benchDatabaseUrl;
if (!adminUrl) {
  console.log('Set BENCH_DATABASE_URL to a PostgreSQL server where the user may create databases.');
  process.exit(0);
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const user = (n: number): BenchUser => ({ id: `U${String(n).padStart(8, '0')}`, name: `resident${n}` });
const channel = (i: number): BenchChannel => ({ id: `C${String(i + 1).padStart(8, '0')}`, name: `building-${i + 1}` });

/** Slack's side in its own process: the Web API stand-in, and the sender of signed requests. */
class SlackSide {
  private readonly lines: Interface;
  private readonly waiting: Array<(line: string) => void> = [];

  private constructor(private readonly child: ChildProcess) {
    this.lines = createInterface({ input: child.stdout! });
    this.lines.on('line', (line) => this.waiting.shift()?.(line));
  }

  static async start(): Promise<{ side: SlackSide; token: string; signingSecret: string; apiUrl: string }> {
    const child = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(new URL('./slack-api-process.ts', import.meta.url))], {
      stdio: ['pipe', 'pipe', 'inherit'],
    });
    const side = new SlackSide(child);
    const exited = new Promise<never>((_resolve, reject) =>
      child.once('exit', (code) => reject(new Error(`the Slack stand-in exited with ${code}`))),
    );
    exited.catch(() => {});
    const first = await Promise.race([new Promise<string>((resolve) => side.waiting.push(resolve)), exited]);
    return { side, ...(JSON.parse(first) as { token: string; signingSecret: string; apiUrl: string }) };
  }

  private ask<T>(message: unknown): Promise<T> {
    return new Promise((resolve) => {
      this.waiting.push((line) => resolve(JSON.parse(line) as T));
      this.child.stdin!.write(`${JSON.stringify(message)}\n`);
    });
  }

  burst(base: string, list: BurstRequest[]): Promise<BurstResult> {
    return this.ask({ op: 'burst', base, concurrency, requests: list });
  }

  stats(): Promise<StandInStats> {
    return this.ask({ op: 'stats' });
  }

  async stop(): Promise<void> {
    const ended = new Promise((resolve) => this.child.once('exit', resolve));
    this.child.stdin!.end();
    await Promise.race([ended, sleep(5_000)]);
    if (this.child.exitCode === null) this.child.kill();
  }
}

/** One community: 50 buildings each with a linked channel, an open issue and an open poll; a claimed household per resident. */
async function seed(p: PrismaClient): Promise<void> {
  const engine = createEngine({ db: p, logger: createLogger({ level: 'warn', format: 'json' }) });
  const community = await engine.operate((tx, now) => createCommunity(tx, { slug: 'bench', name: 'bench' }, now));
  await p.building.createMany({
    data: Array.from({ length: channelCount }, (_, i) => ({ communityId: community.id, name: `${i + 1}栋` })),
  });
  const buildings = await p.building.findMany({ where: { communityId: community.id }, orderBy: { id: 'asc' } });
  // Residents 1..residents send the inbound burst (resident n lives in building (n-1) % 50); the next `posters`
  // residents the outbound one (in building (n-1) % 50 too, `rounds` in each).
  const people = residents + posters;
  await p.household.createMany({
    data: Array.from({ length: people }, (_, i) => ({
      buildingId: buildings[i % channelCount]!.id,
      unit: String(i),
      areaM2: '80.00',
      ownerName: `o${i}`,
    })),
  });
  await p.member.createMany({
    data: Array.from({ length: people }, (_, i) => ({
      platform: 'slack' as const,
      platformUserId: user(i + 1).id,
      displayName: user(i + 1).name,
    })),
  });
  const households = await p.household.findMany({ where: { building: { communityId: community.id } }, orderBy: { id: 'asc' } });
  const members = await p.member.findMany({ orderBy: { id: 'asc' } });
  await p.householdClaim.createMany({ data: households.map((h, i) => ({ householdId: h.id, memberId: members[i]!.id })) });
  await p.chat.createMany({
    data: buildings.map((b, i) => ({
      platform: 'slack' as const,
      platformChatId: channel(i).id,
      title: `#${channel(i).name}`,
      kind: 'group' as const,
      binding: 'building' as const,
      communityId: community.id,
      buildingId: b.id,
      boundAt: new Date(),
    })),
  });
  const chats = await p.chat.findMany({ orderBy: { id: 'asc' } });
  for (const [i, b] of buildings.entries()) {
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
  await p.community.update({ where: { id: community.id }, data: { supportThresholdValue: 99_999 } });
  await p.communityCounter.create({ data: { communityId: community.id, lastIssueNumber: channelCount, lastPollNumber: channelCount } });
}

/** The inbound burst: each resident's support (a slash command or a support button, alternately) and vote button. */
function inboundBurst(): BurstRequest[] {
  const list: BurstRequest[] = [];
  for (let n = 1; n <= residents; n++) {
    const where = channel((n - 1) % channelCount);
    const number = ((n - 1) % channelCount) + 1;
    list.push(
      n % 2 === 0
        ? { kind: 'command', user: user(n), channel: where, text: `support ${number}` }
        : { kind: 'tap', user: user(n), channel: where, value: `s:${number}` },
    );
    list.push({ kind: 'tap', user: user(n), channel: where, value: `v:${number}:${n % 2}` });
  }
  return list;
}

/**
 * The outbound burst: round after round, one `/yishi show` per channel, each answered in the channel by a message of
 * its own (typed supports would be acknowledged together: fewer messages, nothing to measure the pacing with).
 */
function outboundBurst(): BurstRequest[] {
  const list: BurstRequest[] = [];
  for (let round = 0; round < rounds; round++)
    for (let i = 0; i < channelCount; i++) {
      const n = residents + round * channelCount + i + 1;
      list.push({ kind: 'command', user: user(n), channel: channel(i), text: `show ${i + 1}` });
    }
  return list;
}

type Counts = { inboxDone: number; inboxOther: number; outboxSent: number; outboxPending: number; outboxFailed: number };

async function counts(p: PrismaClient): Promise<Counts> {
  const [row] = await p.$queryRawUnsafe<Array<Record<keyof Counts, bigint>>>(`
    SELECT (SELECT count(*) FROM "InboxEvent" WHERE "state" = 'done') AS "inboxDone",
           (SELECT count(*) FROM "InboxEvent" WHERE "state" NOT IN ('done', 'pending')) AS "inboxOther",
           (SELECT count(*) FROM "OutboxNotice" WHERE "state" = 'sent') AS "outboxSent",
           (SELECT count(*) FROM "OutboxNotice" WHERE "state" = 'pending') AS "outboxPending",
           (SELECT count(*) FROM "OutboxNotice" WHERE "state" = 'failed') AS "outboxFailed"`);
  return Object.fromEntries(Object.entries(row!).map(([key, value]) => [key, Number(value)])) as Counts;
}

/** Polls the database every 50 ms until `done`, or until `deadline` (epoch ms); resolves with when, and the counts. */
async function until(
  p: PrismaClient,
  done: (c: Counts) => boolean,
  deadline: number,
): Promise<{ at: number; counts: Counts; met: boolean }> {
  for (;;) {
    const c = await counts(p);
    const at = Date.now();
    if (done(c)) return { at, counts: c, met: true };
    if (at > deadline) return { at, counts: c, met: false };
    await sleep(50);
  }
}

/** The Slack plug-in as shipped. */
function platforms(settings: SlackConfig): ConfiguredAdapter[] {
  return [{ plugin: slack as unknown as AdapterPlugin<unknown>, settings }];
}

type Run = {
  inbound: {
    requests: number;
    acks: number;
    ackPerSecond: number;
    updatesPerSecond: number;
    seconds: number;
    ackP50Ms: number;
    ackP99Ms: number;
    commitP50Ms: number;
    commitP99Ms: number;
    supports: number;
    ballots: number;
  };
  outbound: {
    messages: number;
    sent: number;
    complete: boolean;
    seconds: number;
    /** Null when not every message went out before the timeout: the rate so far says nothing of the whole burst. */
    messagesPerSecond: number | null;
    /** After every channel's first message: (messages - 50) / (last chat.postMessage - first), against `pacingCeiling`. */
    pacedPerSecond: number | null;
    pacingCeiling: number;
    postMessages: number;
    violations: number;
  };
  violations: number;
};

/** Both bursts on a fresh database: outbound first (an empty outbox), then inbound. */
async function runOnce(): Promise<Run> {
  return withBenchDatabase(adminUrl, 4, async (database) => {
    const p = database.prisma;
    const [{ name }] = await p.$queryRawUnsafe<[{ name: string }]>('SELECT current_database() AS name');
    const url = new URL(adminUrl);
    url.pathname = `/${name}`;
    await seed(p);
    const { side, token, signingSecret, apiUrl } = await SlackSide.start();
    try {
      const config = loadConfig(
        {
          DATABASE_URL: url.toString(),
          DATABASE_POOL_SIZE: String(poolSize),
          HOST: '127.0.0.1',
          PORT: '0',
          SLACK_BOT_TOKEN: token,
          SLACK_SIGNING_SECRET: signingSecret,
          SLACK_API_URL: apiUrl,
          YISHI_WEBCHAT: '0',
          LOG_LEVEL: 'warn',
          LOG_FORMAT: 'json',
        },
        false,
      );
      const logger = createLogger(config.log);
      const service = await startService(config, logger, createI18n(), { platforms: platforms(config.slack!) });
      try {
        const base = `http://127.0.0.1:${service.address.port}`;

        // 2. Outbound: 50 channels at once, `rounds` messages each.
        const before = await side.stats();
        const outboundSent = side.burst(base, outboundBurst());
        const outbound = await until(
          p,
          (c) => c.inboxDone + c.inboxOther >= posters && c.outboxSent + c.outboxFailed >= posters && c.outboxPending === 0,
          Date.now() + outboundTimeoutMs,
        );
        const outboundAcks = await outboundSent;
        if (outboundAcks.acks !== posters) throw new Error(`outbound burst: ${JSON.stringify(outboundAcks.statuses)}`);
        const afterOutbound = await side.stats();
        const outboundSeconds = (outbound.at - outboundAcks.firstRequestAt) / 1000;

        // 1. Inbound: the burst of supports and votes, until every inbox row is done.
        const inboxBefore = outbound.counts.inboxDone + outbound.counts.inboxOther;
        const [{ lastId }] = await p.$queryRawUnsafe<[{ lastId: number }]>(
          `SELECT coalesce(max("id"), 0)::int AS "lastId" FROM "InboxEvent"`,
        );
        const inboundSent = side.burst(base, inboundBurst());
        const inbound = await until(
          p,
          (c) => c.inboxDone >= inboxBefore + requests || c.inboxOther > outbound.counts.inboxOther,
          Date.now() + inboundTimeoutMs,
        );
        const inboundAcks = await inboundSent;
        if (inboundAcks.acks !== requests) throw new Error(`inbound burst: ${JSON.stringify(inboundAcks.statuses)}`);
        if (!inbound.met || inbound.counts.inboxOther > outbound.counts.inboxOther)
          throw new Error(`inbound burst not done: ${JSON.stringify(inbound.counts)}`);
        const seconds = (inbound.at - inboundAcks.firstRequestAt) / 1000;
        const latencies = (
          await p.$queryRawUnsafe<Array<{ ms: number }>>(
            `SELECT EXTRACT(EPOCH FROM ("processedAt" - "receivedAt")) * 1000 AS ms FROM "InboxEvent" WHERE "id" > ${lastId} ORDER BY 1`,
          )
        ).map((row) => Number(row.ms));
        const at = (q: number) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))]!;
        const end = await side.stats();
        return {
          inbound: {
            requests,
            acks: inboundAcks.acks,
            ackPerSecond: Math.round(requests / ((inboundAcks.lastAckAt - inboundAcks.firstRequestAt) / 1000)),
            updatesPerSecond: Math.round(requests / seconds),
            seconds: Number(seconds.toFixed(2)),
            ackP50Ms: inboundAcks.p50Ms,
            ackP99Ms: inboundAcks.p99Ms,
            commitP50Ms: Math.round(at(0.5)),
            commitP99Ms: Math.round(at(0.99)),
            supports: await p.support.count(),
            ballots: await p.ballot.count(),
          },
          outbound: {
            messages: posters,
            sent: outbound.counts.outboxSent,
            complete: outbound.met,
            seconds: Number(outboundSeconds.toFixed(2)),
            messagesPerSecond: outbound.met ? Number((outbound.counts.outboxSent / outboundSeconds).toFixed(1)) : null,
            pacedPerSecond:
              outbound.met && afterOutbound.lastPostAt !== null && afterOutbound.firstPostAt !== null && rounds > 1
                ? Number(
                    (((afterOutbound.postMessages - channelCount) / (afterOutbound.lastPostAt - afterOutbound.firstPostAt)) * 1000).toFixed(
                      1,
                    ),
                  )
                : null,
            pacingCeiling,
            postMessages: afterOutbound.postMessages - before.postMessages,
            violations: afterOutbound.violations - before.violations,
          },
          // Over the whole run, the inbound burst's replies included.
          violations: end.violations,
        };
      } finally {
        await service.stop();
      }
    } finally {
      await side.stop();
    }
  });
}

const runs: Run[] = [];
for (let run = 1; run <= Number(process.env.BENCH_RUNS ?? 3); run++) {
  runs.push(await runOnce());
  console.log(JSON.stringify({ run, ...runs.at(-1) }));
}
const median = (pick: (run: Run) => number) => runs.map(pick).sort((a, b) => a - b)[Math.floor(runs.length / 2)]!;
const range = (pick: (run: Run) => number) => [Math.min(...runs.map(pick)), Math.max(...runs.map(pick))];
const ceiling = await pgbenchCeiling(benchDatabaseUrl);
console.log(
  JSON.stringify({
    median: {
      inbound: {
        requests,
        ackPerSecond: median((r) => r.inbound.ackPerSecond),
        updatesPerSecond: median((r) => r.inbound.updatesPerSecond),
        updatesPerSecondRange: range((r) => r.inbound.updatesPerSecond),
        ackP50Ms: median((r) => r.inbound.ackP50Ms),
        ackP99Ms: median((r) => r.inbound.ackP99Ms),
        commitP50Ms: median((r) => r.inbound.commitP50Ms),
        commitP99Ms: median((r) => r.inbound.commitP99Ms),
      },
      outbound: {
        messages: posters,
        complete: runs.every((r) => r.outbound.complete),
        ...(runs.every((r) => r.outbound.complete)
          ? {
              messagesPerSecond: median((r) => r.outbound.messagesPerSecond!),
              messagesPerSecondRange: range((r) => r.outbound.messagesPerSecond!),
              pacedPerSecond: median((r) => r.outbound.pacedPerSecond ?? 0),
            }
          : { messagesPerSecond: null, sentBeforeTimeout: median((r) => r.outbound.sent), timeoutSeconds: outboundTimeoutMs / 1000 }),
        pacingCeiling,
        violations: Math.max(...runs.map((r) => r.violations)),
      },
    },
    runs: runs.length,
    concurrency,
    poolSize,
    pgbenchInsertTps: ceiling,
  }),
);
