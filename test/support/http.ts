// Requests whose path goes on the wire exactly as written: the static servers'
// tests send traversal attempts that an ordinary client would normalise away.
import { request } from 'node:http';
import { connect } from 'node:net';

/** A server's answer. */
export interface Reply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** A request through node:http with `path` as given (it refuses only raw control characters and spaces). */
export function httpGet(base: string, path: string, method = 'GET'): Promise<Reply> {
  const { hostname, port } = new URL(base);
  return new Promise((resolve, reject) => {
    const req = request({ hostname, port, path, method }, (res) => {
      let body = '';
      res.setEncoding('utf8').on('data', (d: string) => (body += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

/**
 * A GET written byte for byte on a TCP socket, for request targets node:http will
 * not send (a raw NUL, an absolute-form URL); the status and body are read back from
 * the raw answer, the headers left out.
 */
export function rawGet(base: string, target: string): Promise<Omit<Reply, 'headers'>> {
  const { hostname, port } = new URL(base);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname);
    let raw = '';
    socket.setEncoding('latin1').on('data', (d: string) => (raw += d));
    socket.on('error', reject);
    socket.on('end', () => {
      const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(raw)?.[1] ?? 0);
      const split = raw.indexOf('\r\n\r\n');
      resolve({ status, body: split < 0 ? '' : raw.slice(split + 4) });
    });
    socket.write(`GET ${target} HTTP/1.1\r\nHost: ${hostname}\r\nConnection: close\r\n\r\n`, 'latin1');
  });
}
