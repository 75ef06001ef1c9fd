import { AsyncLocalStorage } from 'node:async_hooks';
import {
  type ArgType,
  ColumnTypeEnum,
  isDriverAdapterError,
  type SqlDriverAdapter,
  type SqlDriverAdapterFactory,
  type SqlQuery,
  type SqlResultSet,
  type Transaction,
} from '@prisma/driver-adapter-utils';
import { Prisma, type PrismaClient } from './generated/client.js';

/**
 * `$queryRaw` and `$executeRaw` sent straight to the driver adapter, in and out of interactive transactions.
 *
 * The Prisma client turns a raw statement into a query plan and its parameters into JSON and back before the adapter
 * sees them, and the rows back again after: about 0.2 ms of CPU per statement on top of the adapter's 0.05 ms
 * (measured on PostgreSQL, 5,000 statements in one transaction), a third of the engine's CPU in a burst of `/issue`.
 * This hands the adapter the same statement, arguments and argument types the client would, and reads its result
 * set back into the same values (the client's own conversions, `rawArgument` and `rawValue`), so callers see no
 * difference; Prisma's model queries are untouched. Statements of a transaction go to the adapter's transaction that
 * Prisma opened for it, found through the async context of the `$transaction` call.
 */
export function directRaw<F extends SqlDriverAdapterFactory>(factory: F): { factory: F; install(prisma: PrismaClient): void } {
  const opened = new AsyncLocalStorage<OpenTransaction>();
  let pool: SqlDriverAdapter | null = null;
  const watched = Object.create(factory) as F;
  watched.connect = async () => {
    const adapter = await factory.connect();
    const startTransaction = adapter.startTransaction.bind(adapter);
    adapter.startTransaction = async (...args) => {
      const transaction = await startTransaction(...args);
      const open = opened.getStore();
      if (open && !open.transaction) open.transaction = closingMarked(transaction, open);
      return transaction;
    };
    const dispose = adapter.dispose.bind(adapter);
    adapter.dispose = async () => {
      if (pool === adapter) pool = null;
      await dispose();
    };
    pool = adapter;
    return adapter;
  };

  function install(prisma: PrismaClient): void {
    const client = prisma as unknown as RawMethods & { $transaction: (...args: unknown[]) => Promise<unknown> };
    const transaction = client.$transaction.bind(client);
    const prismaRaw = { $queryRaw: client.$queryRaw.bind(client), $executeRaw: client.$executeRaw.bind(client) };
    client.$queryRaw = (...args) => (pool ? query(pool, args) : prismaRaw.$queryRaw(...args));
    client.$executeRaw = (...args) => (pool ? execute(pool, args) : prismaRaw.$executeRaw(...args));
    client.$transaction = (work: unknown, options?: unknown) => {
      if (typeof work !== 'function') return transaction(work, options);
      const open: OpenTransaction = { transaction: null, closed: false };
      return opened.run(open, () =>
        transaction((tx: object) => (work as (tx: object) => unknown)(directIn(tx as RawMethods, open)), options),
      );
    };
  }

  return { factory: watched, install };
}

type RawArgs = unknown[];
type RawMethods = { $queryRaw(...args: RawArgs): Promise<unknown>; $executeRaw(...args: RawArgs): Promise<number> };
type OpenTransaction = { transaction: Transaction | null; closed: boolean };

/** The transaction client with its raw statements sent to the adapter's transaction (Prisma's own if none was seen). */
function directIn<T extends RawMethods>(tx: T, open: OpenTransaction): T {
  const onAdapter =
    (send: (queryable: Transaction, args: RawArgs) => Promise<unknown>, own: (...args: RawArgs) => Promise<unknown>) =>
    (...args: RawArgs) => {
      if (!open.transaction) return own(...args);
      if (open.closed)
        return Promise.reject(new Error('Transaction already closed: a raw statement was sent after its commit or rollback.'));
      return send(open.transaction, args);
    };
  const direct = {
    $queryRaw: onAdapter(query, tx.$queryRaw.bind(tx)),
    $executeRaw: onAdapter(execute, tx.$executeRaw.bind(tx)),
  };
  return new Proxy(tx, {
    get: (target, key) => (key === '$queryRaw' || key === '$executeRaw' ? direct[key] : Reflect.get(target, key)),
  });
}

