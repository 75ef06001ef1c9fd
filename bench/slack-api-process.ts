// Slack's side for the throughput benchmark, in a process of its own as Slack's servers are: the Web API stand-in the
// service posts to, and the sender of the signed slash commands and button taps the service receives. It prints where
// it listens, then answers one JSON line per JSON line on stdin, until stdin closes:
//   {"op":"burst","base":"http://127.0.0.1:port","concurrency":64,"requests":[...]}  sends the requests, at most
//     `concurrency` at a time; answers when every one is acknowledged: first request and last ack (epoch ms),
//     the acks' latencies (p50, p99, max) and HTTP statuses.
//   {"op":"stats"}  answers what the stand-in saw: chat.postMessage calls and their times, violations (two
//     chat.postMessage to one channel less than 1 s apart), ephemerals, refused calls.
import { createInterface } from 'node:readline';
import { payloads, postInteraction, postSlashCommand, SlackStandIn } from '../tests/stand-ins/slack.js';

/** One request of a burst: a `/yishi <text>` command, or a tap of a button carrying `value`, by user `user` in `channel`. */
export type BurstRequest =
  | { kind: 'command'; user: BenchUser; channel: BenchChannel; text: string }
  | { kind: 'tap'; user: BenchUser; channel: BenchChannel; value: string };
export type BenchUser = { id: string; name: string };
export type BenchChannel = { id: string; name: string };
export type BurstResult = {
  firstRequestAt: number;
  lastAckAt: number;
  acks: number;
  statuses: Record<string, number>;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
};
export type StandInStats = {
  postMessages: number;
  /** Epoch ms of the first and last chat.postMessage, or null when none. */
  firstPostAt: number | null;
  lastPostAt: number | null;
  violations: number;
  worstGapMs: number | null;
  ephemerals: number;
  rejections: number;
  rateLimited: number;
};

const api = new SlackStandIn();
await api.start();

/** What Slack sends for one request of a burst, signed, to the service's request URLs; resolves with the HTTP status. */
async function send(base: string, request: BurstRequest): Promise<number> {
  const answer =
    request.kind === 'command'
      ? await postSlashCommand(
          `${base}/slack/commands`,
          api.signingSecret,
          payloads.slashCommand(request.user, request.channel, '/yishi', request.text),
        )
      : await postInteraction(
          `${base}/slack/interactions`,
          api.signingSecret,
          payloads.buttonTap(request.user, request.channel, '1700000000.000100', { action_id: request.value, value: request.value }),
        );
  return answer.status;
}

async function burst(base: string, concurrency: number, requests: BurstRequest[]): Promise<BurstResult> {
  const latencies: number[] = [];
  const statuses: Record<string, number> = {};
  let next = 0;
  let lastAckAt = 0;
  const firstRequestAt = Date.now();
  const worker = async () => {
    for (let index = next++; index < requests.length; index = next++) {
      const started = performance.now();
      const status = await send(base, requests[index]!).catch((error: unknown) => `error: ${(error as Error).message}`);
      statuses[status] = (statuses[status] ?? 0) + 1;
      if (status !== 200) continue;
      latencies.push(performance.now() - started);
      lastAckAt = Date.now();
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, requests.length) }, worker));
  latencies.sort((a, b) => a - b);
  const at = (q: number) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? 0;
  return {
    firstRequestAt,
    lastAckAt,
    acks: latencies.length,
    statuses,
    p50Ms: Math.round(at(0.5)),
    p99Ms: Math.round(at(0.99)),
    maxMs: Math.round(at(1)),
  };
}

function stats(): StandInStats {
  const posts = api.callsOf('chat.postMessage').filter((call) => call.status === 200 && !call.error);
  return {
    postMessages: posts.length,
    firstPostAt: posts[0]?.at ?? null,
    lastPostAt: posts.at(-1)?.at ?? null,
    violations: api.violations.length,
    worstGapMs: api.violations.length > 0 ? Math.min(...api.violations.map((violation) => violation.gapMs)) : null,
    ephemerals: api.ephemerals.length,
    rejections: api.rejections.length,
    rateLimited: api.calls.filter((call) => call.status === 429).length,
  };
}

process.stdout.write(`${JSON.stringify({ token: api.token, signingSecret: api.signingSecret, apiUrl: api.apiUrl })}\n`);
// One request at a time: the parent waits for each answer before it asks again.
for await (const line of createInterface({ input: process.stdin })) {
  const message = JSON.parse(line) as { op: 'burst'; base: string; concurrency: number; requests: BurstRequest[] } | { op: 'stats' };
  const answer = message.op === 'burst' ? await burst(message.base, message.concurrency, message.requests) : stats();
  process.stdout.write(`${JSON.stringify(answer)}\n`);
}
await api.stop();
process.exit(0);
