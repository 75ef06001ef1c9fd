import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts'],
    globalSetup: ['tests/helpers/global-setup.ts'],
    pool: 'forks',
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // The databases and the services under test are real; a summary that names skipped suites is part of the contract.
    reporters: ['default', './tests/helpers/skipped-reporter.ts'],
  },
});
