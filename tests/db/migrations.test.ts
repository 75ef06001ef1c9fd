import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { PrismaPGlite } from 'pglite-prisma-adapter';
import { afterEach, describe, expect, it } from 'vitest';
import { type Database, type DatabaseKind, fromPglite, openPostgres } from '../../src/db/database.js';
import { applyMigrations, readMigrations } from '../../src/db/migrations.js';
import { migrationsDir, schemaPath } from '../../src/db/paths.js';
import { noFilters, withSchemaEngine } from '../../src/db/schema-engine.js';
import { nextNumber } from '../../src/engine/numbering.js';
import { createEmptyPostgresDatabase, describeEachDatabase } from '../helpers/database.js';

/** Tables, columns, constraints, indexes and triggers of the public schema: what a migration could change. */
async function schemaFingerprint(database: Database): Promise<string> {
  const rows = await database.prisma.$queryRawUnsafe<Array<{ item: string }>>(`
    SELECT 'column ' || table_name || '.' || column_name || ' ' || data_type || ' ' || is_nullable || ' ' || coalesce(column_default, '') AS item
      FROM information_schema.columns WHERE table_schema = 'public'
    UNION ALL SELECT 'constraint ' || conname || ' ' || pg_get_constraintdef(oid) FROM pg_constraint WHERE connamespace = 'public'::regnamespace
    UNION ALL SELECT 'index ' || indexdef FROM pg_indexes WHERE schemaname = 'public'
    UNION ALL SELECT 'trigger ' || tgname FROM pg_trigger WHERE NOT tgisinternal
    ORDER BY 1`);
  return rows.map((row) => row.item).join('\n');
}

/** An empty database of `kind`, and how to drop it (PostgreSQL) once closed. */
async function openEmptyDatabase(kind: DatabaseKind): Promise<{ database: Database; drop?: () => Promise<void> }> {
  if (kind === 'pglite') return { database: fromPglite(await PGlite.create()) };
  const empty = await createEmptyPostgresDatabase();
  return { database: await openPostgres({ url: empty.url, poolSize: 2, acquireTimeoutMs: 10_000 }), drop: empty.drop };
}

/** Applies the committed migrations older than `migration`, as a database made before it would have them. */
async function migrateUpTo(database: Database, migration: string): Promise<void> {
  const all = await readMigrations();
  expect(all.migrationDirectories.map((folder) => folder.path)).toContain(migration);
  const before = { ...all, migrationDirectories: all.migrationDirectories.filter((folder) => folder.path < migration) };
  await withSchemaEngine(database.adapterFactory, (engine) => engine.applyMigrations({ migrationsList: before, filters: noFilters }));
}

describeEachDatabase('applyMigrations', (kind) => {
  let database: Database | undefined;
  let dropDatabase: (() => Promise<void>) | undefined;
  afterEach(async () => {
    await database?.close();
    await dropDatabase?.();
  });

  async function openEmpty(): Promise<Database> {
    const empty = await openEmptyDatabase(kind);
    dropDatabase = empty.drop;
    return empty.database;
  }

  describe('when run twice on an empty database', () => {
    it('applies every migration the first time and changes nothing the second time', async () => {
      database = await openEmpty();
      const { migrationDirectories } = await readMigrations();
      const names = migrationDirectories.map((folder) => folder.path);
      expect(names.length).toBeGreaterThan(0);

      const first = await applyMigrations(database.adapterFactory);
      expect(first).toMatchObject({ state: 'applied', appliedNow: names, known: names });
      const before = await schemaFingerprint(database);
      expect(before).toContain('trigger AuditEntry_append_only');

      const second = await applyMigrations(database.adapterFactory);
      expect(second).toMatchObject({ state: 'applied', appliedNow: [], known: names });
      expect(await schemaFingerprint(database)).toBe(before);
    });

    it('records each migration as prisma migrate deploy does, with the checksum of its file', async () => {
      database = await openEmpty();
      await applyMigrations(database.adapterFactory);
      const recorded = await database.prisma.$queryRawUnsafe<
        Array<{ migration_name: string; checksum: string; finished_at: Date | null; rolled_back_at: Date | null }>
      >('SELECT migration_name, checksum, finished_at, rolled_back_at FROM _prisma_migrations ORDER BY migration_name');
      const { migrationDirectories } = await readMigrations();
      expect(recorded).toHaveLength(migrationDirectories.length);
      for (const [index, folder] of migrationDirectories.entries()) {
        const sql = await readFile(path.join(migrationsDir, folder.path, 'migration.sql'));
        expect(recorded[index]).toMatchObject({
          migration_name: folder.path,
          checksum: createHash('sha256').update(sql).digest('hex'),
          rolled_back_at: null,
        });
        expect(recorded[index]?.finished_at).toBeInstanceOf(Date);
      }
    });
  });
});

