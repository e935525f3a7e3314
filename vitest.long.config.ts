import { defineConfig } from 'vitest/config';

/** Long sweeps (billions of nonces): `npm run test:long`, not part of `npm test`. */
export default defineConfig({
  test: {
    include: ['test/**/*.long.test.ts'],
    reporters: ['default', './test/support/summary-reporter.ts'],
    testTimeout: 3_600_000,
    hookTimeout: 600_000,
  },
});
