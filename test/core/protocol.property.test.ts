import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MAX_TARGET, RequestError, nonceBytes, nonceFromHex, nonceToHex, parseRequest, type RequestErrorCode } from '../../src/core/index.ts';
import { hex } from '../support/vectors.ts';

const enc = new TextEncoder();
const REQUIRED = ['preimage_hex', 'target_hex', 'nonce_width', 'protocol'];

/** Either a request or a RequestError: anything else thrown fails the property. */
function outcome(input: unknown): { ok: true } | { ok: false; code: RequestErrorCode } {
  try {
    parseRequest(input as object);
    return { ok: true };
  } catch (err) {
    if (!(err instanceof RequestError)) throw err;
    expect(err.message).not.toMatch(/[\n\r]/);
    expect(err.message.length).toBeLessThanOrEqual(200);
    return { ok: false, code: err.code };
  }
}

const extraKeys = fc.dictionary(
  fc.string({ maxLength: 12 }).filter((k) => !REQUIRED.includes(k) && k !== '__proto__'),
  fc.jsonValue({ maxDepth: 2 }),
  { maxKeys: 4 },
);

const validRequestArb = fc.record({
  preimage: fc.uint8Array({ minLength: 64, maxLength: 64 }),
  target: fc.bigInt({ min: 1n, max: 2n ** 70n }),
  leadingZeros: fc.nat({ max: 8 }),
  upper: fc.boolean(),
  width: fc.constantFrom(4 as const, 8 as const),
  withProtocol: fc.boolean(),
  extra: extraKeys,
  form: fc.constantFrom('bytes', 'string', 'object'),
});

