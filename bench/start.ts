// Cold start and idle memory of the embedded default, as a newcomer meets it: `npm start` (its prestart build
// included) in a fresh data folder, timed until the local web chat answers with the seeded demo community; then the
// resident memory of the yishi process (VmRSS of node running dist/main.js, not npm's wrapper) after it has been
// idle for BENCH_IDLE_SECONDS (default 30). Median of BENCH_RUNS (default 3) runs.
//   npm run bench:start
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { rssMb, withoutPlatforms, yishiProcess } from './processes.js';

const runs = Number(process.env.BENCH_RUNS ?? 3);
const idleSeconds = Number(process.env.BENCH_IDLE_SECONDS ?? 30);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

async function once(run: number, port: number): Promise<{ seconds: number; idleRssMb: number }> {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'yishi-start-'));
  const started = performance.now();
  const child: ChildProcess = spawn('npm', ['start', '--silent'], {
    env: { ...withoutPlatforms(process.env), DATA_DIR: dataDir, PORT: String(port), LOG_LEVEL: 'warn' },
    stdio: 'ignore',
    detached: true,
  });
  try {
    let seconds = 0;
    for (;;) {
      if (child.exitCode !== null) throw new Error(`npm start exited with ${child.exitCode}`);
      const response = await fetch(`http://127.0.0.1:${port}/webchat/api/world`).catch(() => null);
      if (response?.ok && ((await response.json()) as { personas?: unknown[] }).personas?.length) {
        seconds = (performance.now() - started) / 1000;
        break;
      }
      await sleep(50);
    }
    await sleep(idleSeconds * 1000);
    const pid = yishiProcess(child.pid!);
    if (pid === null) throw new Error('the yishi process was not found');
    const result = { seconds: Math.round(seconds * 100) / 100, idleRssMb: Math.round(rssMb(pid)) };
    console.log(JSON.stringify({ run, ...result }));
    return result;
  } finally {
    process.kill(-child.pid!, 'SIGTERM');
    await new Promise((resolve) => child.once('exit', resolve));
    rmSync(dataDir, { recursive: true, force: true });
  }
}

const results = [];
for (let run = 1; run <= runs; run++) results.push(await once(run, 3900 + run));
console.log(
  JSON.stringify({
    median: { coldStartSeconds: median(results.map((r) => r.seconds)), idleRssMb: median(results.map((r) => r.idleRssMb)) },
    runs,
    idleSeconds,
  }),
);
