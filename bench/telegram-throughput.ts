// Benchmark: bursts of Telegram updates fetched with getUpdates from the Bot API stand-in, recorded in the inbox and
// processed by the engine, each committed to the database, while the delivery loop answers taps and sends replies as
// in `npm start`. Each scenario is the traffic of one kind of moment (BENCH_SCENARIOS, comma-separated; default taps):
//   taps         a support tap and a vote tap from each of 5,000 verified residents (10,000 updates)
//   start-claim  1,000 newcomers each sending /start then /claim <code> in their private chat (2,000 updates)
//   issue        1,000 residents each raising /issue in their building's group, against 2,000 open issues (the
//                near-duplicate check reads them)
//   day          5,000 updates as a day brings them: support and vote taps, typed /support, /issue, /show, /issues
// A burst ends when every update is committed and every tap answered. Reports updates/s, the p50/p99 latency from
// inbox to commit, this process's CPU time per update, with a PostgreSQL server on this machine its processes' CPU time
// per update and the stand-in's (what the whole machine spent), SQL statements per update (every query the pg driver
// sent, transactions' BEGIN and COMMIT included), and what the groups saw: messages posted and edits per 1,000 updates.
//   BENCH_DATABASE_URL=postgresql://root@127.0.0.1:5432/postgres npm run bench:telegram   (BENCH_RUNS, default 3; median)
//   BENCH_SCENARIOS=start-claim,issue,day npm run bench:telegram;  BENCH_DELIVERY=0 leaves the delivery loop off.
//   BENCH_CPU_PROFILE=<folder> writes a V8 CPU profile of each burst (seeding excluded): <scenario>-<run>.cpuprofile.
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { Session } from 'node:inspector/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { pino } from 'pino';
import { createTelegramAdapter } from '../src/adapters/telegram/bot.js';
import { translateUpdate } from '../src/adapters/telegram/translate.js';
import type { PrismaClient } from '../src/db/generated/client.js';
import { createDelivery } from '../src/delivery/delivery.js';
import { createEngine, type Engine } from '../src/engine/index.js';
import { tokens } from '../src/engine/modules/issues/similarity.js';
import { issueClaimCodes } from '../src/engine/modules/setup/issue-codes.js';
import { createI18n } from '../src/i18n/index.js';
import { createInbox } from '../src/inbox/inbox.js';
import { updates } from '../tests/stand-ins/telegram.js';
import { benchDatabaseUrl, benchOnPglite, pgbenchCeiling, withBenchDatabase } from './bench-database.js';
import { buildings, groupOf, numberOf, residentOf, seedWorld, tapBurst, type World } from './world.js';

// Every statement the pg driver sends in this process, counted: the engine's and the delivery's alike.
let statements = 0;
const sendQuery = pg.Client.prototype.query;
pg.Client.prototype.query = function (this: pg.Client, ...args: unknown[]) {
  statements += 1;
  return (sendQuery as (...a: unknown[]) => unknown).apply(this, args);
} as typeof pg.Client.prototype.query;

const residents = Number(process.env.BENCH_RESIDENTS ?? 5_000);
const adminUrl = benchDatabaseUrl;
if (!adminUrl && !benchOnPglite) {
  console.log('Set BENCH_DATABASE_URL to a PostgreSQL server where the user may create databases.');
  process.exit(0);
}

const api: { process: ChildProcess | null } = { process: null };

/** What the groups saw, as the stand-in tells it when its stdin closes. */
type Seen = { groupMessages: number; groupEdits: number; tapsAnswered: number };
let seen: Promise<Seen> = Promise.resolve({ groupMessages: 0, groupEdits: 0, tapsAnswered: 0 });

