// Used by the Prisma CLI only (`prisma generate`, and `prisma migrate deploy` where its native engine is available).
// yishi itself applies migrations with the WebAssembly schema engine: see src/db/migrate.ts.
import { defineConfig } from 'prisma/config';

export default defineConfig({
  schema: 'prisma/schema.prisma',
  migrations: { path: 'prisma/migrations' },
  datasource: { url: process.env.DATABASE_URL ?? 'postgresql://localhost/yishi' },
});
