/**
 * The GPU process: Dawn and the WGSL kernel in a process of their own, driven
 * by the miner over an IPC channel (gpu-process.ts is the other end).
 *
 * Why a process: Dawn is native code that can crash or hang the process it
 * runs in (on Mesa's llvmpipe it aborts in a process that has used
 * node:crypto), and it writes warnings to stderr. Here a crash costs the miner
 * only the GPU: the workers go on from the last clean dispatch, and the
 * parent's stderr and exit code stay its own. This process never loads
 * node:crypto; every hit is verified by the parent.
 *
 * In:  `{op: 'job', preimage, nonceWidth, bound}`, `{op: 'submit', id, first, count}`,
 *      `{op: 'digests', id, first, count}` (advanced serialization: bigints and bytes as they are).
 * Out: `{op: 'ready', adapter}` or `{op: 'unavailable', message}` once, first;
 *      then `{op: 'scan', id, hit, scanned}`, `{op: 'digests', id, bytes}` or `{op: 'failed', id, message}` per request.
 * It exits when the channel closes (the miner ended, however it ended).
 * @module
 */
import { NoGpuError, type GpuKernel } from '../gpu/kernel.ts';
import { openDawnKernel } from './dawn.ts';
import type { FromGpu, ToGpu } from './gpu-messages.ts';

const send = (message: FromGpu): void => {
  process.send?.(message);
};

/** Why the last job could not be set: until the next one is, every request fails with it (never a search of the old job). */
let jobError: string | null = 'no job was set';

/** Run one request on the kernel and answer it. */
async function serve(kernel: GpuKernel, message: ToGpu): Promise<void> {
  if (message.op === 'job') {
    jobError = 'the job could not be set';
    kernel.setJob(message.preimage, message.nonceWidth, message.bound);
    jobError = null;
    return;
  }
  if (jobError !== null) return send({ op: 'failed', id: message.id, message: jobError });
  switch (message.op) {
    case 'submit': {
      const { id } = message;
      await kernel.submit(message.first, message.count).then(
        (r) => send({ op: 'scan', id, hit: r.hit, scanned: r.scanned }),
        (err: unknown) => send({ op: 'failed', id, message: messageOf(err) }),
      );
      return;
    }
    case 'digests': {
      const { id } = message;
      await kernel.digests(message.first, message.count).then(
        (bytes) => send({ op: 'digests', id, bytes }),
        (err: unknown) => send({ op: 'failed', id, message: messageOf(err) }),
      );
    }
  }
}

function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

async function main(): Promise<void> {
  // The miner decides when this process ends: a Ctrl-C reaches the whole process group, and the
  // miner must not see its GPU die under it while it stops; the closed channel ends this process.
  process.on('SIGINT', () => {});
  process.on('disconnect', () => process.exit(0));
  let kernel: GpuKernel;
  try {
    kernel = await openDawnKernel();
  } catch (err) {
    send({ op: 'unavailable', message: messageOf(err), noGpu: err instanceof NoGpuError });
    process.disconnect?.();
    return;
  }
  kernel.setJob(new Uint8Array(64), 4, { b0: 0, b1: 0, b2: 0 });
  // One small dispatch before `ready`, so the first real one does not pay for the pipeline's warm-up.
  await kernel.submit(0n, 256);
  process.on('message', (message: ToGpu) => {
    // Requests are answered in order; a failed setJob fails the submissions after it.
    serve(kernel, message).catch((err: unknown) => {
      if (message.op === 'job') jobError = `the job could not be set: ${messageOf(err)}`;
      else send({ op: 'failed', id: message.id, message: messageOf(err) });
    });
  });
  send({ op: 'ready', adapter: kernel.adapter });
}

void main();