/** Marks the transaction closed as it commits or rolls back, so a late statement cannot reach a pooled connection. */
function closingMarked(transaction: Transaction, open: OpenTransaction): Transaction {
  for (const end of ['commit', 'rollback'] as const) {
    const original = transaction[end].bind(transaction);
    transaction[end] = () => {
      open.closed = true;
      return original();
    };
  }
  return transaction;
}

async function query(queryable: SqlDriverAdapter | Transaction, args: RawArgs): Promise<Array<Record<string, unknown>>> {
  try {
    return rowsOf(await queryable.queryRaw(sqlQuery(args)));
  } catch (error) {
    throw asClientError(error, '$queryRaw');
  }
}

async function execute(queryable: SqlDriverAdapter | Transaction, args: RawArgs): Promise<number> {
  try {
    return await queryable.executeRaw(sqlQuery(args));
  } catch (error) {
    throw asClientError(error, '$executeRaw');
  }
}

/** The database's refusal as the client reports a raw statement's: P2010, with the database's own code and message. */
function asClientError(error: unknown, method: string): unknown {
  if (!isDriverAdapterError(error)) return error;
  const { originalCode, originalMessage } = error.cause as { originalCode?: string; originalMessage?: string };
  const reason = `Raw query failed. Code: \`${originalCode ?? 'N/A'}\`. Message: \`${originalMessage ?? error.message ?? 'N/A'}\``;
  return new Prisma.PrismaClientKnownRequestError(`\nInvalid \`prisma.${method}()\` invocation:\n\n\n${reason}`, {
    code: 'P2010',
    clientVersion: Prisma.prismaVersion.client,
    meta: { driverAdapterError: error },
  });
}

/** A tagged template's or a `Prisma.Sql`'s statement, as Prisma's client would hand it to the adapter. */
function sqlQuery(args: RawArgs): SqlQuery {
  const first = args[0];
  const sql = first instanceof Prisma.Sql ? first : new Prisma.Sql(first as readonly string[], args.slice(1));
  // The client refuses parameters in ALTER (PostgreSQL cannot take them there); so does this.
  if (sql.values.length > 0 && /^\s*alter\s/i.test(sql.text))
    throw new Error('Running ALTER using $executeRaw with parameters is not supported.');
  const encoded = sql.values.map(rawArgument);
  return { sql: sql.text, args: encoded.map(([value]) => value), argTypes: encoded.map(([, argType]) => argType) };
}

/**
 * A parameter as the client passes it to the adapter (its `serializeRawParameters` then `deserializeRawParameters`):
 * dates, big integers, decimals and bytes as text with their type, numbers as decimals, objects as JSON text.
 */
function rawArgument(value: unknown): [unknown, ArgType] {
  // A list's items are converted one by one; its type is its first item's (what the client sends for a list).
  if (Array.isArray(value)) return [value.map(rawItem), { scalarType: scalarTypeOf(value), arity: 'list' }];
  return [rawItem(value), { scalarType: scalarTypeOf(value), arity: 'scalar' }];
}

/** A value as the client hands it to the adapter. */
function rawItem(value: unknown): unknown {
  if (typeof value === 'string' || typeof value === 'number' || value === null || value === undefined) return value ?? null;
  if (Array.isArray(value)) return value.map(rawItem);
  if (typeof value === 'bigint') return value.toString();
  if (value instanceof Date) {
    if (Number.isNaN(value.getTime())) throw new Error('Provided Date object is invalid');
    return value.toJSON();
  }
  if (Prisma.Decimal.isDecimal(value)) return (value as Prisma.Decimal).toJSON();
  if (Buffer.isBuffer(value)) return value.toString('base64');
  if (value instanceof ArrayBuffer || value instanceof SharedArrayBuffer) return Buffer.from(value).toString('base64');
  if (ArrayBuffer.isView(value)) return Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('base64');
  if (typeof value === 'object') return JSON.stringify(value, bigintAsText);
  return value;
}

