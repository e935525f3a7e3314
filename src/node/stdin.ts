/** Reading the one request from stdin: to EOF, bounded in size and in time. */
import type { Readable } from 'node:stream';
import { RequestError } from '../core/errors.ts';
import { MAX_REQUEST_BYTES } from '../core/protocol.ts';
import { UsageError } from './flags.ts';

/** How long stdin may stay open without EOF before it is a usage error. */
export const STDIN_TIMEOUT_MS = 10_000;

/**
 * Read `stream` to EOF. More than {@link MAX_REQUEST_BYTES} is a `too_large`
 * request error as soon as the limit is passed (nothing more is buffered); no
 * EOF within `timeoutMs` is a usage error, not a hang.
 */
export function readRequestBytes(stream: Readable, timeoutMs = STDIN_TIMEOUT_MS): Promise<Uint8Array> {
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
    const onEnd = (): void => finish(null, new Uint8Array(Buffer.concat(chunks, size)));
    const onError = (err: Error): void => finish(new UsageError(`cannot read the request from stdin: ${err.message}`));
    const timer = setTimeout(() => {
      finish(new UsageError(`no request: stdin stayed open ${timeoutMs / 1000} s without EOF (write the JSON request and close stdin)`));
    }, timeoutMs);
    stream.on('data', onData);
    stream.on('end', onEnd);
    stream.on('error', onError);
  });
}
