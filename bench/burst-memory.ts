// Resident memory of yishi itself under a burst, on the embedded default as a newcomer runs it: `npm start` (its
// prestart build included) with PGlite in a data folder, polling getUpdates from the Bot API stand-in in this process.
// Each run seeds a fresh data folder with the world of bench:telegram's taps scenario (bench/world.ts: 50 building
// groups, 5,000 verified residents, an open issue with its card and an open poll per building) through the app's own
// opening and migrations, closes it, starts yishi on it, waits until it is ready and has been idle for
// BENCH_IDLE_SECONDS (default 5), then queues the burst: a support tap and a vote tap from every resident (10,000
// updates). It samples the yishi process's VmRSS (node running dist/main.js, not npm's wrapper) every 100 ms until
// every tap is answered, then reads its VmHWM: the peak resident memory of its whole life, start included.
// Target: peak under 400 MB. Median of BENCH_RUNS (default 3) runs; a missed target is reported, not an error.
//   npm run bench:burst        (BENCH_RUNS=3, BENCH_IDLE_SECONDS=5, BENCH_TIMEOUT_SECONDS=600)
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pino } from 'pino';
import { openDatabase } from '../src/db/database.js';
import { applyMigrations } from '../src/db/migrations.js';
import { createEngine } from '../src/engine/index.js';
import { TelegramStandIn } from '../tests/stand-ins/telegram.js';
import { rssMb, statusMb, withoutPlatforms, yishiProcess } from './processes.js';
import { seedWorld, tapBurst } from './world.js';

const runs = Number(process.env.BENCH_RUNS ?? 3);
const idleSeconds = Number(process.env.BENCH_IDLE_SECONDS ?? 5);
const timeoutMs = Number(process.env.BENCH_TIMEOUT_SECONDS ?? 600) * 1000;
const residents = 5_000;
const targetMb = 400;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

type Run = {
  /** VmHWM of the yishi process once every tap is answered: its peak resident memory, start included. */
  peakRssMb: number;
  /** VmHWM before the burst: the peak of its start. */
  startPeakRssMb: number;
  /** VmRSS when ready and idle, just before the burst was queued. */
  idleRssMb: number;
  /** The highest VmRSS sampled during the burst (every 100 ms). */
  burstSampledPeakRssMb: number;
  /** VmRSS once every tap is answered. */
  afterRssMb: number;
  updates: number;
  /** From the burst queued (the waiting getUpdates served) to the last tap answered. */
  seconds: number;
  updatesPerSecond: number;
  tapsAnswered: number;
  /** Card edits the groups had seen by the last answer (the delivery goes on editing after it). */
  groupEdits: number;
};

/** A port nothing listens on just now. */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise((resolve) => server.close(resolve));
  return typeof address === 'object' && address ? address.port : 0;
}

/** A data folder as `npm start` leaves it (opened and migrated by the app's own code), with the world in it. */
async function seedDataDir(dataDir: string): Promise<void> {
  const database = await openDatabase({ kind: 'pglite', dataDir });
  try {
    await applyMigrations(database.adapterFactory);
    await seedWorld(database.prisma, createEngine({ db: database.prisma, logger: pino({ level: 'warn' }) }), residents);
  } finally {
    await database.close();
  }
}

/**
 * Stops `npm start` as Ctrl-C would (SIGTERM to its process group) and waits for yishi itself to be gone, not only
 * npm's wrapper: it goes on delivering until its own shutdown is done. Killed after 30 s.
 */
async function stop(child: ChildProcess, pid: number | null): Promise<void> {
  if (child.exitCode === null && child.signalCode === null) {
    const exited = new Promise((resolve) => child.once('exit', resolve));
    process.kill(-child.pid!, 'SIGTERM');
    await exited;
  }
  const killBy = Date.now() + 30_000;
  while (pid !== null && running(pid)) {
    if (Date.now() > killBy) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // gone meanwhile
      }
    }
    await sleep(50);
  }
}

/** Whether a process is still there (a zombie no one has reaped yet counts as gone). */
function running(pid: number): boolean {
  try {
    return !/^State:\s+Z/m.test(readFileSync(`/proc/${pid}/status`, 'utf8'));
  } catch {
    return false;
  }
}

