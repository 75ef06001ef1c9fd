// The yishi process under `npm start`, as the memory benches find and measure it: the node process running
// dist/main.js among npm's wrapper's descendants, its resident memory read from /proc, and the environment cleaned of
// any platform's or database's settings (the embedded default, as a newcomer starts it).
import { readdirSync, readFileSync } from 'node:fs';

/** The process running dist/main.js among `root`'s descendants. */
export function yishiProcess(root: number): number | null {
  const children = new Map<number, number[]>();
  for (const entry of readdirSync('/proc').filter((name) => /^\d+$/.test(name))) {
    try {
      const parent = Number(/^PPid:\s+(\d+)/m.exec(readFileSync(`/proc/${entry}/status`, 'utf8'))![1]);
      children.set(parent, [...(children.get(parent) ?? []), Number(entry)]);
    } catch {
      // gone meanwhile
    }
  }
  const queue = [root];
  for (let pid = queue.shift(); pid !== undefined; pid = queue.shift()) {
    try {
      const node = readFileSync(`/proc/${pid}/comm`, 'utf8').trim() === 'node';
      if (node && readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('dist/main.js')) return pid;
    } catch {
      // gone meanwhile
    }
    queue.push(...(children.get(pid) ?? []));
  }
  return null;
}

/** A memory line of /proc/<pid>/status in MB: VmRSS (resident now) or VmHWM (the peak of resident so far). */
export function statusMb(pid: number, field: 'VmRSS' | 'VmHWM'): number {
  return Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(readFileSync(`/proc/${pid}/status`, 'utf8'))![1]) / 1024;
}

export const rssMb = (pid: number) => statusMb(pid, 'VmRSS');

/** The environment without any chat platform's or database's settings: the embedded default. */
export function withoutPlatforms(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(env).filter(([name]) => !/^(TELEGRAM_|SLACK_|DATABASE_URL|REDIS_URL|YISHI_)/.test(name)));
}
