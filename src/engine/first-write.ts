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
 * The transaction as a command's use-case sees it: `first()` runs once, before the first statement that may write
 * (a Prisma write method, `$executeRaw`, or raw SQL that writes or locks). A command that only reads never needs
 * its savepoint, and so is spared the statement.
 */
export function beforeFirstWrite(tx: Tx, first: () => Promise<void>): Tx {
  const guard =
    <A extends unknown[], R>(call: (...args: A) => R, when: (args: A) => boolean) =>
    async (...args: A): Promise<Awaited<R>> => {
      if (when(args)) await first();
      return await call(...args);
    };
  // One guarded delegate per model, made when the use-case first reaches for it.
  const delegates = new Map<string, object>();
  return new Proxy(tx, {
    get(target, key) {
      const value = Reflect.get(target, key) as unknown;
      if (typeof key !== 'string' || value === null || (typeof value !== 'object' && typeof value !== 'function')) return value;
      if (key === '$executeRaw' || key === '$executeRawUnsafe')
        return guard((value as (...args: unknown[]) => unknown).bind(target), () => true);
      if (key === '$queryRaw' || key === '$queryRawUnsafe')
        return guard((value as (...args: unknown[]) => unknown).bind(target), (args) => writingSql.test(sqlText(args)));
      if (key.startsWith('$') || typeof value !== 'object') return value;
      // A model's delegate (tx.issue): its writing methods wait for `first`.
      let delegate = delegates.get(key);
      if (!delegate) {
        delegate = new Proxy(value, {
          get(model, method) {
            const call = Reflect.get(model, method) as unknown;
            if (typeof method !== 'string' || !writingMethods.has(method) || typeof call !== 'function') return call;
            return guard((call as (...args: unknown[]) => unknown).bind(model), () => true);
          },
        });
        delegates.set(key, delegate);
      }
      return delegate;
    },
  });
}