/** Starts the Bot API stand-in in its own process, the burst queued; resolves with its address. */
async function startApi(burst: unknown[]): Promise<{ token: string; apiRoot: string }> {
  const file = path.join(tmpdir(), `yishi-bench-updates-${process.pid}.json`);
  await writeFile(file, JSON.stringify(burst));
  const child = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(new URL('./telegram-api-process.ts', import.meta.url))], {
    env: { ...process.env, BENCH_UPDATES_FILE: file },
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
  scenario: string;
  updates: number;
  seconds: number;
  updatesPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  /** CPU time of this process (engine, delivery, Telegram adapter) during the burst, per update. */
  cpuMsPerUpdate: number;
  /** CPU time of the PostgreSQL server's processes during the burst, per update (null: not on this machine, or PGlite). */
  postgresCpuMsPerUpdate: number | null;
  /** CPU time of the Bot API stand-in's process during the burst, per update. */
  standInCpuMsPerUpdate: number;
  supports: number;
  ballots: number;
  /** /issue held as a draft because it looked like an open issue. */
  drafts: number;
  statementsPerUpdate: number;
  groupMessagesPer1000: number;
  groupPostsQueuedPer1000: number;
  groupEditsPer1000: number;
  tapsAnswered: number;
  /** The bench process's peak resident memory so far (engine, delivery and, with BENCH_DATABASE=pglite, the database). */
  peakRssMb: number;
};

const texts = {
  places: ['电梯', '楼道灯', '地下车库', '单元门禁', '垃圾桶', '路灯', '绿化带', '水管', '消防通道', '快递柜', '健身器材', '停车位'],
  problems: ['坏了好几天', '晚上不亮', '漏水严重', '经常堆满', '被占用', '需要维修', '噪音太大', '存在安全隐患', '没人清理', '门锁失灵'],
};
/** An issue text from a small vocabulary: most look like an open issue, as many do in a real community. */
const issueText = (n: number) =>
  `${texts.places[n % texts.places.length]}${texts.problems[Math.floor(n / texts.places.length) % texts.problems.length]}，第${n % 97}次反映`;
/** An issue text like no other (twelve characters drawn from the CJK block by a fixed sequence): raised, not held. */
const novelText = (n: number) =>
  Array.from({ length: 12 }, (_, k) => String.fromCodePoint(0x4e00 + ((n * 7_919 + k * 104_729) % 20_000))).join('');
/** Every other /issue is new; the rest look like an open one and are held as drafts, offering to support it. */
const raisedText = (n: number) => (n % 2 === 0 ? novelText(n) : issueText(n));

/** The updates of a scenario, after any seeding it needs beyond the world every scenario shares. */
async function burstOf(scenario: string, p: PrismaClient, engine: Engine, world: World): Promise<unknown[]> {
  const dm = (person: { id: number }) => ({ id: person.id, type: 'private' as const });
  if (scenario === 'taps') return tapBurst(residents);
  if (scenario === 'start-claim') {
    const newcomers = 1_000;
    await p.household.createMany({
      data: Array.from({ length: newcomers }, (_, i) => ({
        buildingId: world.buildingIds[i % buildings]!,
        unit: `n${i}`,
        areaM2: '80.00',
        ownerName: `n${i}`,
      })),
    });
    const codes = await engine.operate((tx, now) => issueClaimCodes(tx, 'bench', { unclaimedOnly: true, days: 30 }, now));
    return codes.flatMap((code, i) => {
      const person = { id: 500_000 + i, first_name: `新居民${i}` };
      return [updates.text(person, dm(person), '/start'), updates.text(person, dm(person), `/claim ${code.code}`)];
    });
  }
  if (scenario === 'issue') {
    await seedOpenIssues(p, world, 2_000);
    return Array.from({ length: 1_000 }, (_, i) => updates.text(residentOf(i), groupOf(i), `/issue ${raisedText(i)}`));
  }
  if (scenario === 'day') {
    await seedOpenIssues(p, world, 2_000);
    return Array.from({ length: 5_000 }, (_, i) => {
      const who = residentOf(i);
      const where = groupOf(i);
      switch (i % 10) {
        case 0:
        case 1:
        case 2:
          return updates.tap(who, where, `s:${numberOf(i)}`);
        case 3:
        case 4:
          return updates.tap(who, where, `v:${numberOf(i)}:${i % 2}`);
        case 5:
          return updates.text(who, where, `/support ${numberOf(i) + buildings * ((i >> 4) % 40)}`);
        case 6:
          return updates.text(who, where, `/issue ${raisedText(i >> 1)}`);
        case 7:
          return updates.text(who, where, `/show ${numberOf(i)}`);
        case 8:
          return updates.text(who, dm(who), '/issues');
        default:
          return updates.text(who, where, `/show ${numberOf(i) + buildings}`);
      }
    });
  }
  throw new Error(`unknown scenario ${scenario}: taps, start-claim, issue or day`);
}