/** For each test: an empty database of `kind` with the migrations older than `migration`, closed and dropped after it. */
function useDatabaseBefore(kind: DatabaseKind, migration: string): () => Promise<Database> {
  let opened: Awaited<ReturnType<typeof openEmptyDatabase>> | undefined;
  afterEach(async () => {
    await opened?.database.close();
    await opened?.drop?.();
    opened = undefined;
  });
  return async () => {
    opened = await openEmptyDatabase(kind);
    await migrateUpTo(opened.database, migration);
    return opened.database;
  };
}

describeEachDatabase('the outbox_buttons migration', (kind) => {
  const migration = '20261202071649_outbox_buttons';
  const databaseBefore = useDatabaseBefore(kind, migration);

  describe('when the outbox holds notices written before it, with their buttons inside params', () => {
    it('moves the buttons to their own column and leaves params with the notice’s data only', async () => {
      const database = await databaseBefore();

      // Rows as the engine wrote them until now: a poll with vote buttons, a live edit without, a plain reply.
      const votes = [
        { kind: 'vote', number: 3, position: 0, label: '要' },
        { kind: 'vote', number: 3, position: 1, label: '不要' },
      ];
      const [chat] = await database.prisma.$queryRawUnsafe<Array<{ id: number }>>(
        `INSERT INTO "Chat" ("platform", "platformChatId", "kind", "updatedAt") VALUES ('telegram', '-7001', 'group', now()) RETURNING "id"`,
      );
      const chatId = chat!.id;
      const insert = (params: unknown, state = 'pending') =>
        database.prisma.$queryRawUnsafe<Array<{ id: number }>>(
          `INSERT INTO "OutboxNotice" ("chatId", "type", "locale", "params", "state") VALUES ($1, 'poll.opened', 'zh-CN', $2::jsonb, $3::"OutboxState") RETURNING "id"`,
          chatId,
          JSON.stringify(params),
          state,
        );
      const [withButtons] = await insert({ number: 3, question: '粉刷？', buttons: votes });
      const [sentWithButtons] = await insert({ number: 4, buttons: [{ kind: 'support', number: 4 }] }, 'sent');
      const [without] = await insert({ number: 3, question: '粉刷？' });

      const result = await applyMigrations(database.adapterFactory);
      expect(result.appliedNow).toContain(migration);

      const rows = await database.prisma.outboxNotice.findMany({
        orderBy: { id: 'asc' },
        select: { id: true, params: true, buttons: true },
      });
      expect(rows).toEqual([
        { id: withButtons!.id, params: { number: 3, question: '粉刷？' }, buttons: votes },
        { id: sentWithButtons!.id, params: { number: 4 }, buttons: [{ kind: 'support', number: 4 }] },
        { id: without!.id, params: { number: 3, question: '粉刷？' }, buttons: [] },
      ]);
    });
  });
});

