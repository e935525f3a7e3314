/**
 * The form's job, checked as Start would check it: the request by the core's
 * `parseRequest`, the range (start and count, decimal or 0x hex, as the CLI's
 * `--start`/`--count`) against the request's nonce space. The page runs it on
 * every keystroke, so a problem shows under its field before Start is pressed.
 * @module
 */
import { parseRequest, type MineRequest } from '../src/core/protocol.ts';
import { nonceSpace } from '../src/core/range.ts';
import { parseNonceField } from './format.ts';

/** What the form holds, as typed. */
export interface FormFields {
  request: string;
  start: string;
  count: string;
}

/** A job ready to start. */
export interface FormJob {
  request: MineRequest;
  /** The request text, trimmed, as the Miner takes it. */
  text: string;
  start: bigint;
  count: bigint;
}

/** Which range field a problem belongs to. */
export type RangeField = 'start' | 'count';

/** The form's problems; each is the error Start would raise. */
export interface FormProblems {
  ok: false;
  /** The request's RequestError, absent when the request parses. */
  request?: unknown;
  /** The request box is empty: nothing to point out while typing, and nothing to start. */
  empty: boolean;
  /** The first problem of the range, with the field it belongs to. */
  range?: { field: RangeField; error: RangeError };
}

/** The form's job, or its problems. */
export type FormCheck = { ok: true; job: FormJob } | FormProblems;

/** A range problem on its way out of {@link checkRange}. */
class RangeProblem {
  constructor(readonly field: RangeField, readonly error: RangeError) {}
}

function read(field: RangeField, text: string): bigint | undefined {
  try {
    return parseNonceField(field, text);
  } catch (err) {
    throw new RangeProblem(field, err as RangeError);
  }
}

/**
 * The range the fields ask for: `[start, start + count)`, by default from 0 to
 * the end of the nonce space. Without a request only the fields' syntax can be checked.
 * @throws RangeProblem naming the field.
 */
function checkRange(request: MineRequest | undefined, fields: FormFields): { start: bigint; count: bigint } | undefined {
  const start = read('start', fields.start) ?? 0n;
  const typedCount = read('count', fields.count);
  if (typedCount !== undefined && typedCount < 1n) throw new RangeProblem('count', new RangeError('count must be at least 1'));
  if (!request) return undefined;
  const width = request.nonceWidth;
  const space = nonceSpace(request);
  if (start >= space) throw new RangeProblem('start', new RangeError(`start ${start} is outside the ${width}-byte nonce space [0, 2^${8 * width})`));
  const count = typedCount ?? space - start;
  if (start + count > space) {
    throw new RangeProblem('count', new RangeError(`start ${start} + count ${count} runs past the end of the ${width}-byte nonce space (2^${8 * width})`));
  }
  return { start, count };
}

/** Check the form: the job to start, or every problem (the request's and the range's). */
export function checkForm(fields: FormFields): FormCheck {
  const text = fields.request.trim();
  let request: MineRequest | undefined;
  let requestError: unknown;
  try {
    request = parseRequest(text);
  } catch (err) {
    requestError = err;
  }
  let range: { start: bigint; count: bigint } | undefined;
  try {
    range = checkRange(request, fields);
  } catch (err) {
    if (!(err instanceof RangeProblem)) throw err;
    return { ok: false, request: requestError, empty: text === '', range: { field: err.field, error: err.error } };
  }
  if (!request || !range) return { ok: false, request: requestError, empty: text === '' };
  return { ok: true, job: { request, text, ...range } };
}

/** The form's fields and the lines under them where problems show. */
export interface FormFieldsView {
  request: HTMLElement;
  requestError: HTMLElement;
  start: HTMLElement;
  count: HTMLElement;
  rangeError: HTMLElement;
}

/**
 * Show each problem of `check` under its field, in the words `describe` gives
 * it, and mark that field `aria-invalid`; clear what no longer holds. An empty
 * request box is not pointed out: nothing was typed yet.
 */
export function showFormProblems(check: FormCheck, view: FormFieldsView, describe: (err: unknown) => string): void {
  const request = check.ok || check.empty || check.request === undefined ? undefined : describe(check.request);
  showProblem(view.requestError, request, [[view.request, true]]);
  const range = check.ok ? undefined : check.range;
  showProblem(view.rangeError, range && describe(range.error), [[view.start, range?.field === 'start'], [view.count, range?.field === 'count']]);
}

function showProblem(line: HTMLElement, problem: string | undefined, fields: Array<[HTMLElement, boolean]>): void {
  line.textContent = problem ?? '';
  line.hidden = problem === undefined;
  for (const [field, invalid] of fields) {
    if (invalid && problem !== undefined) field.setAttribute('aria-invalid', 'true');
    else field.removeAttribute('aria-invalid');
  }
}
