/**
 * The form's job, checked as Start would check it: the request by the core's
 * `parseRequest`, the range (start and count, decimal or 0x hex, as the CLI's
 * `--start`/`--count`) by the core's range rules against the request's nonce
 * space. The page runs it on every keystroke, so a problem shows under its
 * field before Start is pressed.
 * @module
 */
import { checkRangeFields, NonceRangeError, resolveRange, type RangeField } from '../src/core/range.ts';
import { parseRequest, type MineRequest } from '../src/core/request.ts';
import { parseNonceField } from './format.ts';

export type { RangeField };

/** What the form holds, as typed. */
export interface FormFields {
  request: string;
  start: string;
  count: string;
}

/** A job ready to start. */
export interface FormJob {
  request: MineRequest;
  /** The request text, trimmed. */
  text: string;
  start: bigint;
  count: bigint;
}

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

/** A field's text as a bound: its syntax error names the field. */
function read(field: RangeField, text: string): bigint | undefined {
  try {
    return parseNonceField(field, text);
  } catch (err) {
    throw new NonceRangeError(field, (err as Error).message);
  }
}

/**
 * The range the fields ask for: `[start, start + count)`, by default from 0 to
 * the end of the nonce space. Without a request only what needs none is checked.
 * @throws NonceRangeError naming the field.
 */
function checkRange(request: MineRequest | undefined, fields: FormFields): { start: bigint; count: bigint } | undefined {
  const start = read('start', fields.start);
  const count = read('count', fields.count);
  checkRangeFields(start, count);
  return request && resolveRange(request, start, count);
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
    if (!(err instanceof NonceRangeError)) throw err;
    return { ok: false, request: requestError, empty: text === '', range: { field: err.field, error: err } };
  }
  if (!request || !range) return { ok: false, request: requestError, empty: text === '' };
  return { ok: true, job: { request, text, ...range } };
}

/** The problems of a check as the page words them, each for its field. */
export interface FormProblemText {
  /** Under the request box; absent for a request that parses, or an empty box (nothing typed yet). */
  request?: string;
  /** Under the range fields, with the field to mark. */
  range?: { field: RangeField; text: string };
}

/** What to show under each field for `check`, in the words `describe` gives each error. */
export function describeFormProblems(check: FormCheck, describe: (err: unknown) => string): FormProblemText {
  if (check.ok) return {};
  return {
    request: check.empty || check.request === undefined ? undefined : describe(check.request),
    range: check.range && { field: check.range.field, text: describe(check.range.error) },
  };
}