/** The argument type the client gives a value (a list: its first item's). */
function scalarTypeOf(value: unknown): ArgType['scalarType'] {
  if (Array.isArray(value)) return value.length > 0 ? scalarTypeOf(value[0]) : 'unknown';
  if (typeof value === 'string') return 'string';
  if (typeof value === 'number') return 'decimal';
  if (typeof value === 'bigint') return 'bigint';
  if (value instanceof Date) return 'datetime';
  if (Prisma.Decimal.isDecimal(value)) return 'decimal';
  if (Buffer.isBuffer(value) || value instanceof ArrayBuffer || value instanceof SharedArrayBuffer || ArrayBuffer.isView(value))
    return 'bytes';
  return 'unknown';
}

const bigintAsText = (_key: string, item: unknown) => (typeof item === 'bigint' ? item.toString() : item);

/** The rows of a result set as the client returns them: one object per row, every column present. */
function rowsOf(result: SqlResultSet): Array<Record<string, unknown>> {
  const { columnNames, columnTypes } = result;
  const converted = columnTypes.map((type) => convertedTypes.has(type));
  return result.rows.map((row) => {
    const object: Record<string, unknown> = {};
    for (let index = 0; index < columnNames.length; index++)
      object[columnNames[index]!] = converted[index] ? rawValue(row[index], columnTypes[index]!) : row[index];
    return object;
  });
}

/** Arrays the client converts item by item, with their items' type. */
const itemTypeOf = new Map<number, number>([
  [ColumnTypeEnum.Int32Array, ColumnTypeEnum.Int32],
  [ColumnTypeEnum.Int64Array, ColumnTypeEnum.Int64],
  [ColumnTypeEnum.NumericArray, ColumnTypeEnum.Numeric],
  [ColumnTypeEnum.BooleanArray, ColumnTypeEnum.Boolean],
  [ColumnTypeEnum.JsonArray, ColumnTypeEnum.Json],
  [ColumnTypeEnum.DateTimeArray, ColumnTypeEnum.DateTime],
  [ColumnTypeEnum.DateArray, ColumnTypeEnum.Date],
  [ColumnTypeEnum.TimeArray, ColumnTypeEnum.Time],
  [ColumnTypeEnum.BytesArray, ColumnTypeEnum.Bytes],
]);

/** The column types whose values the client converts; the others it returns as the adapter gives them. */
const convertedTypes = new Set<number>([
  ColumnTypeEnum.Int32,
  ColumnTypeEnum.Int64,
  ColumnTypeEnum.Numeric,
  ColumnTypeEnum.Boolean,
  ColumnTypeEnum.Json,
  ColumnTypeEnum.DateTime,
  ColumnTypeEnum.Date,
  ColumnTypeEnum.Time,
  ColumnTypeEnum.Bytes,
  ...itemTypeOf.keys(),
]);

/** A column's value as the client returns it (its `serializeRawValue` then `deserializeRawResult`). */
function rawValue(value: unknown, type: number): unknown {
  if (value === null || value === undefined) return null;
  const itemType = itemTypeOf.get(type);
  if (itemType !== undefined) return (value as unknown[]).map((item) => rawValue(item, itemType));
  switch (type) {
    case ColumnTypeEnum.Int32:
      return Math.trunc(typeof value === 'string' ? Number(value) : (value as number));
    case ColumnTypeEnum.Int64:
      return BigInt(typeof value === 'number' ? Math.trunc(value) : (value as string));
    case ColumnTypeEnum.Numeric:
      return new Prisma.Decimal(value as string);
    case ColumnTypeEnum.Boolean:
      return typeof value === 'boolean' ? value : value === 'true' || value === '1' || value === 1;
    case ColumnTypeEnum.Json:
      if (typeof value !== 'string') throw new Error(`Cannot serialize value of type ${typeof value} as Json`);
      return JSON.parse(value);
    case ColumnTypeEnum.DateTime:
    case ColumnTypeEnum.Date:
      return new Date(value as string);
    case ColumnTypeEnum.Time:
      return new Date(`1970-01-01T${value}Z`);
    case ColumnTypeEnum.Bytes:
      return new Uint8Array(Buffer.from(value as string, 'base64'));
    default:
      return value;
  }
}
