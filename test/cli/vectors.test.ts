// Every fixture vector through the real `dmint-miner` binary, as pyrxd runs it:
// request on stdin, one response line on stdout, exit 0 or 2. Windows are short
// (the kernel tests sweep longer ones in-process): a run here checks the
// binary's answer, so its cost is the process start; they run two at a time.
import { describe, expect, it } from 'vitest';
import { hexToBytes } from '../../src/core/bytes.ts';
import { nonceFromHex } from '../../src/core/nonce.ts';
import { verifySolutionSync } from '../../src/core/verify.ts';
import { requestJson, runCli } from '../support/cli.ts';
import { fixture, nodeSha256 } from '../support/vectors.ts';

const MAX = '7fffffffffffffff';
const WINDOW = 1n << 16n;
/** Vectors also run at one worker: a V1 one, the mainnet mint, a V2 one. */
const ONE_WORKER = new Set(['gen-w4-11127', 'pxd-mainnet-mint-c9fdcd34', 'gen-w8-1282']);

/** A window of WINDOW nonces that ends at `nonce` (inclusive). */
function windowTo(nonce: bigint): string[] {
  const start = nonce + 1n > WINDOW ? nonce + 1n - WINDOW : 0n;
  return ['--start', `0x${start.toString(16)}`, '--count', String(nonce + 1n - start)];
}

describe.concurrent('dmint-miner on the fixture vectors', () => {
  for (const v of fixture.pow_vectors) {
    const nonce = nonceFromHex(v.nonce_hex, v.nonce_width);
    const request = requestJson(v.preimage_hex, MAX, v.nonce_width);
    if (v.valid_at_max_target) {
      it.each(ONE_WORKER.has(v.id) ? [1, 2] : [2])(`${v.id}: --workers %i answers ${v.nonce_hex}, verified`, async (workers) => {
        const r = await runCli(['--workers', String(workers), '--quiet', ...windowTo(nonce)], request);
        expect(r.stderr).toBe('');
        expect(r.code).toBe(0);
        expect(r.stdout.endsWith('\n')).toBe(true);
        expect(r.stdout.indexOf('\n')).toBe(r.stdout.length - 1);
        expect(Buffer.byteLength(r.stdout)).toBeLessThan(4096);
        const response = JSON.parse(r.stdout);
        expect(response.nonce_hex).toBe(v.nonce_hex);
        expect(Number.isInteger(response.attempts) && response.attempts > 0).toBe(true);
        expect(Number.isFinite(response.elapsed_s)).toBe(true);
        const job = { preimage: hexToBytes(v.preimage_hex), effectiveTarget: BigInt('0x' + MAX), nonceWidth: v.nonce_width };
        expect(verifySolutionSync(job, nonceFromHex(response.nonce_hex, v.nonce_width), nodeSha256).valid).toBe(true);
      });
    } else {
      it(`${v.id}: its 4-zero nonce has a value >= 2^63, so the window exhausts`, async () => {
        const r = await runCli(['--quiet', ...windowTo(nonce)], request);
        expect(r.code).toBe(2);
        expect(r.stdout).toBe('{"exhausted":true}\n');
        expect(r.stderr).toBe('');
      });
    }
  }

  const mainnet = fixture.pow_vectors.find((p) => p.id.startsWith('pxd-mainnet'))!;
  const mainnetNonce = nonceFromHex(mainnet.nonce_hex, 4);
  const mainnetRequest = requestJson(mainnet.preimage_hex, MAX, 4);

  it('a range just below a known hit exhausts (exit 2), and says so on stderr unless --quiet', async () => {
    // No progress frames: on a loaded machine the search may outlast the first one, and only the note is checked.
    const r = await runCli(['--progress', 'none', '--start', String(mainnetNonce - 500_000n), '--count', '500000'], mainnetRequest);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('{"exhausted":true}\n');
    expect(r.stderr).toBe(`dmint-miner: exhausted: no valid nonce in nonces [${mainnetNonce - 500_000n}, ${mainnetNonce}) after 500000 attempts in ${/in ([0-9.]+) s/.exec(r.stderr)?.[1]} s\n`);
  });

  it('a range holding the hit as its first or last nonce finds it', async () => {
    for (const args of [['--start', String(mainnetNonce), '--count', '1'], ['--start', String(mainnetNonce - 99_999n), '--count', '100000']]) {
      const r = await runCli(['--quiet', ...args], mainnetRequest);
      expect(r.code).toBe(0);
      expect(JSON.parse(r.stdout).nonce_hex).toBe(mainnet.nonce_hex);
    }
  });

  it('searches a V1 range to ffffffff inclusive and no further', async () => {
    const r = await runCli(['--start', '0xffffff00', '--count', '256', '--progress', 'none'], mainnetRequest);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('{"exhausted":true}\n');
    expect(r.stderr).toContain(`[${0xffffff00}, ${2 ** 32}) after 256 attempts`);
  });

  it('searches a V2 range across a 2^32 boundary to its end', async () => {
    const v2 = fixture.pow_vectors.find((p) => p.id === 'gen-w8-409')!;
    const r = await runCli(['--start', '0xfff80000', '--count', '0x100000', '--progress', 'none', '--workers', '2'], requestJson(v2.preimage_hex, '0000000000000001', 8));
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('{"exhausted":true}\n');
    expect(r.stderr).toContain(`[${0xfff80000}, ${0xfff80000 + 0x100000}) after 1048576 attempts`);
  });

  it('accepts pyrxd\'s exact request bytes: no trailing newline, protocol 1, uppercase hex, extra keys', async () => {
    const v = fixture.pow_vectors.find((p) => p.id === 'gen-w8-1282')!;
    const request = requestJson(v.preimage_hex.toUpperCase(), MAX.toUpperCase(), 8, { protocol: 1, client: 'pyrxd' });
    const r = await runCli(['--quiet', ...windowTo(nonceFromHex(v.nonce_hex, 8))], request);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).nonce_hex).toBe(v.nonce_hex);
  });
});
