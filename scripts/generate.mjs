// `prisma generate` without the native schema engine the Prisma CLI would otherwise download on start: generating
// the client never uses that engine, and pointing PRISMA_SCHEMA_ENGINE_BINARY at any existing file skips the download.
import { spawnSync } from 'node:child_process';

const env = {
  ...process.env,
  PRISMA_SCHEMA_ENGINE_BINARY: process.env.PRISMA_SCHEMA_ENGINE_BINARY || process.execPath,
  PRISMA_HIDE_UPDATE_MESSAGE: '1',
};
const result = spawnSync('prisma', ['generate'], { stdio: ['ignore', 'ignore', 'inherit'], env, shell: process.platform === 'win32' });
process.exit(result.status ?? 1);