/** Open issues in the buildings' groups beyond the one each already has, numbered on from there. */
async function seedOpenIssues(p: PrismaClient, world: World, count: number): Promise<void> {
  await p.issue.createMany({
    data: Array.from({ length: count - buildings }, (_, i) => ({
      communityId: world.communityId,
      number: buildings + i + 1,
      text: issueText(i),
      tokens: [...tokens(issueText(i))],
      buildingId: world.buildingIds[i % buildings]!,
      originChatId: world.chats[i % buildings]!.id,
    })),
  });
  await p.communityCounter.update({ where: { communityId: world.communityId }, data: { lastIssueNumber: count } });
}

/** CPU time (user and system) of a process of this machine so far, in ms, from /proc (Linux; NaN elsewhere). */
function processCpuMs(pid: number): number {
  if (!hasProc) return Number.NaN;
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / clockTicksPerSecond;
}
const clockTicksPerSecond = 100;
const hasProc = existsSync('/proc/self/stat');

/** CPU time of every PostgreSQL server process on this machine so far (any database's), or null if there are none. */
function postgresCpuMs(): number | null {
  if (benchOnPglite || !hasProc) return null;
  let total = 0;
  let found = false;
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (readFileSync(`/proc/${entry}/comm`, 'utf8').trim() !== 'postgres') continue;
      total += processCpuMs(Number(entry));
      found = true;
    } catch {
      // The process ended while it was being read.
    }
  }
  return found ? total : null;
}

/** Profiles this process's CPU from now until the returned function is called with the file to write. */
async function startCpuProfile(): Promise<(file: string) => Promise<void>> {
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.start');
  return async (file) => {
    const { profile } = await session.post('Profiler.stop');
    session.disconnect();
    await mkdir(path.dirname(file), { recursive: true });
    await writeFile(file, JSON.stringify(profile));
  };
}

