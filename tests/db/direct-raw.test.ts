// `$queryRaw` and `$executeRaw` go straight to the driver adapter (src/db/direct-raw.ts). Every value must come back
// exactly as the Prisma client itself returns it, every parameter must reach the database as it would send it, and a
// statement must run in its own transaction, never in another's nor after its end.
import { PGlite } from '@electric-sql/pglite';
import { PrismaPg } from '@prisma/adapter-pg';
import { PrismaPGlite } from 'pglite-prisma-adapter';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { type Database, fromPglite, openPostgres } from '../../src/db/database.js';
import { Prisma, PrismaClient } from '../../src/db/generated/client.js';
import { createEmptyPostgresDatabase, describeEachDatabase } from '../helpers/database.js';

describeEachDatabase('raw statements sent to the adapter directly', (kind) => {
  let direct: Database;
  let plain: PrismaClient;
  let cleanup: () => Promise<void>;
  beforeAll(async () => {
    if (kind === 'pglite') {
      const pglite = await PGlite.create();
      direct = fromPglite(pglite);
      plain = new PrismaClient({ adapter: new PrismaPGlite(pglite) });
      cleanup = () => direct.close();
    } else {
      const empty = await createEmptyPostgresDatabase();
      direct = await openPostgres({ url: empty.url, poolSize: 3, acquireTimeoutMs: 10_000 });
      plain = new PrismaClient({ adapter: new PrismaPg({ connectionString: empty.url }) });
      cleanup = async () => {
        await direct.close();
        await empty.drop();
      };
    }
    await plain.$executeRawUnsafe(`CREATE TYPE "Mood" AS ENUM ('calm', 'busy')`);
    await plain.$executeRawUnsafe(`CREATE TABLE "Note" ("id" serial PRIMARY KEY, "text" text NOT NULL)`);
  });
  afterAll(async () => {
    await plain?.$disconnect();
    await cleanup?.();
  });

  const everyType = (db: Pick<PrismaClient, '$queryRaw'>) => db.$queryRaw<Array<Record<string, unknown>>>`
    SELECT ${42}::int4 AS "int4", ${-7.9}::float8 AS "float8", ${9_007_199_254_740_993n}::int8 AS "int8",
      ${new Prisma.Decimal('12345678901234567890.0123')}::numeric AS "numeric", ${'议事 🙂 \u0000'.slice(0, 5)}::text AS "text",
      ${true}::bool AS "bool", ${new Date('2026-12-04T08:09:10.123Z')}::timestamptz AS "timestamptz",
      ${new Date('2026-12-04T08:09:10.5Z')}::timestamp AS "timestamp", ${new Date('2026-02-28T00:00:00Z')}::date AS "date",
      ${'23:59:58.25'}::time AS "time", ${{ a: 1, b: [true, null], c: '引号"' }}::jsonb AS "jsonb",
      ${JSON.stringify({ n: 1.5 })}::json AS "json", ${[1, 2, 3]}::int4[] AS "int4s", ${[1n, 2n ** 62n]}::int8[] AS "int8s",
      ${['a', '', '中文']}::text[] AS "texts", ${Buffer.from([0, 1, 254, 255])}::bytea AS "bytea",
      ${new Uint8Array([9, 8])}::bytea AS "bytes", ${'2b1e3c6e-7c2f-4e43-9d1a-5a0f1c2d3e4f'}::uuid AS "uuid",
      ${[new Prisma.Decimal('1.10'), new Prisma.Decimal('-2')]}::numeric[] AS "numerics",
      ${[new Date('2026-01-01T00:00:00Z'), new Date('2026-06-30T12:00:00Z')]}::timestamptz[] AS "timestamptzs",
      ARRAY[true, false] AS "bools", ARRAY['{"x":1}'::jsonb, 'null'::jsonb] AS "jsonbs", ARRAY[DATE '2026-12-04'] AS "dates",
      'busy'::"Mood" AS "mood", ARRAY['calm'::"Mood"] AS "moods", 'ab'::char(3) AS "char", ${null}::int AS "none",
      count(*) AS "count", 1 AS "same", 2 AS "same"
    FROM (SELECT 1) AS one`;

  it('returns every column type as the Prisma client does, in and out of a transaction', async () => {
    const expected = await everyType(plain);
    expect(await everyType(direct.prisma)).toEqual(expected);
    expect(await direct.prisma.$transaction((tx) => everyType(tx))).toEqual(expected);
    expect(Object.keys((await everyType(direct.prisma))[0]!)).toEqual(Object.keys(expected[0]!));
  });

  it('counts the rows a write touched, as the Prisma client does', async () => {
    const inserted = await direct.prisma.$transaction((tx) => tx.$executeRaw`INSERT INTO "Note" ("text") VALUES ('a'), ('b'), ('c')`);
    const updated = await plain.$executeRaw`UPDATE "Note" SET "text" = upper("text")`;
    expect([inserted, updated]).toEqual([3, 3]);
    expect(await direct.prisma.$executeRaw(Prisma.sql`DELETE FROM "Note" WHERE "text" = ${'A'}`)).toBe(1);
  });

  it("runs each statement in its own transaction, alongside Prisma's own statements there", async () => {
    const inTransaction = (name: string) =>
      direct.prisma.$transaction(async (tx) => {
        await tx.$executeRawUnsafe(`SELECT set_config('yishi.test', '${name}', true)`);
        await tx.$executeRawUnsafe(`INSERT INTO "Note" ("text") VALUES ($1)`, name);
        await new Promise((resolve) => setTimeout(resolve, 20));
        const [row] = await tx.$queryRaw<Array<{ setting: string; notes: bigint }>>`
          SELECT current_setting('yishi.test') AS "setting", count(*) FILTER (WHERE "text" = ${name}) AS "notes" FROM "Note"`;
        return row;
      });
    // PGlite has one connection and runs one transaction at a time; PostgreSQL runs these side by side.
    expect(await Promise.all([inTransaction('first'), inTransaction('second')])).toEqual([
      { setting: 'first', notes: 1n },
      { setting: 'second', notes: 1n },
    ]);
  });

  it("reports the database's refusal as the Prisma client does", async () => {
    const failure = async (db: Pick<PrismaClient, '$executeRaw' | '$queryRaw'>, method: '$executeRaw' | '$queryRaw') => {
      const error = (await db[method]`INSERT INTO "Note" ("id", "text") VALUES (1, 'x'), (1, 'y')`.catch((caught) => caught)) as {
        name: string;
        code: string;
        message: string;
      };
      return { name: error.name, code: error.code, message: error.message };
    };
    for (const method of ['$executeRaw', '$queryRaw'] as const) {
      const expected = await failure(plain, method);
      expect(expected).toMatchObject({ name: 'PrismaClientKnownRequestError', code: 'P2010', message: expect.stringContaining('23505') });
      expect(await failure(direct.prisma, method)).toEqual(expected);
      expect(await direct.prisma.$transaction((tx) => failure(tx, method)).catch((error) => error)).toEqual(
        await plain.$transaction((tx) => failure(tx, method)).catch((error) => error),
      );
    }
  });

  it('rolls back with its transaction, and refuses a statement sent after the transaction ended', async () => {
    const failing = direct.prisma.$transaction(async (tx) => {
      await tx.$executeRaw`INSERT INTO "Note" ("text") VALUES ('rolled back')`;
      await tx.$queryRaw`SELECT 1 / 0`;
    });
    await expect(failing).rejects.toThrow(/division by zero/);
    expect(await plain.$queryRaw`SELECT count(*)::int AS "n" FROM "Note" WHERE "text" = 'rolled back'`).toEqual([{ n: 0 }]);

    let late: Pick<PrismaClient, '$queryRaw'> | null = null;
    await direct.prisma.$transaction(async (tx) => {
      late = tx;
    });
    // The message is this module's, not the Prisma client's: the statement went to the adapter's transaction.
    await expect(late!.$queryRaw`SELECT 1`).rejects.toThrow(/sent after its commit or rollback/);
  });
});
