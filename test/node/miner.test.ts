// The long-lived Node Miner where it differs from the browser one: every hit is
// re-checked with node:crypto, and a worker file that cannot load fails the job
// instead of hanging it. What both Miners promise (answers, thread changes,
// pause/resume, abort, close, bad input) is the contract in
// test/contract/miner-contract.ts, run by miner.contract.test.ts.
import { afterEach, describe, expect, it } from 'vitest';
import { Miner } from '../../src/node/miner.ts';
import { VerificationError } from '../../src/core/errors.ts';
import { requestJson } from '../support/cli.ts';
import { fixture } from '../support/vectors.ts';

const MAX = '7fffffffffffffff';
const endless = fixture.pow_vectors.find((p) => p.id === 'gen-w4-8403')!;

let open: Miner[] = [];
afterEach(async () => {
  await Promise.all(open.map((m) => m.close()));
  open = [];
});
const newMiner = (...args: ConstructorParameters<typeof Miner>) => {
  const m = new Miner(...args);
  open.push(m);
  return m;
};

describe('Miner (Node library)', () => {
  it('never resolves with a nonce node:crypto does not confirm, and fails a job whose worker cannot start instead of hanging', async () => {
    const lying = newMiner({ threads: 1, workerFile: new URL('../support/lying-worker.cjs', import.meta.url) });
    const err = await lying.mine(requestJson(endless.preimage_hex, MAX, 4), { count: 1000 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(VerificationError);
    expect((err as Error).message).toMatch(/does not confirm it/);
    const broken = newMiner({ threads: 1, workerFile: '/nonexistent/worker.cjs' });
    const failed = await broken.mine(requestJson(endless.preimage_hex, MAX, 4), { count: 1000 }).catch((e: unknown) => e);
    // The thread's own failure, named, with Node's error as the cause: not a hang, not a bare rejection.
    expect(failed).toBeInstanceOf(Error);
    expect((failed as Error).message).toMatch(/^a mining thread failed: Cannot find module '\/nonexistent\/worker\.cjs'/);
    expect((failed as Error).cause).toMatchObject({ code: 'ERR_MODULE_NOT_FOUND' });
    expect(broken.jobs).toBe(0);
  });
});
