// stdin on a real terminal (a pseudo-terminal driven by python3's pty module): a person may take
// longer than the 10 s a pipe is given to deliver the request, and Ctrl-D with nothing typed says
// how to give one.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { BIN } from '../support/cli.ts';
import { needs } from '../support/skips.ts';

const DRIVER = fileURLToPath(new URL('../support/terminal.py', import.meta.url));
const DEMO = readFileSync(new URL('../../fixtures/demo-request.json', import.meta.url), 'utf8').trim();

/** Run the real binary with `args`, stdin on a terminal: wait `waitS`, type `line`, press Ctrl-D. */
async function atTerminal(args: string[], line: string, waitS: number): Promise<{ code: number; stdout: string; stderr: string }> {
  const { stdout } = await promisify(execFile)('python3', [DRIVER, JSON.stringify([process.execPath, BIN, ...args]), line, String(waitS)], { encoding: 'utf8', timeout: 90_000 });
  return JSON.parse(stdout);
}

// Both at once: the first mostly waits.
describe.concurrent('stdin on a terminal', needs('pty'), () => {
  it('waits for a person typing longer than the 10 s a pipe gets, then mines the request', async () => {
    const r = await atTerminal(['--quiet'], DEMO, 11);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(`${JSON.stringify(JSON.parse(r.stdout))}\n`);
    expect(JSON.parse(r.stdout).nonce_hex).toBe('4a451700');
    expect(r.stderr).toBe('dmint-miner: reading the JSON request from stdin (finish with Ctrl-D)\n');
  }, 60_000);

  it('Ctrl-D with nothing typed: "no request on stdin", exit 1, stdout empty', async () => {
    const r = await atTerminal([], '', 0.5);
    expect([r.code, r.stdout]).toEqual([1, '']);
    expect(r.stderr.split('\n')[1]).toBe('dmint-miner: usage error: no request on stdin: give one JSON request on stdin and close it, e.g. dmint-miner < request.json; see dmint-miner --help');
  }, 30_000);
});
