/**
 * `--status-file PATH`: a small JSON heartbeat for wallets and supervisors that
 * watch a long sweep, and what `--resume` continues from. Each write goes to a
 * temporary file in the same folder and is renamed over PATH, so a reader (or a
 * process killed mid-write) sees either the old or the new content, never half
 * of one. A lock file beside it keeps a second process off the same status.
 * On Windows a reader that has the file open makes the rename fail for a
 * moment (EPERM, EBUSY or EACCES), so the rename is retried briefly.
 */
import { createHash } from 'node:crypto';
import { closeSync, openSync, readFileSync, renameSync, unlinkSync, writeFileSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { nonceFromHex } from '../core/nonce.ts';
import { type MineRequest } from '../core/request.ts';
import type { Shard } from '../core/range.ts';
import { checkHit } from '../core/verify.ts';
import { nodeSha256 } from './sha256.ts';

/** Version of the status file's shape. */
export const STATUS_SCHEMA = 1;

/** State of the search the file describes. */
export type StatusState = 'mining' | 'found' | 'exhausted' | 'error' | 'stopped';

/** A nonce range as decimal strings (JSON numbers lose precision above 2^53). */
export interface StatusRange {
  start: string;
  count: string;
}

/** The heartbeat's content. */
export interface Status {
  schema: typeof STATUS_SCHEMA;
  pid: number;
  state: StatusState;
  /** Fingerprint of the job: see {@link jobFingerprint}. */
  job: string;
  nonce_width: 4 | 8;
  attempts: number;
  rate_hs: number;
  elapsed_s: number;
  threads: number;
  /** What hashes: `wasm` (the worker threads) or `webgpu` (the GPU); absent in files of older versions. */
  backend?: 'wasm' | 'webgpu';
  /** This process's range: its shard's part when sharded. */
  range: StatusRange;
  /** The range before sharding. */
  whole: StatusRange;
  shard?: Shard;
  /** Every nonce of `range` below this one has been searched (and none of them is a hit). */
  watermark: string;
  nonce_hex?: string;
  error?: string;
  updated: string;
}

/** A status file that cannot be used, or a process already using it: exit 1 with the message. */
export class StatusFileError extends Error {
  override readonly name = 'StatusFileError';
}

/**
 * SHA-256 (hex) of the job's canonical form: the preimage, the effective target
 * (a target above the cap searches exactly like the cap) and the nonce width.
 */
export function jobFingerprint(request: MineRequest): string {
  const canonical = JSON.stringify({
    preimage_hex: request.preimageHex.toLowerCase(),
    target_hex: request.effectiveTarget.toString(16),
    nonce_width: request.nonceWidth,
  });
  return createHash('sha256').update(canonical).digest('hex');
}

const DECIMAL = /^[0-9]{1,20}$/;
const isRange = (r: unknown): r is StatusRange =>
  typeof r === 'object' && r !== null && DECIMAL.test(String((r as StatusRange).start)) && DECIMAL.test(String((r as StatusRange).count));

/**
 * Read a status file for `--resume` or `merge`: null when there is none yet.
 * @throws StatusFileError when it cannot be read or is not a status this miner can resume.
 */
export function readStatus(path: string, use: 'resume' | 'merge' = 'resume'): Status | null {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw new StatusFileError(`cannot read the status file ${path}: ${(err as Error).message}`);
  }
  const unusable = (why: string): StatusFileError =>
    new StatusFileError(use === 'resume' ? `cannot resume from ${path}: ${why}; move it away (or drop --resume) to start the search afresh` : `cannot merge ${path}: ${why}`);
  let s: Partial<Status>;
  try {
    s = JSON.parse(text) as Partial<Status>;
  } catch {
    throw unusable('it is not JSON (damaged, or not a status file)');
  }
  if (typeof s !== 'object' || s === null || s.schema !== STATUS_SCHEMA) throw unusable(`it is not a status file of schema ${STATUS_SCHEMA}`);
  if (typeof s.job !== 'string' || !/^[0-9a-f]{64}$/.test(s.job)) throw unusable('it has no job fingerprint (written by an older dmint-miner)');
  if (!isRange(s.range) || !isRange(s.whole) || typeof s.watermark !== 'string' || !DECIMAL.test(s.watermark)) throw unusable('its range or watermark is missing or malformed');
  if (s.state === 'found' && (typeof s.nonce_hex !== 'string' || !/^[0-9a-f]+$/.test(s.nonce_hex))) throw unusable('it says found but holds no nonce');
  return s as Status;
}

