/**
 * `dmint-miner merge --request request.json STATUS_FILES...`: the collector of
 * a sharded search. It reads the shards' status files, re-verifies every
 * reported hit with node:crypto and prints one protocol response: the lowest
 * verified hit, or `{"exhausted":true}` only when the shards cover the whole
 * range and none holds a hit. Anything else is exit 1 with the reason (the
 * missing or unfinished ranges) on stderr and stdout empty. With `--json` it
 * prints a coverage summary instead, exit 0 once the files are read and checked.
 */
import { readFileSync } from 'node:fs';
import { formatExhausted, formatHit } from '../core/response.ts';
import { nonceToHex } from '../core/nonce.ts';
import { parseRequest, type MineRequest } from '../core/request.ts';
import { confirmedHit, jobFingerprint, readStatus, type Status, type StatusRange } from './status-file.ts';

/** Options of `dmint-miner merge`. */
export interface MergeArgs {
  command: 'merge';
  request: string;
  files: string[];
  json: boolean;
}

/** `[start, end)`. */
type Span = [bigint, bigint];

/** What merge prints and exits with. */
export interface MergeOutcome {
  code: 0 | 1 | 2;
  stdout: string | null;
  /** Lines for stderr. */
  notes: string[];
}

const spanOf = (r: StatusRange): Span => [BigInt(r.start), BigInt(r.start) + BigInt(r.count)];
const showSpans = (spans: Span[]): string => spans.map(([a, b]) => `[${a}, ${b})`).join(', ');

/** The union of spans, sorted and joined where they touch or overlap (overlapping shards count once). */
function union(spans: Span[]): Span[] {
  const sorted = spans.filter(([a, b]) => b > a).sort((x, y) => (x[0] < y[0] ? -1 : x[0] > y[0] ? 1 : 0));
  const out: Span[] = [];
  for (const [a, b] of sorted) {
    const last = out.at(-1);
    if (last && a <= last[1]) last[1] = b > last[1] ? b : last[1];
    else out.push([a, b]);
  }
  return out;
}

/** The parts of `[from, to)` no span covers. */
function gaps(covered: Span[], from: bigint, to: bigint): Span[] {
  const out: Span[] = [];
  let at = from;
  for (const [a, b] of covered) {
    if (b <= at) continue;
    if (a >= to) break;
    if (a > at) out.push([at, a]);
    at = b;
  }
  if (at < to) out.push([at, to]);
  return out;
}

/** The nonces a shard's status shows searched: below its watermark, all of it once exhausted, up to a hit. */
function searched(s: Status): Span {
  const [start, end] = spanOf(s.range);
  if (s.state === 'exhausted') return [start, end];
  return [start, BigInt(s.watermark)];
}

/** Read, check and combine the shards' status files. */
export async function merge(args: MergeArgs): Promise<MergeOutcome> {
  let request: MineRequest;
  try {
    request = parseRequest(readFileSync(args.request));
  } catch (err) {
    return refuse(`cannot use --request ${args.request}: ${(err as Error).message}`);
  }
  const job = jobFingerprint(request);
  const shards: Array<{ file: string; status: Status }> = [];
  for (const file of args.files) {
    let status: Status | null;
    try {
      status = readStatus(file, 'merge');
    } catch (err) {
      return refuse((err as Error).message);
    }
    if (status === null) return refuse(`${file} does not exist`);
    if (status.job !== job || status.nonce_width !== request.nonceWidth) return refuse(`${file} is a shard of another job than ${args.request}`);
    shards.push({ file, status });
  }
  const whole = spanOf(shards[0]!.status.whole);
  const other = shards.find(({ status }) => spanOf(status.whole).join() !== whole.join());
  if (other) return refuse(`${other.file} is a shard of the range ${showSpans([spanOf(other.status.whole)])}, not ${showSpans([whole])}`);

  // Every reported hit, re-verified: a status file is input, not proof.
  const hits: Array<{ file: string; nonce: bigint }> = [];
  for (const { file, status } of shards) {
    if (status.state !== 'found') continue;
    const nonce = await confirmedHit(status, request);
    if (nonce === null) return refuse(`${file} reports nonce ${status.nonce_hex}, which node:crypto does not confirm in its range; nothing was answered`);
    hits.push({ file, nonce });
  }
  hits.sort((a, b) => (a.nonce < b.nonce ? -1 : 1));
  const done = union(shards.map(({ status }) => searched(status)));
  const best = hits[0];
  // Below a hit only the nonces under it matter; without one, the whole range does.
  const pending = gaps(done, whole[0], best ? best.nonce : whole[1]);
  if (args.json) {
    // What a dashboard polls while shards still run: printed whatever the coverage.
    const summary = {
      whole: { start: whole[0].toString(), count: (whole[1] - whole[0]).toString() },
      done: done.map(([from, to]) => ({ start: from.toString(), end: to.toString() })),
      pending: gaps(done, whole[0], whole[1]).map(([from, to]) => ({ start: from.toString(), end: to.toString() })),
      hits: hits.map(({ file, nonce }) => ({ nonce_hex: nonceToHex(nonce, request.nonceWidth), file })),
      lowest_certain: best !== undefined && pending.length === 0,
    };
    return { code: 0, stdout: JSON.stringify(summary), notes: [] };
  }
  if (best) {
    const hex = nonceToHex(best.nonce, request.nonceWidth);
    const notes = pending.length > 0 ? [`nonce ${hex} (from ${best.file}) is valid, but it may not be the lowest: ${showSpans(pending)} below it not searched yet`] : [];
    const attempts = shards.reduce((n, { status }) => n + status.attempts, 0);
    const elapsedS = Math.max(...shards.map(({ status }) => status.elapsed_s));
    return { code: 0, stdout: formatHit({ nonce: best.nonce, nonceWidth: request.nonceWidth, attempts, elapsedS }), notes };
  }
  if (pending.length === 0) return { code: 2, stdout: formatExhausted(), notes: [] };
  return refuse(`no valid nonce yet, and not every nonce is searched: ${showSpans(pending)} missing or unfinished`);
}

function refuse(reason: string): MergeOutcome {
  return { code: 1, stdout: null, notes: [reason] };
}