describeEachDatabase('the owners_running_tally migration', (kind) => {
  const migration = '20261202182259_owners_running_tally';
  const databaseBefore = useDatabaseBefore(kind, migration);

  it('counts the register and the ballots already cast into the running totals', async () => {
    const database = await databaseBefore();
    const sql = (text: string) => database.prisma.$executeRawUnsafe(text);
    await sql(`INSERT INTO "Community" ("id", "slug", "name") VALUES (1, 'c', '幸福社区')`);
    await sql(`INSERT INTO "Building" ("id", "communityId", "name") VALUES (1, 1, '1栋'), (2, 1, '2栋')`);
    await sql(`INSERT INTO "Household" ("id", "buildingId", "unit", "areaM2", "ownerName", "updatedAt")
      VALUES (1, 1, '101', 88.50, 'a', now()), (2, 1, '102', 90.25, 'b', now()), (3, 2, '101', 120.00, 'c', now())`);
    await sql(`INSERT INTO "Poll" ("id", "communityId", "number", "kind", "matterClass", "question", "closesAt")
      VALUES (1, 1, 1, 'owners_vote', 'major', '电梯？', now() + interval '1 day')`);
    await sql(
      `INSERT INTO "PollOption" ("id", "pollId", "position", "label") VALUES (1, 1, 0, 'yes'), (2, 1, 1, 'no'), (3, 1, 2, 'abstain')`,
    );
    await sql(`INSERT INTO "Ballot" ("id", "pollId", "voterKey", "householdId", "updatedAt")
      VALUES (1, 1, 'household:1', 1, now()), (2, 1, 'household:2', 2, now()), (3, 1, 'household:3', 3, now())`);
    await sql(`INSERT INTO "BallotChoice" ("ballotId", "optionId") VALUES (1, 1), (2, 1), (3, 2)`);

    expect((await applyMigrations(database.adapterFactory)).appliedNow).toContain(migration);
    const buildings = await database.prisma.building.findMany({
      orderBy: { id: 'asc' },
      select: { registerHouseholds: true, registerArea: true },
    });
    expect(buildings.map((b) => [b.registerHouseholds, b.registerArea.toFixed(2)])).toEqual([
      [2, '178.75'],
      [1, '120.00'],
    ]);
    const tally = await database.prisma.ownersTally.findMany({ orderBy: [{ buildingId: 'asc' }, { position: 'asc' }] });
    expect(tally.map((t) => [t.buildingId, t.position, t.households, t.area.toFixed(2)])).toEqual([
      [1, 0, 2, '178.75'],
      [2, 1, 1, '120.00'],
    ]);
  });
});

describeEachDatabase('the community_counters migration', (kind) => {
  const migration = '20261204165757_community_counters';
  const databaseBefore = useDatabaseBefore(kind, migration);

  it('carries every community’s numbers over, so the next issue, poll and meeting continue them', async () => {
    const database = await databaseBefore();
    await database.prisma.$executeRawUnsafe(`INSERT INTO "Community" ("id", "slug", "name", "lastIssueNumber", "lastPollNumber", "lastMeetingNumber")
      VALUES (1, 'a', '幸福社区', 41, 7, 2), (2, 'b', '和谐社区', 0, 0, 0)`);

    expect((await applyMigrations(database.adapterFactory)).appliedNow).toContain(migration);
    expect(await database.prisma.communityCounter.findMany({ orderBy: { communityId: 'asc' } })).toEqual([
      { communityId: 1, lastIssueNumber: 41, lastPollNumber: 7, lastMeetingNumber: 2 },
    ]);
    const next = (communityId: number) => database.prisma.$transaction((tx) => nextNumber(tx, communityId, 'lastIssueNumber'));
    expect([await next(1), await next(2), await next(2)]).toEqual([42, 1, 2]);
  });
});

describe('the committed migrations', () => {
  it('produce exactly the schema in prisma/schema.prisma (no change is waiting for `npm run migration:new`)', async () => {
    const pglite = await PGlite.create();
    try {
      const schema = await readFile(schemaPath, 'utf8');
      const migrations = await readMigrations();
      const { stdout } = await withSchemaEngine(new PrismaPGlite(pglite), (engine) =>
        engine.diff({
          from: { tag: 'migrations', ...migrations },
          to: { tag: 'schemaDatamodel', files: [{ path: schemaPath, content: schema }] },
          script: true,
          exitCode: null,
          filters: noFilters,
        }),
      );
      expect((stdout ?? '').trim()).toMatch(/^-- This is an empty migration\.?$|^$/);
    } finally {
      await pglite.close();
    }
  });
});
