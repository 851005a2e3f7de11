import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/support/global-setup.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // Vitest's default on 2 cores is one fork; most files wait on servers, browsers and child processes rather
    // than compute, so two files at a time nearly halve the run (VITEST_MAX_FORKS overrides).
    poolOptions: { forks: { maxForks: Number(process.env.VITEST_MAX_FORKS ?? 2), minForks: 1 } },
    reporters: ['default', 'json'],
    outputFile: { json: '.tmp/vitest-results.json' },
  },
});
