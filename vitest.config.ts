import {defineConfig} from 'vitest/config'

// Two projects: fast unit tests over fixtures, and end-to-end tests that run the
// built CLI as a child process against the real local control plane (one cluster
// for the whole run, started by the e2e global setup).
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: ['test/unit/**/*.test.ts'],
        },
      },
      {
        test: {
          name: 'e2e',
          include: ['test/e2e/**/*.test.ts'],
          globalSetup: ['test/e2e/global-setup.ts'],
          testTimeout: 120_000,
          hookTimeout: 300_000,
          // One cluster on a 2-core machine: files run one after another.
          fileParallelism: false,
        },
      },
    ],
  },
})