describe('parseRequest properties', () => {
  it('accepts every valid request and round-trips its fields', () => {
    fc.assert(
      fc.property(validRequestArb, (r) => {
        let preimageHex = hex(r.preimage);
        let targetHex = '0'.repeat(r.leadingZeros) + r.target.toString(16);
        if (r.upper) {
          preimageHex = preimageHex.toUpperCase();
          targetHex = targetHex.toUpperCase();
        }
        const obj: Record<string, unknown> = { ...r.extra, preimage_hex: preimageHex, target_hex: targetHex, nonce_width: r.width };
        if (r.withProtocol) obj.protocol = 1;
        const text = JSON.stringify(obj);
        const input = r.form === 'bytes' ? enc.encode(text) : r.form === 'string' ? text : obj;
        if (enc.encode(text).length > 4096 && r.form !== 'object') {
          expect(outcome(input)).toEqual({ ok: false, code: 'too_large' });
          return;
        }
        const req = parseRequest(input);
        expect(req.preimageHex).toBe(hex(r.preimage));
        expect(hex(req.preimage)).toBe(hex(r.preimage));
        expect(req.target).toBe(r.target);
        expect(req.effectiveTarget).toBe(r.target < MAX_TARGET ? r.target : MAX_TARGET);
        expect(req.nonceWidth).toBe(r.width);
        expect(req.protocol).toBe(1);
      }),
      { numRuns: 1000 },
    );
  });

  it('agrees with a plain model of the request rules (docs/protocol.md) on mixes of good and bad fields', () => {
    const ABSENT = Symbol('absent');
    type Field = { value: unknown; code?: RequestErrorCode };
    const ok = (value: unknown): Field => ({ value });
    const bad = (value: unknown, code: RequestErrorCode): Field => ({ value, code });
    const missing: Field = { value: ABSENT, code: 'missing_key' };
    const preimages = [ok('ab'.repeat(64)), ok('CD'.repeat(64)), bad('a'.repeat(127), 'bad_preimage'), bad('a'.repeat(130), 'bad_preimage'), bad('ab '.repeat(42) + 'ab', 'bad_preimage'), bad(7, 'bad_preimage'), bad(null, 'bad_preimage'), missing];
    const targets = [ok('7fffffffffffffff'), ok('ff'.repeat(20)), ok('1'), bad('0', 'bad_target'), bad('', 'bad_target'), bad('0x10', 'bad_target'), bad(' 10', 'bad_target'), bad('1_0', 'bad_target'), bad(16, 'bad_target'), missing];
    const widths = [ok(4), ok(8), bad('4', 'bad_nonce_width'), bad(true, 'bad_nonce_width'), bad(2, 'bad_nonce_width'), bad(16, 'bad_nonce_width'), bad(4.5, 'bad_nonce_width'), missing];
    const protocols = [{ value: ABSENT }, ok(1), bad(2, 'bad_protocol'), bad(null, 'bad_protocol'), bad(true, 'bad_protocol'), bad('1', 'bad_protocol'), bad(1.5, 'bad_protocol')];
    fc.assert(
      fc.property(
        fc.constantFrom(...preimages),
        fc.constantFrom(...targets),
        fc.constantFrom(...widths),
        fc.constantFrom(...protocols),
        extraKeys,
        fc.boolean(),
        (p, t, w, proto, extra, asBytes) => {
          const obj: Record<string, unknown> = { ...extra };
          const fields: [string, Field][] = [['protocol', proto], ['nonce_width', w], ['target_hex', t], ['preimage_hex', p]];
          for (const [key, f] of fields) if (f.value !== ABSENT) obj[key] = f.value;
          // The model: size, then missing keys in order, then protocol, preimage, target, width.
          const text = JSON.stringify(obj);
          const expected =
            enc.encode(text).length > 4096
              ? 'too_large'
              : [p, t, w].find((f) => f === missing)?.code ?? proto.code ?? p.code ?? t.code ?? w.code;
          const got = outcome(asBytes ? enc.encode(text) : text);
          expect(got).toEqual(expected === undefined ? { ok: true } : { ok: false, code: expected });
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('throws nothing but RequestError on random bytes', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 5000 }), (bytes) => void outcome(bytes)), { numRuns: 1000 });
  });

  it('throws nothing but RequestError on mutated valid requests', () => {
    const base = enc.encode(JSON.stringify({ preimage_hex: 'ab'.repeat(64), target_hex: '7fffffffffffffff', nonce_width: 4, protocol: 1 }));
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.nat({ max: base.length - 1 }), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 4 }), (edits) => {
        const bytes = base.slice();
        for (const [at, byte] of edits) bytes[at] = byte;
        outcome(bytes);
      }),
      { numRuns: 3000 },
    );
  });

  it('throws nothing but RequestError on random JSON text', () => {
    fc.assert(fc.property(fc.json({ maxDepth: 4 }), (text) => void outcome(text)), { numRuns: 1000 });
    fc.assert(fc.property(fc.json({ maxDepth: 4 }), (text) => void outcome(enc.encode(text))), { numRuns: 500 });
  });

  it('throws nothing but RequestError on arbitrary values, passed directly or serialised', () => {
    const anything = fc.anything({
      maxDepth: 3,
      withBigInt: true,
      withBoxedValues: true,
      withDate: true,
      withMap: true,
      withNullPrototype: true,
      withObjectString: true,
      withSet: true,
      withSparseArray: true,
      withTypedArray: true,
      withUnicodeString: true,
    });
    fc.assert(
      fc.property(anything, (value) => {
        outcome(value);
        let text: string | undefined;
        try {
          text = JSON.stringify(value);
        } catch {
          return; // bigints cannot be serialised
        }
        if (text !== undefined) outcome(text);
      }),
      { numRuns: 1500 },
    );
  });

  it('caps strings on their exact UTF-8 length', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', minLength: 900, maxLength: 2500 }), (s) => {
        const got = outcome(s);
        const tooLarge = enc.encode(s).length > 4096;
        expect(got.ok === false && got.code === 'too_large').toBe(tooLarge);
      }),
      { numRuns: 500 },
    );
  });
});

describe('nonce encoding properties', () => {
  it('round-trips every nonce of each width, little-endian', () => {
    for (const width of [4, 8] as const) {
      fc.assert(
        fc.property(fc.bigInt({ min: 0n, max: 2n ** BigInt(8 * width) - 1n }), (n) => {
          const text = nonceToHex(n, width);
          expect(text).toMatch(new RegExp(`^[0-9a-f]{${2 * width}}$`));
          expect(nonceFromHex(text, width)).toBe(n);
          const bytes = nonceBytes(n, width);
          expect(BigInt('0x' + hex(bytes.slice().reverse()))).toBe(n);
        }),
        { numRuns: 500 },
      );
    }
  });
});