/** One burst of a scenario on a fresh database. */
async function runOnce(scenario: string, run: number): Promise<Run> {
  return withBenchDatabase(adminUrl, 16, async (database) => {
    try {
      const p = database.prisma;
      const logger = pino({ level: 'warn' });
      const engine = createEngine({ db: p, logger, settings: { floodLimit: 1_000_000 } });

      // Seed: one community, 50 buildings, a household and a verified resident each, a linked chat, an issue and a poll per building.
      const world = await seedWorld(p, engine, residents);
      const burst = await burstOf(scenario, p, engine, world);
      // The statistics autovacuum gathers within a minute of an import like this seeding (and the embedded database's
      // own ANALYZE at start: embedded-statistics.ts); without them the first plans are those of empty tables.
      await p.$executeRawUnsafe('ANALYZE');
      const total = burst.length;
      const { token, apiRoot } = await startApi(burst);

      let wakeDelivery = () => {};
      const inbox = createInbox({ db: p, engine, translators: { telegram: translateUpdate }, logger, afterHandled: () => wakeDelivery() });
      const telegram = await createTelegramAdapter({
        config: { token, apiRoot },
        i18n: createI18n(),
        logger,
        record: (events) => inbox.record('telegram', events),
      });
      const delivery = createDelivery({ db: p, ports: [telegram.outbound], logger });
      wakeDelivery = delivery.wake;
      const before = await p.inboxEvent.count({ where: { state: 'done' } });
      const outboxBefore = (await p.outboxNotice.aggregate({ _max: { id: true } }))._max.id ?? 0;
      statements = 0;
      const profileDir = process.env.BENCH_CPU_PROFILE;
      const stopProfile = profileDir ? await startCpuProfile() : null;
      const started = performance.now();
      const cpuBefore = process.cpuUsage();
      const postgresBefore = postgresCpuMs();
      const standInBefore = processCpuMs(api.process!.pid!);
      inbox.start();
      if (process.env.BENCH_DELIVERY !== '0') delivery.start();
      await telegram.start();
      // The burst ends when every update is handled and every tap answered (answers wait for no rate window).
      for (;;) {
        const done = await p.inboxEvent.count({ where: { state: { in: ['done', 'dead'] } } });
        const answering =
          process.env.BENCH_DELIVERY === '0' ? 0 : await p.outboxNotice.count({ where: { state: 'pending', answersTap: { not: null } } });
        if (done >= before + total && answering === 0) break;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      const seconds = (performance.now() - started) / 1000;
      const cpu = process.cpuUsage(cpuBefore);
      const postgresCpu = postgresBefore === null ? null : postgresCpuMs()! - postgresBefore;
      const standInCpu = processCpuMs(api.process!.pid!) - standInBefore;
      const sent = statements;
      if (stopProfile) await stopProfile(path.join(profileDir!, `${scenario}-${run}.cpuprofile`));
      await telegram.stop();
      await inbox.stop();
      // Then until every answer and edit is out (the last edit of a card waits for the group's rate window), or 20 s:
      // a burst of replies to 50 groups at 20 a minute each takes longer than that, and is counted as queued.
      const drainUntil = Date.now() + 20_000;
      while (
        process.env.BENCH_DELIVERY !== '0' &&
        Date.now() < drainUntil &&
        (await p.outboxNotice.count({ where: { state: 'pending' } })) > 0
      )
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
      const drafts = await p.issueDraft.count();
      const queuedForGroups = await p.outboxNotice.count({
        where: { id: { gt: outboxBefore }, chat: { kind: 'group' }, answersTap: null, editOfKey: null },
      });
      return {
        scenario,
        updates: total,
        seconds: Number(seconds.toFixed(2)),
        updatesPerSecond: Math.round(total / seconds),
        p50Ms: Math.round(at(0.5)),
        p99Ms: Math.round(at(0.99)),
        cpuMsPerUpdate: Number(((cpu.user + cpu.system) / 1000 / total).toFixed(2)),
        postgresCpuMsPerUpdate: postgresCpu === null ? null : Number((postgresCpu / total).toFixed(2)),
        standInCpuMsPerUpdate: Number((standInCpu / total).toFixed(2)),
        supports,
        ballots,
        drafts,
        statementsPerUpdate: benchOnPglite ? Number.NaN : Number((sent / total).toFixed(1)),
        groupMessagesPer1000: Math.round((groups.groupMessages * 1000) / total),
        groupPostsQueuedPer1000: Math.round((queuedForGroups * 1000) / total),
        groupEditsPer1000: Math.round((groups.groupEdits * 1000) / total),
        tapsAnswered: groups.tapsAnswered,
        peakRssMb: Math.round(process.resourceUsage().maxRSS / 1024),
      };
    } finally {
      api.process?.stdin?.end();
    }
  });
}

const scenarios = (process.env.BENCH_SCENARIOS ?? 'taps').split(',').map((name) => name.trim());
const median = (runs: Run[], pick: (run: Run) => number) => runs.map(pick).sort((a, b) => a - b)[Math.floor(runs.length / 2)]!;
const medians: Record<string, unknown> = {};
for (const scenario of scenarios) {
  const runs: Run[] = [];
  for (let run = 1; run <= Number(process.env.BENCH_RUNS ?? 3); run++) {
    runs.push(await runOnce(scenario, run));
    console.log(JSON.stringify({ run, ...runs.at(-1) }));
  }
  medians[scenario] = {
    updatesPerSecond: median(runs, (r) => r.updatesPerSecond),
    updatesPerSecondRange: [Math.min(...runs.map((r) => r.updatesPerSecond)), Math.max(...runs.map((r) => r.updatesPerSecond))],
    p50Ms: median(runs, (r) => r.p50Ms),
    p99Ms: median(runs, (r) => r.p99Ms),
    cpuMsPerUpdate: median(runs, (r) => r.cpuMsPerUpdate),
    postgresCpuMsPerUpdate: benchOnPglite ? null : median(runs, (r) => r.postgresCpuMsPerUpdate ?? Number.NaN),
    standInCpuMsPerUpdate: median(runs, (r) => r.standInCpuMsPerUpdate),
    statementsPerUpdate: median(runs, (r) => r.statementsPerUpdate),
    groupMessagesPer1000: median(runs, (r) => r.groupMessagesPer1000),
    groupPostsQueuedPer1000: median(runs, (r) => r.groupPostsQueuedPer1000),
    groupEditsPer1000: median(runs, (r) => r.groupEditsPer1000),
    peakRssMb: Math.max(...runs.map((r) => r.peakRssMb)),
  };
}
const ceiling = benchOnPglite ? null : await pgbenchCeiling(benchDatabaseUrl);
console.log(
  JSON.stringify({
    database: benchOnPglite ? 'pglite' : 'postgresql',
    median: medians,
    runs: Number(process.env.BENCH_RUNS ?? 3),
    pgbenchInsertTps: ceiling,
  }),
);
