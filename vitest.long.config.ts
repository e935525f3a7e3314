import { defineConfig } from 'vitest/config';
import { wasmBytes } from './vitest.config.ts';

/** Long sweeps (billions of nonces): `npm run test:long`, not part of `npm test`. */
export default defineConfig({
  plugins: [wasmBytes()],
  test: {
    include: ['test/**/*.long.test.ts'],
    reporters: ['default', './test/support/summary-reporter.ts'],
    testTimeout: 3_600_000,
    hookTimeout: 600_000,
  },
});
