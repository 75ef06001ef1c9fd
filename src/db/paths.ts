import { fileURLToPath } from 'node:url';

// src/db/ and dist/db/ sit at the same depth, so the package root is two levels up from either.
const packageRoot = new URL('../../', import.meta.url);

export const schemaPath = fileURLToPath(new URL('prisma/schema.prisma', packageRoot));
export const migrationsDir = fileURLToPath(new URL('prisma/migrations', packageRoot));
