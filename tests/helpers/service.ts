// Runs yishi as operators do, as a separate process through its real entry points (src/main.ts, src/cli/index.ts),
// so start-up, signals and exit codes are tested for real.
import { type ChildProcess, spawn } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '../..');

export type Run = { code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string };

export type RunningService = {
  child: ChildProcess;
  port: number;
  output(): { stdout: string; stderr: string };
  /** Resolves with the process's end. */
  exited: Promise<Run>;
  /** GET /healthz until it answers 200 or the process ends; throws on timeout. */
  waitUntilHealthy(timeoutMs?: number): Promise<Record<string, unknown>>;
  stop(signal?: NodeJS.Signals): Promise<Run>;
  /** Waits until stdout contains `text`: output crosses a pipe and may arrive after an HTTP answer. */
  waitForOutput(text: string, timeoutMs?: number): Promise<void>;
};

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

/** The environment a test gives yishi: nothing inherited that could change its behaviour, plus `env`. */
function cleanEnv(env: Record<string, string>): NodeJS.ProcessEnv {
  const { PATH, HOME, TMPDIR } = process.env;
  return { PATH, HOME, TMPDIR, LOG_FORMAT: 'json', ...env };
}

function spawnTs(entry: string, args: string[], env: Record<string, string>): ChildProcess {
  return spawn(process.execPath, ['--import', 'tsx', path.join(root, entry), ...args], {
    cwd: root,
    env: cleanEnv(env),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

function collect(child: ChildProcess) {
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    stdout += chunk.toString();
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const exited = new Promise<Run>((resolve) => {
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
  return { exited, output: () => ({ stdout, stderr }) };
}

export async function startService(env: Record<string, string>): Promise<RunningService> {
  const port = env.PORT ? Number(env.PORT) : await freePort();
  const child = spawnTs('src/main.ts', [], { PORT: String(port), ...env });
  const { exited, output } = collect(child);
  let ended = false;
  void exited.then(() => {
    ended = true;
  });
  return {
    child,
    port,
    output,
    exited,
    async waitUntilHealthy(timeoutMs = 30_000) {
      const deadline = Date.now() + timeoutMs;
      while (Date.now() < deadline && !ended) {
        try {
          const response = await fetch(`http://127.0.0.1:${port}/healthz`);
          if (response.status === 200) return (await response.json()) as Record<string, unknown>;
        } catch {
          // not listening yet
        }
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      throw new Error(`yishi did not become healthy within ${timeoutMs} ms:\n${output().stdout}\n${output().stderr}`);
    },
    async waitForOutput(text: string, timeoutMs = 10_000) {
      const deadline = Date.now() + timeoutMs;
      while (!output().stdout.includes(text)) {
        if (Date.now() > deadline || ended)
          throw new Error(`"${text}" never appeared in the output:\n${output().stdout}\n${output().stderr}`);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    },
    async stop(signal = 'SIGTERM') {
      if (!ended) child.kill(signal);
      return exited;
    },
  };
}

/** Runs yishi (or `yishi <args>` with `cli`) to its end. */
export async function runToEnd(env: Record<string, string>, args?: string[]): Promise<Run> {
  const child = args ? spawnTs('src/cli/index.ts', args, env) : spawnTs('src/main.ts', [], { PORT: String(await freePort()), ...env });
  return collect(child).exited;
}

/** Runs `yishi <args>` and gives its standard output; a non-zero exit fails the caller with yishi's one line. */
export async function yishi(env: Record<string, string>, ...args: string[]): Promise<string> {
  const run = await runToEnd(env, args);
  if (run.code !== 0) throw new Error(`yishi ${args.join(' ')}: ${run.stderr}`);
  return run.stdout;
}

/**
 * A community set up as a committee sets one up, with the `yishi` command: created, its register imported (`rows`:
 * `building,unit,area_m2,owner` lines), a claim code issued per household. Returns each unit's claim code and a way
 * to issue link codes (`link('building', '1栋')`).
 */
export async function setUpCommunity(
  env: Record<string, string>,
  dir: string,
  community: { slug: string; name: string; rows: string[] },
): Promise<{ codes: Record<string, string>; link(...target: string[]): Promise<string> }> {
  const cli = (...args: string[]) => yishi(env, ...args);
  const register = path.join(dir, 'register.csv');
  await writeFile(register, `building,unit,area_m2,owner\n${community.rows.join('\n')}\n`);
  await cli('community', 'create', community.slug, community.name);
  await cli('register', 'import', community.slug, register);
  const codesFile = path.join(dir, 'codes.csv');
  await cli('codes', 'claim', community.slug, '--out', codesFile);
  const rows = (await readFile(codesFile, 'utf8'))
    .replace(/^\uFEFF/, '')
    .trim()
    .split('\n')
    .slice(1);
  return {
    codes: Object.fromEntries(rows.map((row) => row.split(',')).map((cells) => [cells[1]!, cells[3]!])),
    link: async (...target) => /Link code: (\S+)/.exec(await cli('codes', 'link', community.slug, ...target))![1]!,
  };
}
