// Benchmark: the results of an owners' vote of 100,000 households (BENCH_HOUSEHOLDS), on PGlite and (with
// BENCH_DATABASE_URL or TEST_DATABASE_URL) PostgreSQL, end to end (query + exact arithmetic), median of several runs:
// `runningMs` reads the running totals the triggers keep (what /results, live counts and milestones use),
// `recountMs` recounts every household and ballot (what the verdict at close stands on; the two must agree).
//   npm run bench            (PGlite only)
//   BENCH_DATABASE_URL=postgresql://root@127.0.0.1:5432/test npm run bench
import { PGlite } from '@electric-sql/pglite';
import { type Database, fromPglite } from '../src/db/database.js';
import { applyMigrations } from '../src/db/migrations.js';
import { ownersTurnout, recountOwnersTurnout } from '../src/engine/modules/polls/poll-queries.js';
import { tallyOwners } from '../src/engine/modules/polls/tally.js';
import { benchDatabaseUrl, withBenchDatabase } from './bench-database.js';

const households = Number(process.env.BENCH_HOUSEHOLDS ?? 100_000);
const runs = Number(process.env.BENCH_RUNS ?? 7);
const perBuilding = 100;

async function seed(database: Database): Promise<{ id: number; communityId: number; buildingId: null }> {
  const p = database.prisma;
  const community = await p.community.create({ data: { slug: `bench-${Date.now()}`, name: 'bench' } });
  const buildingCount = Math.ceil(households / perBuilding);
  await p.building.createMany({
    data: Array.from({ length: buildingCount }, (_, i) => ({ communityId: community.id, name: `${i + 1}栋` })),
  });
  const buildings = await p.building.findMany({ where: { communityId: community.id }, orderBy: { id: 'asc' } });
  const rows = Array.from({ length: households }, (_, i) => ({
    buildingId: buildings[Math.floor(i / perBuilding)]!.id,
    unit: String(i),
    areaM2: `${60 + (i % 90)}.${String(i % 100).padStart(2, '0')}`,
    ownerName: `owner ${i}`,
  }));
  for (let i = 0; i < rows.length; i += 2000) await p.household.createMany({ data: rows.slice(i, i + 2000) });
  const poll = await p.poll.create({
    data: {
      communityId: community.id,
      number: 1,
      kind: 'owners_vote',
      matterClass: 'major',
      question: 'bench',
      closesAt: new Date(Date.now() + 86_400_000),
      options: { create: ['yes', 'no', 'abstain'].map((label, position) => ({ position, label })) },
    },
    include: { options: { orderBy: { position: 'asc' } } },
  });
  const all = await p.household.findMany({
    where: { building: { communityId: community.id } },
    select: { id: true },
    orderBy: { id: 'asc' },
  });
  const voters = all.filter((_, i) => i % 5 !== 0);
  for (let i = 0; i < voters.length; i += 2000) {
    await p.ballot.createMany({
      data: voters.slice(i, i + 2000).map((h) => ({ pollId: poll.id, voterKey: `household:${h.id}`, householdId: h.id })),
    });
  }
  const ballots = await p.ballot.findMany({ where: { pollId: poll.id }, select: { id: true }, orderBy: { id: 'asc' } });
  for (let i = 0; i < ballots.length; i += 2000) {
    await p.ballotChoice.createMany({
      data: ballots.slice(i, i + 2000).map((b, j) => ({ ballotId: b.id, optionId: poll.options[(i + j) % 3 === 0 ? 1 : 0]!.id })),
    });
  }
  return { id: poll.id, communityId: community.id, buildingId: null };
}

async function timed(runOnce: () => Promise<ReturnType<typeof tallyOwners>>) {
  const times: number[] = [];
  let result: ReturnType<typeof tallyOwners> | undefined;
  for (let run = 0; run < runs; run++) {
    const start = performance.now();
    result = await runOnce();
    times.push(performance.now() - start);
  }
  times.sort((a, b) => a - b);
  return {
    result: result!,
    medianMs: Number(times[Math.floor(times.length / 2)]!.toFixed(1)),
    minMs: Number(times[0]!.toFixed(1)),
    maxMs: Number(times.at(-1)!.toFixed(1)),
  };
}

async function measure(label: string, database: Database): Promise<void> {
  await applyMigrations(database.adapterFactory);
  const poll = await seed(database);
  await database.prisma.$executeRawUnsafe('ANALYZE');
  const running = await timed(async () => tallyOwners('major', await ownersTurnout(database.prisma, poll)));
  const recount = await timed(async () => tallyOwners('major', await recountOwnersTurnout(database.prisma, poll)));
  console.log(
    JSON.stringify({
      database: label,
      households,
      ballots: running.result.participating.households,
      runs,
      runningMs: running.medianMs,
      runningRangeMs: [running.minMs, running.maxMs],
      recountMs: recount.medianMs,
      recountRangeMs: [recount.minMs, recount.maxMs],
      agree:
        JSON.stringify(running.result, (_, v) => (typeof v === 'bigint' ? String(v) : v)) ===
        JSON.stringify(recount.result, (_, v) => (typeof v === 'bigint' ? String(v) : v)),
      verdict: running.result.verdict,
    }),
  );
}

async function main(): Promise<void> {
  const pglite = fromPglite(await PGlite.create());
  try {
    await measure('pglite', pglite);
  } finally {
    await pglite.close();
  }
  const adminUrl = benchDatabaseUrl;
  if (!adminUrl) {
    console.log('PostgreSQL skipped: set BENCH_DATABASE_URL (a server where the user may create databases).');
    return;
  }
  await withBenchDatabase(adminUrl, 4, (postgres) => measure('postgresql', postgres));
}

await main();