/**
 * The nonce a `found` status reports, once node:crypto confirms it inside the
 * status's range; null when it does not (a status file is input, not proof).
 */
export async function confirmedHit(status: Status, request: MineRequest): Promise<bigint | null> {
  let nonce: bigint;
  try {
    nonce = nonceFromHex(status.nonce_hex ?? '', request.nonceWidth);
  } catch {
    return null;
  }
  const start = BigInt(status.range.start);
  if (nonce < start || nonce >= start + BigInt(status.range.count)) return null;
  return (await checkHit(request, nonce, nodeSha256, 'node:crypto')).valid ? nonce : null;
}

/** Pauses, in milliseconds, before each retry of a rename that failed for a moment: 150 ms in all. */
export const RENAME_RETRY_MS = [10, 20, 40, 80] as const;

/** Rename failures that pass once whoever holds the file (a reader, an antivirus scan) lets go. */
const TRANSIENT = new Set(['EPERM', 'EBUSY', 'EACCES']);

/** Block this thread for `ms` (the status write is synchronous, and a pause this short costs the workers nothing). */
function sleepSync(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/** Options of {@link StatusFile}. */
export interface StatusFileOptions {
  /** The rename that replaces the file (node:fs `renameSync`); a seam for tests. */
  rename?: (from: string, to: string) => void;
}

/** Writes the status file atomically, holding its lock. */
export class StatusFile {
  readonly path: string;
  readonly #temp: string;
  readonly #lock: string;
  readonly #rename: (from: string, to: string) => void;
  #locked = false;

  constructor(path: string, options: StatusFileOptions = {}) {
    this.path = path;
    this.#rename = options.rename ?? renameSync;
    this.#temp = join(dirname(path), `.${basename(path)}.${process.pid}.tmp`);
    this.#lock = `${path}.lock`;
  }

  /**
   * Take the lock beside the file (PATH.lock, holding the pid). A lock left by a
   * process that is gone (killed) is taken over.
   * @throws StatusFileError while another live process holds it.
   */
  lock(): void {
    for (let attempt = 0; attempt < 2; attempt++) {
      try {
        const fd = openSync(this.#lock, 'wx');
        writeSync(fd, `${process.pid}\n`);
        closeSync(fd);
        this.#locked = true;
        return;
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw new StatusFileError(`cannot lock the status file ${this.path}: ${(err as Error).message}`);
      }
      const pid = Number.parseInt(readFileSync(this.#lock, 'utf8'), 10);
      if (Number.isSafeInteger(pid) && pid !== process.pid && alive(pid)) {
        throw new StatusFileError(`the status file ${this.path} is in use by process ${pid}; one process per status file (remove ${this.#lock} if that process is not a dmint-miner)`);
      }
      unlinkSync(this.#lock); // stale: its process is gone
    }
    throw new StatusFileError(`cannot lock the status file ${this.path}: another process keeps taking ${this.#lock}`);
  }

  /** Release the lock (the file itself stays), and remove a temporary file a failed write left. */
  unlock(): void {
    if (!this.#locked) return;
    this.#locked = false;
    for (const leftover of [this.#temp, this.#lock]) {
      try {
        unlinkSync(leftover);
      } catch {
        /* already gone */
      }
    }
  }

  /**
   * Replace the file with `status`. A rename refused for a moment (EPERM,
   * EBUSY, EACCES) is retried after each pause of {@link RENAME_RETRY_MS}.
   * @throws the last error when it still fails, or at once for any other error.
   */
  write(status: Omit<Status, 'schema' | 'pid' | 'updated'>): void {
    const full: Status = { schema: STATUS_SCHEMA, pid: process.pid, ...status, updated: new Date().toISOString() };
    writeFileSync(this.#temp, JSON.stringify(full) + '\n');
    for (let retry = 0; ; retry++) {
      try {
        this.#rename(this.#temp, this.path);
        return;
      } catch (err) {
        const pause = RENAME_RETRY_MS[retry];
        if (pause === undefined || !TRANSIENT.has((err as NodeJS.ErrnoException).code ?? '')) throw err;
        sleepSync(pause);
      }
    }
  }
}

/** Whether a process with this pid exists (signal 0 checks without sending anything). */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
