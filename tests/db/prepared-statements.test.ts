// On PostgreSQL each pooled connection keeps the statements it runs prepared, so a statement is parsed and planned
// once per connection instead of on every run; DATABASE_PREPARED_STATEMENTS=0 turns that off for poolers that
// cannot carry prepared statements. (PGlite runs in the process: nothing to keep.)

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openPostgres } from '../../src/db/database.js';
import { createEmptyPostgresDatabase, databaseKinds } from '../helpers/database.js';

const postgres = databaseKinds.find((entry) => entry.kind === 'postgresql')!;

describe.skipIf(postgres.skipReason !== null)(
  `prepared statements [postgresql${postgres.skipReason ? `: SKIPPED, ${postgres.skipReason}` : ''}]`,
  () => {
    let empty: Awaited<ReturnType<typeof createEmptyPostgresDatabase>>;
    beforeAll(async () => {
      empty = await createEmptyPostgresDatabase();
    });
    afterAll(() => empty?.drop());

    /** Runs the same statement three times, one with a long list, then names what the connection keeps prepared. */
    async function preparedAfterRuns(preparedStatements: boolean): Promise<string[]> {
      const database = await openPostgres({ url: empty.url, poolSize: 1, acquireTimeoutMs: 10_000, preparedStatements });
      try {
        return await database.prisma.$transaction(async (tx) => {
          for (const value of [1, 2, 3]) await tx.$queryRaw`SELECT ${value}::int + 1 AS "next"`;
          const many = Array.from({ length: 100 }, (_, i) => i);
          await tx.$queryRawUnsafe(`SELECT ${many.map((_, i) => `$${i + 1}::int`).join(' + ')} AS "sum"`, ...many);
          const rows = await tx.$queryRaw<Array<{ statement: string }>>`SELECT "statement" FROM pg_prepared_statements ORDER BY 1`;
          return rows.map((row) => row.statement);
        });
      } finally {
        await database.close();
      }
    }

    it('keeps a statement prepared once, under one name, and not one with a long list of values', async () => {
      const kept = await preparedAfterRuns(true);
      expect(kept.filter((statement) => statement.includes('+ 1 AS "next"'))).toHaveLength(1);
      expect(kept.some((statement) => statement.includes('AS "sum"'))).toBe(false);
    });

    it('keeps none when turned off', async () => {
      expect(await preparedAfterRuns(false)).toEqual([]);
    });
  },
);
