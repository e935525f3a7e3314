// Generated malformed requests fed to the real binary: each must end in exit 1,
// nothing on stdout, and the same one-line reason the core gives. The core's
// rules get thousands of generated inputs in-process (core/protocol.property);
// this checks the binary passes stdin to them untouched, so a few dozen process
// starts cover it, from a fixed seed.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { RequestError } from '../../src/core/errors.ts';
import { parseRequest } from '../../src/core/request.ts';
import { runCli } from '../support/cli.ts';

const RUNS = 40;
const CONCURRENCY = 4;

const hexString = (min: number, max: number) => fc.string({ unit: fc.constantFrom(...'0123456789abcdefABCDEF'), minLength: min, maxLength: max });
const junk = fc.oneof(fc.string(), fc.integer(), fc.double(), fc.boolean(), fc.constant(null), fc.array(fc.integer(), { maxLength: 3 }), fc.object({ maxDepth: 1 }));

/** Valid-looking requests with one or more fields broken, as JSON text or raw bytes. */
const malformed: fc.Arbitrary<string | Uint8Array> = fc.oneof(
  fc.record({
    preimage_hex: fc.oneof(hexString(0, 140), junk, fc.constant(undefined)),
    target_hex: fc.oneof(hexString(0, 20), fc.constantFrom('0', '00', '0x1', ' 1', '-1', '1_0', 'g'), junk, fc.constant(undefined)),
    nonce_width: fc.oneof(fc.constantFrom(0, 1, 2, 3, 5, 7, 8.5, 16, -4, '4', '8', true), junk, fc.constant(undefined)),
    protocol: fc.oneof(fc.constant(undefined), fc.constantFrom(0, 2, '1', null, true, 1.5), junk),
  }).map((o) => JSON.stringify(o)),
  fc.json(),
  fc.uint8Array({ maxLength: 300 }),
  fc.string({ maxLength: 200 }),
);

/** The generated inputs that the core rejects, with its message. */
function sample(): Array<{ input: string | Uint8Array; message: string }> {
  const out: Array<{ input: string | Uint8Array; message: string }> = [];
  for (const input of fc.sample(malformed, { numRuns: RUNS * 3, seed: 20261122 })) {
    // Nothing but whitespace is no request at all: the CLI says so before the protocol's rules (errors.test.ts).
    if (/^[ \t\r\n]*$/.test(typeof input === 'string' ? input : Buffer.from(input).toString('latin1'))) continue;
    try {
      parseRequest(input);
    } catch (err) {
      if (!(err instanceof RequestError)) throw err;
      out.push({ input, message: err.message });
      if (out.length === RUNS) break;
    }
  }
  return out;
}

describe('the binary on generated malformed requests', () => {
  it(`${RUNS} malformed requests: exit 1, stdout empty, the core's reason on one stderr line`, async () => {
    const cases = sample();
    expect(cases).toHaveLength(RUNS);
    const failures: string[] = [];
    let next = 0;
    const lane = async (): Promise<void> => {
      while (next < cases.length) {
        const c = cases[next++];
        const r = await runCli(['--quiet'], c.input, { timeoutMs: 30_000 });
        const ok = r.code === 1 && r.stdout === '' && r.stderr === `dmint-miner: bad request: ${c.message}\n`;
        if (!ok) failures.push(`${JSON.stringify(String(c.input)).slice(0, 120)} -> code ${r.code}, stdout ${JSON.stringify(r.stdout)}, stderr ${JSON.stringify(r.stderr)}`);
      }
    };
    await Promise.all(Array.from({ length: CONCURRENCY }, lane));
    expect(failures).toEqual([]);
  });
});
