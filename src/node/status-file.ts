/**
 * `--status-file PATH`: a small JSON heartbeat for wallets and supervisors that
 * watch a long sweep, and the ground for resuming one (the watermark). Each write
 * goes to a temporary file in the same folder and is renamed over PATH, so a
 * reader sees either the old or the new content, never half of one.
 */
import { renameSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';

/** Version of the status file's shape. */
export const STATUS_SCHEMA = 1;

/** State of the search the file describes. */
export type StatusState = 'mining' | 'found' | 'exhausted' | 'error' | 'stopped';

/** The heartbeat's content (u64 values as decimal strings: JSON numbers lose precision above 2^53). */
export interface Status {
  schema: typeof STATUS_SCHEMA;
  pid: number;
  state: StatusState;
  attempts: number;
  rate_hs: number;
  elapsed_s: number;
  threads: number;
  range: { start: string; count: string };
  /** Every nonce below this one has been searched. */
  watermark: string;
  nonce_hex?: string;
  error?: string;
  updated: string;
}

/** Writes the status file atomically. */
export class StatusFile {
  readonly path: string;
  readonly #temp: string;

  constructor(path: string) {
    this.path = path;
    this.#temp = join(dirname(path), `.${basename(path)}.${process.pid}.tmp`);
  }

  /** Replace the file with `status`. */
  write(status: Omit<Status, 'schema' | 'pid' | 'updated'>): void {
    const full: Status = { schema: STATUS_SCHEMA, pid: process.pid, ...status, updated: new Date().toISOString() };
    writeFileSync(this.#temp, JSON.stringify(full) + '\n');
    renameSync(this.#temp, this.path);
  }
}
