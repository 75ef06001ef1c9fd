import { Prisma } from '../db/generated/client.js';

/** A table's columns selected as "alias.column", and read back into a row object by `rowOf`. */
export function aliased(alias: string, fields: Record<string, string>) {
  const columns = Object.values(fields).map((field) => [field, `${alias}.${field}`] as const);
  return {
    sql: Prisma.raw(columns.map(([field, key]) => `${alias}."${field}" AS "${key}"`).join(', ')),
    /** The row's columns of this alias as an object; null for the all-null side of an outer join. */
    rowOf<T>(row: Record<string, unknown>): T | null {
      if (row[`${alias}.id`] === null || row[`${alias}.id`] === undefined) return null;
      const object: Record<string, unknown> = {};
      for (const [field, key] of columns) object[field] = row[key];
      return object as T;
    },
  };
}
/** A community row as "o.column" (`aliased`). */
export const communityColumns = aliased('o', Prisma.CommunityScalarFieldEnum);
