/**
 * The messages of the IPC transport (`wasm-dmint-miner/ipc`): what a parent
 * process sends the mining child and what it answers. Plain data, so both
 * library entries export them (an Electron renderer receives them through a
 * preload); docs/embedding.md has the table.
 * @module
 */
import type { MineResponse } from './job-api.ts';

/** A job id: what the parent chose, echoed in every reply about the job. */
export type JobId = string | number;

/** Messages the child accepts. */
export type ToChild =
  | { type: 'mine'; id: JobId; request: object | string; options?: { start?: bigint | number | string; count?: bigint | number | string } }
  | { type: 'cancel'; id: JobId }
  | { type: 'setThreads'; threads: number }
  | { type: 'setThrottle'; percent: number }
  | { type: 'pause' }
  | { type: 'resume' }
  | { type: 'status' };

/** Messages the child sends. `watermark` is a decimal string (JSON channels carry no BigInt). */
export type FromChild =
  | { type: 'progress'; id: JobId; attempts: number; elapsed_s: number; rate: number; watermark: string; final: boolean }
  | { type: 'result'; id: JobId; response: MineResponse }
  | { type: 'error'; id: JobId | null; name: string; message: string }
  | { type: 'status'; threads: number; activeThreads: number; paused: boolean; jobs: number; throttle: number; backend: 'wasm' | 'webgpu' };
