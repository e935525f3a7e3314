/**
 * The sentences the page says about a job: what hashes it, where, and how it
 * ended. Plain strings from plain figures, shared by the message line and the
 * activity log.
 * @module
 */
import type { SchedulingMode } from '../src/browser/executor.ts';
import type { KernelBuild } from '../src/core/kernel-build.ts';
import type { BackendStatus } from '../src/gpu/backend-choice.ts';
import { describeAdapter } from './backend-control.ts';
import { formatCount } from './format.ts';

/** `1 worker`, `2 workers`. */
export function workers(n: number): string {
  return `${n} ${n === 1 ? 'worker' : 'workers'}`;
}

/** What the page's Miner says of itself, for the sentences below. */
export interface HasherFacts {
  readonly threads: number;
  readonly build: KernelBuild;
  /** How pieces reach the workers (the browser Miner's; absent elsewhere). */
  readonly mode?: SchedulingMode;
  readonly backendStatus: BackendStatus;
}

/** `nonces 1,000 to 1,999`. */
export function describeRange(start: bigint, end: bigint): string {
  return `nonces ${formatCount(start)} to ${formatCount(end)}`;
}

/** What will hash a job started now, for the log's Started line. */
export function describeHashers(m: HasherFacts, threads: number): string {
  if (m.backendStatus.calibrating) return `the GPU or ${workers(threads)}, whichever measures faster`;
  return m.backendStatus.active === 'webgpu' ? 'the GPU' : workers(threads);
}

/** The message while a job over `[start, end]` mines: what hashes it, and how. */
export function miningMessage(m: HasherFacts, start: bigint, end: bigint): string {
  const range = `${describeRange(start, end)}. Leaving the page stops it.`;
  const status = m.backendStatus;
  if (status.calibrating) return `Measuring ${describeAdapter(status)} against ${workers(m.threads)}, then mining on the faster, ${range}`;
  if (status.active === 'webgpu') return `Mining on ${describeAdapter(status)} through WebGPU, ${range}`;
  const kernel = m.build === 'simd' ? 'SIMD' : 'scalar';
  const scheduling = m.mode === 'shared' ? 'shared-memory' : 'message';
  return `Mining on ${workers(m.threads)} (${kernel} kernel, ${scheduling} scheduling), ${range}`;
}

/** A Miner's new backend status, as a log line: a calibration's result or the GPU's failure (else nothing). */
export function backendEvent(status: BackendStatus, rate: (perSecond: number) => string): { text: string; tone: '' | 'error' } | undefined {
  const { webgpu, wasm } = status.rates;
  if (!status.calibrating && webgpu !== null && wasm !== null && status.gpuProblem === null) {
    return { text: `Measured ${describeAdapter(status)} at ${rate(webgpu)} and the workers at ${rate(wasm)}: hashing on ${status.active === 'webgpu' ? 'the GPU' : 'the workers'}`, tone: '' };
  }
  if (status.gpuProblem !== null && status.adapter !== null && status.active === 'wasm') {
    return { text: `${describeAdapter(status)} stopped (${status.gpuProblem}); the workers go on from where it stopped`, tone: 'error' };
  }
  return undefined;
}
