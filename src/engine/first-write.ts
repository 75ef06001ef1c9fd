import { Prisma } from '../db/generated/client.js';
import type { Tx } from './context.js';

const writingMethods = new Set([
  'create',
  'createMany',
  'createManyAndReturn',
  'update',
  'updateMany',
  'updateManyAndReturn',
  'upsert',
  'delete',
  'deleteMany',
]);
// Any statement that might write or lock: erring towards yes costs only a savepoint.
const writingSql = /\b(insert|update|delete|merge|truncate|lock|nextval|setval)\b|pg_advisory/i;

/** The SQL text of a raw query's arguments: a tagged template's strings, and the text of any fragment among its values. */
function sqlText(args: unknown[]): string {
  const [first, ...values] = args;
  const parts: string[] = [];
  if (typeof first === 'string') parts.push(first);
  else if (first instanceof Prisma.Sql) parts.push(first.sql);
  else if (Array.isArray(first)) parts.push(...(first as string[]));
  for (const value of values) if (value instanceof Prisma.Sql) parts.push(value.sql);
  return parts.join(' ');
}

/**
 * The tables a statement may write, by name, or null when that cannot be told (any table, then). A Prisma write names
 * its model, unless its arguments carry nested objects (a nested create or update may write other tables); raw SQL
 * names the tables after INSERT INTO, UPDATE and MERGE INTO (a statement that only locks names none). A delete may
 * reach other tables through their foreign keys (cascades, SET NULL), so it names none it can be sure of: null.
 */
export type WrittenTables = string[] | null;

const writtenTable = /\b(?:insert\s+into|update|merge\s+into)\s+(?:only\s+)?"?(\w+)"?/gi;
const deleting = /\b(?:delete|truncate)\b/i;

/** The tables raw SQL may write (`WrittenTables`). */
function tablesIn(text: string): WrittenTables {
  return deleting.test(text) ? null : [...text.matchAll(writtenTable)].map((match) => match[1]!);
}

function nestedObjects(args: unknown): boolean {
  const [first] = args as [Record<string, unknown> | undefined];
  const inner = [first?.data, first?.create, first?.update].flatMap((value) => (Array.isArray(value) ? value : [value]));
  return inner.some(
    (data) =>
      data !== null &&
      typeof data === 'object' &&
      Object.values(data).some(
        (value) => value !== null && typeof value === 'object' && !(value instanceof Date) && !Prisma.Decimal.isDecimal(value),
      ),
  );
}

/**
 * The transaction as a command's use-case sees it: `before(tables)` runs before every statement that may write (a
 * Prisma write method, `$executeRaw`, or raw SQL that writes or locks), with the tables it may write. A command that
 * only reads never needs its savepoint, and so is spared the statement; one whose writes touch no table a context is
 * made of leaves the contexts loaded ahead of it valid.
 */
export function beforeEachWrite(tx: Tx, before: (tables: WrittenTables) => Promise<void>): Tx {
  const guard =
    <A extends unknown[], R>(call: (...args: A) => R, tables: (args: A) => WrittenTables | undefined) =>
    async (...args: A): Promise<Awaited<R>> => {
      const written = tables(args);
      if (written !== undefined) await before(written);
      return await call(...args);
    };
  // One guarded delegate per model, made when the use-case first reaches for it.
  const delegates = new Map<string, object>();
  return new Proxy(tx, {
    get(target, key) {
      const value = Reflect.get(target, key) as unknown;
      if (typeof key !== 'string' || value === null || (typeof value !== 'object' && typeof value !== 'function')) return value;
      if (key === '$executeRaw' || key === '$executeRawUnsafe')
        return guard((value as (...args: unknown[]) => unknown).bind(target), (args) => tablesIn(sqlText(args)));
      if (key === '$queryRaw' || key === '$queryRawUnsafe')
        return guard((value as (...args: unknown[]) => unknown).bind(target), (args) => {
          const text = sqlText(args);
          return writingSql.test(text) ? tablesIn(text) : undefined;
        });
      if (key.startsWith('$') || typeof value !== 'object') return value;
      // A model's delegate (tx.issue): its writing methods wait for `before`.
      let delegate = delegates.get(key);
      if (!delegate) {
        const model = key.charAt(0).toUpperCase() + key.slice(1);
        delegate = new Proxy(value, {
          get(delegateTarget, method) {
            const call = Reflect.get(delegateTarget, method) as unknown;
            if (typeof method !== 'string' || !writingMethods.has(method) || typeof call !== 'function') return call;
            return guard((call as (...args: unknown[]) => unknown).bind(delegateTarget), (args) =>
              method.startsWith('delete') || nestedObjects(args) ? null : [model],
            );
          },
        });
        delegates.set(key, delegate);
      }
      return delegate;
    },
  });
}