async function once(run: number): Promise<Run> {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'yishi-burst-'));
  const api = new TelegramStandIn();
  let child: ChildProcess | null = null;
  try {
    await seedDataDir(dataDir);
    const burst = tapBurst(residents) as Array<Record<string, unknown>>;
    await api.start();
    const port = await freePort();
    child = spawn('npm', ['start', '--silent'], {
      env: {
        ...withoutPlatforms(process.env),
        DATA_DIR: dataDir,
        PORT: String(port),
        TELEGRAM_BOT_TOKEN: api.token,
        TELEGRAM_API_ROOT: api.apiRoot,
        YISHI_WEBCHAT: '0',
        YISHI_DEMO: '0',
        LOG_LEVEL: 'warn',
      },
      // Its warnings and errors on this process's stderr, leaving stdout to the figures.
      stdio: ['ignore', 2, 2],
      detached: true,
    });
    const alive = () => {
      if (child!.exitCode !== null || child!.signalCode !== null) throw new Error(`npm start exited with ${child!.exitCode}`);
    };

    // Ready: /healthz says ok and the bot is polling (a getUpdates call has come in).
    const readyBy = Date.now() + 120_000;
    for (;;) {
      alive();
      if (Date.now() > readyBy) throw new Error('yishi was not ready within 120 s');
      const health = await fetch(`http://127.0.0.1:${port}/healthz`).catch(() => null);
      if (health?.ok && api.calls.some((call) => call.method === 'getUpdates')) break;
      await sleep(100);
    }
    const pid = yishiProcess(child.pid!);
    if (pid === null) throw new Error('the yishi process was not found');
    await sleep(idleSeconds * 1000);
    alive();
    const idleRssMb = rssMb(pid);
    const startPeakRssMb = statusMb(pid, 'VmHWM');

    // The burst: queued at once, as Telegram holds it for a bot; the waiting getUpdates is served at once.
    const started = Date.now();
    for (const update of burst) api.push(update);
    let sampledPeak = 0;
    const deadline = started + timeoutMs;
    while (api.answers.length < burst.length) {
      alive();
      if (Date.now() > deadline) throw new Error(`${api.answers.length} of ${burst.length} taps answered after ${timeoutMs / 1000} s`);
      sampledPeak = Math.max(sampledPeak, rssMb(pid));
      await sleep(100);
    }
    const seconds = (Math.max(...api.answers.map((answer) => answer.at)) - started) / 1000;
    const result: Run = {
      peakRssMb: Math.round(statusMb(pid, 'VmHWM')),
      startPeakRssMb: Math.round(startPeakRssMb),
      idleRssMb: Math.round(idleRssMb),
      burstSampledPeakRssMb: Math.round(Math.max(sampledPeak, rssMb(pid))),
      afterRssMb: Math.round(rssMb(pid)),
      updates: burst.length,
      seconds: Number(seconds.toFixed(2)),
      updatesPerSecond: Math.round(burst.length / seconds),
      tapsAnswered: api.answers.length,
      groupEdits: api.sent.filter((message) => message.method === 'editMessageText' && message.chatId.startsWith('-')).length,
    };
    console.log(JSON.stringify({ run, ...result }));

    await stop(child, pid);
    child = null;
    return result;
  } finally {
    if (child) await stop(child, yishiProcess(child.pid!));
    await api.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

const results: Run[] = [];
for (let run = 1; run <= runs; run++) results.push(await once(run));
const peakRssMb = median(results.map((r) => r.peakRssMb));
console.log(
  JSON.stringify({
    median: {
      peakRssMb,
      peakRssMbRange: [Math.min(...results.map((r) => r.peakRssMb)), Math.max(...results.map((r) => r.peakRssMb))],
      startPeakRssMb: median(results.map((r) => r.startPeakRssMb)),
      idleRssMb: median(results.map((r) => r.idleRssMb)),
      burstSampledPeakRssMb: median(results.map((r) => r.burstSampledPeakRssMb)),
      afterRssMb: median(results.map((r) => r.afterRssMb)),
      seconds: median(results.map((r) => r.seconds)),
      updatesPerSecond: median(results.map((r) => r.updatesPerSecond)),
    },
    target: { peakRssMbBelow: targetMb, met: peakRssMb < targetMb },
    runs,
    idleSeconds,
  }),
);
