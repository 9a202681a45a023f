import { defineConfig } from 'vitest/config';

// Two projects split by what a test needs: `unit` touches no sockets, files
// outside its temp folder or engines; `integration` runs the real chDB engine
// (and, from the Kafka issue on, a real broker). Each integration test file
// runs in its own process because chDB allows one data folder per process.
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: ['packages/*/test/**/*.test.ts', 'services/*/test/**/*.test.ts', 'test/unit/**/*.test.ts'],
          environment: 'node',
          // A timeout catches a hang, not slowness: property tests of 20,000 runs share two cores with
          // the integration project, and the 5 s default failed them on a loaded machine.
          testTimeout: 30_000,
        },
      },
      {
        test: {
          name: 'integration',
          include: ['test/integration/**/*.test.ts'],
          environment: 'node',
          // The CLI bundles the tests spawn, built if stale; then one real Kafka broker for the whole
          // run (or KAFKA_BROKERS if set); tests get it with inject('kafkaBrokers').
          globalSetup: ['test/support/build-dist.ts', 'test/support/global-setup.ts'],
          pool: 'forks',
          testTimeout: 120_000,
          hookTimeout: 120_000,
        },
      },
    ],
  },
});
