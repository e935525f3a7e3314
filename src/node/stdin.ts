/** Reading the one request from stdin: to EOF, bounded in size and, from a pipe, in time. */
import type { Readable } from 'node:stream';
import { RequestError } from '../core/errors.ts';
import { MAX_REQUEST_BYTES } from '../core/request.ts';
import { UsageError } from './flags.ts';

/** How long a pipe on stdin may stay open without EOF before it is a usage error. */
export const STDIN_TIMEOUT_MS = 10_000;

/**
 * The time limit for reading stdin: {@link STDIN_TIMEOUT_MS} for a pipe or a
 * file (a client that forgot to close it must not hang the miner), none for a
 * terminal, where a person may take any time to type or paste the request and
 * ends it with Ctrl-D, or stops with Ctrl-C.
 */
export function stdinTimeout(isTTY: boolean | undefined): number | null {
  return isTTY ? null : STDIN_TIMEOUT_MS;
}

/** How to end the request typed on a terminal of this platform. */
export const EOF_KEY = process.platform === 'win32' ? 'Ctrl-Z then Enter' : 'Ctrl-D';

/**
 * Read `stream` to EOF. More than {@link MAX_REQUEST_BYTES} is a `too_large`
 * request error as soon as the limit is passed (nothing more is buffered); no
 * EOF within `timeoutMs` (null: no limit) is a usage error, not a hang; EOF
 * with nothing but whitespace read is a usage error that says how to give a
 * request.
 */
export function readRequestBytes(stream: Readable, timeoutMs: number | null = STDIN_TIMEOUT_MS): Promise<Uint8Array> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const finish = (err: Error | null, bytes?: Uint8Array): void => {
      clearTimeout(timer);
      stream.off('data', onData);
      stream.off('end', onEnd);
      stream.off('error', onError);
      // Let the process exit even though nobody closed our stdin.
      stream.pause();
      if (err) {
        stream.destroy();
        reject(err);
      } else resolve(bytes!);
    };
    const onData = (chunk: Buffer): void => {
      size += chunk.length;
      if (size > MAX_REQUEST_BYTES) {
        finish(new RequestError('too_large', `request is over the ${MAX_REQUEST_BYTES}-byte limit (stopped reading at ${size} bytes)`));
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = (): void => {
      const bytes = Buffer.concat(chunks, size);
      // JSON's own whitespace only: anything else is a request, to be judged by the protocol's rules.
      if (/^[ \t\r\n]*$/.test(bytes.toString('latin1'))) {
        finish(new UsageError('no request on stdin: give one JSON request on stdin and close it, e.g. dmint-miner < request.json'));
      } else finish(null, new Uint8Array(bytes));
    };
    const onError = (err: Error): void => finish(new UsageError(`cannot read the request from stdin: ${err.message}`));
    const timer =
      timeoutMs === null
        ? undefined
        : setTimeout(() => {
            finish(new UsageError(`no request: stdin stayed open ${timeoutMs / 1000} s without EOF (write the JSON request and close stdin)`));
          }, timeoutMs);
    stream.on('data', onData);
    stream.on('end', onEnd);
    stream.on('error', onError);
  });
}
