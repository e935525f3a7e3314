// The one record of which job a thread's kernel holds.
import { describe, expect, it } from 'vitest';
import { JobSlot, type JobKernel, type JobOrder } from '../../src/core/job-slot.ts';

const order = (jobId: number): JobOrder => ({ jobId, preimage: new Uint8Array(64).fill(jobId), nonceWidth: 4, bound: { b0: 0, b1: jobId, b2: 0 } });

describe('JobSlot', () => {
  it('sets the kernel\'s job only when the job id changes', () => {
    const calls: number[] = [];
    const kernel: JobKernel = { setJob: (preimage) => calls.push(preimage[0]!) };
    const slot = new JobSlot();
    for (const id of [1, 1, 1, 2, 2, 1, 3, 3]) slot.load(kernel, order(id));
    expect(calls).toEqual([1, 2, 1, 3]);
  });

  it('after a setJob that throws, holds no job: the next piece of that job sets it again', () => {
    let fail = false;
    const calls: number[] = [];
    const kernel: JobKernel = {
      setJob: (preimage) => {
        calls.push(preimage[0]!);
        if (fail) throw new Error('half-way');
      },
    };
    const slot = new JobSlot();
    slot.load(kernel, order(1));
    fail = true;
    expect(() => slot.load(kernel, order(2))).toThrow('half-way');
    fail = false;
    slot.load(kernel, order(2));
    slot.load(kernel, order(2));
    expect(calls).toEqual([1, 2, 2]);
  });
});
