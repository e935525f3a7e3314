import { describe, expect, it } from 'vitest';
import {
  MAX_REQUEST_BYTES,
  MAX_TARGET,
  PROTOCOL_VERSION,
  RequestError,
  kernelBound,
  nonceBytes,
  nonceFromHex,
  nonceToHex,
  parseRequest,
  type RequestErrorCode,
} from '../../src/core/index.ts';
import { fixture, hex, validRequest } from '../support/vectors.ts';

const enc = new TextEncoder();
const PRE = 'ab'.repeat(64);

/** The RequestError thrown by `fn`; fails the test if it returns or throws anything else. */
function rejection(fn: () => unknown): RequestError {
  let thrown: unknown;
  try {
    fn();
  } catch (err) {
    thrown = err;
  }
  expect(thrown, 'expected a RequestError').toBeInstanceOf(RequestError);
  return thrown as RequestError;
}

function codeOf(input: Uint8Array | string | object): RequestErrorCode {
  return rejection(() => parseRequest(input)).code;
}

/** A request as JSON text with `fields` merged over a valid one (undefined deletes a key). */
function json(fields: Record<string, unknown> = {}): string {
  const obj: Record<string, unknown> = validRequest();
  for (const [k, v] of Object.entries(fields)) {
    if (v === undefined) delete obj[k];
    else obj[k] = v;
  }
  return JSON.stringify(obj);
}

/** A valid request padded with spaces to exactly `size` bytes. */
function paddedTo(size: number): Uint8Array {
  const base = json();
  return enc.encode(base.slice(0, -1) + ' '.repeat(size - base.length) + '}');
}

describe('constants', () => {
  it('match the fixture (pyrxd protocol.py)', () => {
    expect(MAX_REQUEST_BYTES).toBe(fixture.constants.MAX_REQUEST_BYTES);
    expect(MAX_TARGET).toBe(BigInt('0x' + fixture.constants.MAX_SHA256D_TARGET_hex));
    expect(PROTOCOL_VERSION).toBe(fixture.constants.PROTOCOL_VERSION);
    expect(MAX_TARGET).toBe(2n ** 63n - 1n);
  });
});

describe('parseRequest: a valid request', () => {
  it('is read from bytes, a string and a plain object alike', () => {
    const expected = {
      preimageHex: PRE,
      target: 0x7fffffffffffffffn,
      effectiveTarget: MAX_TARGET,
      nonceWidth: 4,
      protocol: 1,
    };
    for (const input of [enc.encode(json()), json(), validRequest()]) {
      const req = parseRequest(input);
      expect(req).toMatchObject(expected);
      expect(req.preimage).toBeInstanceOf(Uint8Array);
      expect(hex(req.preimage)).toBe(PRE);
    }
  });

  it('accepts a Buffer, an ArrayBuffer, a DataView and a view into a SharedArrayBuffer', () => {
    const bytes = enc.encode(json());
    const shared = new SharedArrayBuffer(bytes.length + 10);
    new Uint8Array(shared).set(bytes, 5);
    for (const input of [
      Buffer.from(bytes),
      bytes.slice().buffer,
      new DataView(bytes.slice().buffer),
      new Uint8Array(shared, 5, bytes.length),
    ]) {
      expect(parseRequest(input).preimageHex).toBe(PRE);
    }
  });

  it('reads a view at its own offset, not the start of its buffer', () => {
    const bytes = enc.encode('xxxx' + json() + 'yyyy');
    expect(parseRequest(bytes.subarray(4, bytes.length - 4)).nonceWidth).toBe(4);
  });

  it('returns a fresh preimage copy and lowercases uppercase hex', () => {
    const upper = 'AB'.repeat(32) + 'Cd'.repeat(32);
    const req = parseRequest(json({ preimage_hex: upper }));
    expect(req.preimageHex).toBe(upper.toLowerCase());
    expect(hex(req.preimage)).toBe(upper.toLowerCase());
    const again = parseRequest(json({ preimage_hex: upper }));
    req.preimage[0] = 0;
    expect(again.preimage[0]).toBe(0xab);
  });

  it('takes V2 width 8', () => {
    expect(parseRequest(json({ nonce_width: 8 })).nonceWidth).toBe(8);
  });

  it('reads pyrxd’s own request shape byte for byte (json.dumps separators, 016x target)', () => {
    const text = `{"preimage_hex": "${PRE}", "target_hex": "00da740da740da74", "nonce_width": 4}`;
    expect(parseRequest(enc.encode(text)).target).toBe(0x00da740da740da74n);
  });
});

describe('parseRequest: size cap (checked first)', () => {
  it('accepts exactly 4096 bytes and rejects 4097', () => {
    expect(paddedTo(4096).length).toBe(4096);
    expect(parseRequest(paddedTo(4096)).nonceWidth).toBe(4);
    expect(paddedTo(4097).length).toBe(4097);
    const err = rejection(() => parseRequest(paddedTo(4097)));
    expect(err.code).toBe('too_large');
    expect(err.message).toBe('request is 4097 bytes, over the 4096-byte limit');
  });

  it('caps a string on its UTF-8 length, not its length in characters', () => {
    const base = json({ note: '' });
    const free = 4096 - enc.encode(base).length;
    // é is 2 bytes of UTF-8 and 1 UTF-16 unit; one 'a' evens out an odd remainder.
    const fill = (n: number) => base.replace('"note":""', `"note":"${'a'.repeat(free % 2)}${'é'.repeat(n)}"`);
    const room = Math.floor(free / 2);
    expect(enc.encode(fill(room)).length).toBe(4096);
    expect(parseRequest(fill(room)).nonceWidth).toBe(4);
    const over = fill(room) + ' ';
    expect(over.length).toBeLessThan(4096);
    expect(codeOf(over)).toBe('too_large');
  });

  it('rejects a long string without encoding it', () => {
    const err = rejection(() => parseRequest(' '.repeat(100_000) + json()));
    expect(err.code).toBe('too_large');
    expect(err.message).toBe(`request is at least ${100_000 + json().length} bytes, over the 4096-byte limit`);
  });

  it('comes before UTF-8 and JSON checks', () => {
    expect(codeOf(new Uint8Array(5000).fill(0xff))).toBe('too_large');
    expect(codeOf('{'.repeat(4097))).toBe('too_large');
  });
});

describe('parseRequest: UTF-8', () => {
  it.each([
    ['a lone 0xff byte', [0xff]],
    ['an overlong "/"', [0xc0, 0xaf]],
    ['an encoded surrogate', [0xed, 0xa0, 0x80]],
    ['a truncated sequence', [0xe2, 0x82]],
    ['a code point above U+10FFFF', [0xf4, 0x90, 0x80, 0x80]],
  ])('rejects %s inside a string value', (_, bad) => {
    const text = json({ note: 'XX' });
    const at = text.indexOf('XX');
    const bytes = [...enc.encode(text.slice(0, at)), ...bad, ...enc.encode(text.slice(at + 2))];
    const err = rejection(() => parseRequest(new Uint8Array(bytes)));
    expect(err.code).toBe('not_utf8');
    expect(err.message).toBe('request is not valid UTF-8');
  });

  it('accepts multibyte UTF-8 in unknown keys', () => {
    expect(parseRequest(enc.encode(json({ 'ключ': '✓ 𝄞' }))).nonceWidth).toBe(4);
  });

  it('rejects a UTF-8 byte-order mark as not JSON (pyrxd does; TextDecoder would strip it)', () => {
    const bytes = new Uint8Array([0xef, 0xbb, 0xbf, ...enc.encode(json())]);
    const err = rejection(() => parseRequest(bytes));
    expect(err.code).toBe('not_json');
    expect(err.message).toBe('request is not JSON: it starts with a byte-order mark (U+FEFF)');
    expect(codeOf('\ufeff' + json())).toBe('not_json');
  });
});

describe('parseRequest: JSON', () => {
  it.each(['', ' ', '{', "{'preimage_hex': 1}", 'NaN', '{"a":1,}', json() + ' x', 'undefined', '{"a":Infinity}'])(
    'rejects %j as not_json',
    (text) => {
      expect(codeOf(text)).toBe('not_json');
      expect(codeOf(enc.encode(text))).toBe('not_json');
    },
  );

  it('keeps the reason on one line and short, whatever the input', () => {
    const garbage = 'x\n'.repeat(1500);
    const err = rejection(() => parseRequest(garbage));
    expect(err.code).toBe('not_json');
    expect(err.message).toMatch(/^request is not valid JSON: /);
    expect(err.message).not.toMatch(/[\n\r]/);
    expect(err.message.length).toBeLessThanOrEqual(120);
  });

  it('survives deep nesting within the cap', () => {
    expect(codeOf('['.repeat(4000))).toBe('not_json');
    expect(codeOf('['.repeat(2000) + ']'.repeat(2000))).toBe('not_object');
  });

  it('lets the last of duplicate keys win (JSON.parse and Python json.loads agree)', () => {
    const text = json().replace('{', '{"nonce_width":2,');
    expect(parseRequest(text).nonceWidth).toBe(4);
  });
});

describe('parseRequest: top level must be an object', () => {
  it.each(['[]', `[${json()}]`, 'null', '42', '-0', '"text"', 'true', 'false'])('rejects %s', (text) => {
    const err = rejection(() => parseRequest(text));
    expect(err.code).toBe('not_object');
    expect(err.message).toMatch(/^request must be a JSON object, got /);
  });

  it('names what it got', () => {
    expect(rejection(() => parseRequest('[]')).message).toBe('request must be a JSON object, got an array');
    expect(rejection(() => parseRequest('null')).message).toBe('request must be a JSON object, got null');
    expect(rejection(() => parseRequest('"x"')).message).toBe('request must be a JSON object, got "x"');
  });

  it('rejects non-plain values passed directly', () => {
    for (const value of [null, undefined, 42, true, 10n, [validRequest()], new Map(), new Date(), new String('{}')]) {
      expect(codeOf(value as object)).toBe('not_object');
    }
  });

  it('accepts a null-prototype object', () => {
    const obj = Object.assign(Object.create(null) as object, validRequest());
    expect(parseRequest(obj).nonceWidth).toBe(4);
  });
});

describe('parseRequest: required keys, in order', () => {
  it.each(['preimage_hex', 'target_hex', 'nonce_width'])('rejects a request without %s', (key) => {
    const err = rejection(() => parseRequest(json({ [key]: undefined })));
    expect(err.code).toBe('missing_key');
    expect(err.message).toBe(`request is missing the required key "${key}"`);
  });

  it('names the first missing key: preimage_hex, then target_hex, then nonce_width', () => {
    expect(rejection(() => parseRequest('{}')).message).toContain('"preimage_hex"');
    expect(rejection(() => parseRequest(json({ target_hex: undefined, nonce_width: undefined }))).message).toContain(
      '"target_hex"',
    );
    expect(rejection(() => parseRequest(json({ preimage_hex: undefined, nonce_width: undefined }))).message).toContain(
      '"preimage_hex"',
    );
  });

  it('counts a key present with null as present (then rejects its value)', () => {
    expect(codeOf(json({ nonce_width: null }))).toBe('bad_nonce_width');
  });

  it('does not let inherited keys satisfy a required key', () => {
    const inherited = Object.create(validRequest()) as object;
    expect(codeOf(inherited)).toBe('not_object'); // not a plain object
    const viaProto = JSON.parse(`{"__proto__": ${json()}}`) as object;
    expect(Object.hasOwn(viaProto, '__proto__')).toBe(true);
    expect(codeOf(viaProto)).toBe('missing_key');
    expect(codeOf(`{"__proto__": ${json()}}`)).toBe('missing_key');
    expect(codeOf(`{"constructor": 1, "toString": 2, "hasOwnProperty": 3}`)).toBe('missing_key');
  });

  it('does not read required keys from a polluted Object.prototype', () => {
    const proto = Object.prototype as Record<string, unknown>;
    try {
      Object.assign(proto, validRequest());
      expect(codeOf('{}')).toBe('missing_key');
      expect(codeOf(enc.encode('{"nonce_width": 4}'))).toBe('missing_key');
    } finally {
      for (const key of Object.keys(validRequest())) delete proto[key];
    }
  });

  it('does not read required keys through a null-prototype chain', () => {
    const base = Object.assign(Object.create(null) as object, validRequest());
    expect(codeOf(Object.create(base) as object)).toBe('missing_key');
  });

  it('ignores unknown keys, whatever their values', () => {
    const req = parseRequest(
      json({ extra: { deep: [1, null, { x: 'y' }] }, Protocol: 99, PREIMAGE_HEX: 1, nonce_width_: 'x', '': null }),
    );
    expect(req.nonceWidth).toBe(4);
  });
});

describe('parseRequest: protocol', () => {
  it.each([
    ['null', null],
    ['true', true],
    ['"1"', '1'],
    ['2', 2],
    ['0', 0],
    ['-1', -1],
    ['1.5', 1.5],
    ['[1]', [1]],
    ['{}', {}],
  ])('rejects protocol %s', (_, protocol) => {
    expect(codeOf(json({ protocol }))).toBe('bad_protocol');
  });

  it('accepts protocol absent, 1, and 1.0 (the same number after JSON.parse)', () => {
    expect(parseRequest(json()).protocol).toBe(1);
    expect(parseRequest(json({ protocol: 1 })).protocol).toBe(1);
    expect(parseRequest(json({ protocol: 1 }).replace('"protocol":1', '"protocol":1.0')).protocol).toBe(1);
  });

  it('explains the problem', () => {
    expect(rejection(() => parseRequest(json({ protocol: 2 }))).message).toBe(
      'unsupported protocol 2: this miner speaks protocol 1',
    );
    expect(rejection(() => parseRequest(json({ protocol: '1' }))).message).toBe(
      'protocol must be the integer 1 when present, got "1"',
    );
    expect(rejection(() => parseRequest(json({ protocol: null }))).message).toBe(
      'protocol must be the integer 1 when present, got null',
    );
  });
});

describe('parseRequest: preimage_hex', () => {
  it.each([
    ['127 characters (odd)', 'a'.repeat(127), 'preimage_hex must be 128 hex characters (64 bytes), got 127'],
    ['130 characters', 'a'.repeat(130), 'preimage_hex must be 128 hex characters (64 bytes), got 130'],
    ['126 characters', 'a'.repeat(126), 'preimage_hex must be 128 hex characters (64 bytes), got 126'],
    ['empty', '', 'preimage_hex must be 128 hex characters (64 bytes), got 0'],
    ['a non-hex letter', 'ab'.repeat(10) + 'g' + 'a'.repeat(107), 'preimage_hex must contain only hex digits 0-9a-fA-F, found "g" at index 20'],
    ['spaces (Python’s bytes.fromhex skips them)', 'ab '.repeat(42) + 'ab', 'preimage_hex must contain only hex digits 0-9a-fA-F, found " " at index 2'],
    ['a 0x prefix', '0x' + 'ab'.repeat(63), 'preimage_hex must contain only hex digits 0-9a-fA-F, found "x" at index 1'],
    ['a non-ASCII digit', '٣'.repeat(128), 'preimage_hex must contain only hex digits 0-9a-fA-F, found "٣" at index 0'],
    ['a number', 12, 'preimage_hex must be a string of 128 hex characters, got 12'],
    ['null', null, 'preimage_hex must be a string of 128 hex characters, got null'],
    ['an array of bytes', [0xab], 'preimage_hex must be a string of 128 hex characters, got an array'],
  ])('rejects %s', (_, preimage_hex, message) => {
    const err = rejection(() => parseRequest(json({ preimage_hex })));
    expect(err.code).toBe('bad_preimage');
    expect(err.message).toBe(message);
  });

  it('accepts upper, lower and mixed case', () => {
    for (const p of ['AB'.repeat(64), 'ab'.repeat(64), 'aB'.repeat(64)]) {
      expect(parseRequest(json({ preimage_hex: p })).preimageHex).toBe('ab'.repeat(64));
    }
  });

  it('quotes at most a short slice of a long bad value', () => {
    const err = rejection(() => parseRequest(json({ preimage_hex: 'z'.repeat(3000) })));
    expect(err.message).toBe('preimage_hex must be 128 hex characters (64 bytes), got 3000');
  });
});

describe('parseRequest: target_hex', () => {
  it.each([
    ['0x10', 'found "x" at index 1'],
    ['0X10', 'found "X" at index 1'],
    [' 10', 'found " " at index 0'],
    ['10 ', 'found " " at index 2'],
    ['1_0', 'found "_" at index 1'],
    ['+10', 'found "+" at index 0'],
    ['-1', 'found "-" at index 0'],
    ['0o7', 'found "o" at index 1'],
    ['1e3.5', 'found "." at index 3'],
    ['ff\n', 'found "\\n" at index 2'],
  ])('rejects %j (int(s, 16) and BigInt(s) would take it)', (target_hex, where) => {
    const err = rejection(() => parseRequest(json({ target_hex })));
    expect(err.code).toBe('bad_target');
    expect(err.message).toBe(`target_hex must contain only hex digits 0-9a-fA-F (no 0x, sign, space or _), ${where}`);
  });

  it('rejects an empty target', () => {
    const err = rejection(() => parseRequest(json({ target_hex: '' })));
    expect(err.code).toBe('bad_target');
    expect(err.message).toBe('target_hex must not be empty');
  });

  it.each(['0', '000', '0000000000000000', '0'.repeat(3000)])('rejects the zero target %s', (target_hex) => {
    const err = rejection(() => parseRequest(json({ target_hex })));
    expect(err.code).toBe('bad_target');
    expect(err.message).toMatch(/^target_hex must be greater than zero, got "0+…?"$/);
    expect(err.message.length).toBeLessThan(120);
  });

  it.each([
    ['a number', 16, 'got 16'],
    ['null', null, 'got null'],
    ['true', true, 'got true'],
  ])('rejects %s', (_, target_hex, got) => {
    const err = rejection(() => parseRequest(json({ target_hex })));
    expect(err.code).toBe('bad_target');
    expect(err.message).toBe(`target_hex must be a string of hex digits, ${got}`);
  });

  it('reads hex, never decimal', () => {
    expect(parseRequest(json({ target_hex: '10' })).target).toBe(16n);
    expect(parseRequest(json({ target_hex: '0000000100000000' })).target).toBe(2n ** 32n);
    expect(parseRequest(json({ target_hex: '1' })).target).toBe(1n);
    expect(parseRequest(json({ target_hex: 'ABCdef' })).target).toBe(0xabcdefn);
  });

  it('clamps targets above 7fffffffffffffff instead of rejecting them', () => {
    for (const [t, sent] of [
      ['7fffffffffffffff', MAX_TARGET],
      ['8000000000000000', 2n ** 63n],
      ['ffffffffffffffff', 2n ** 64n - 1n],
      ['1' + '0'.repeat(32), 2n ** 128n],
    ] as const) {
      const req = parseRequest(json({ target_hex: t }));
      expect(req.target).toBe(sent);
      expect(req.effectiveTarget).toBe(MAX_TARGET);
    }
    expect(parseRequest(json({ target_hex: '7ffffffffffffffe' })).effectiveTarget).toBe(MAX_TARGET - 1n);
  });

  it('takes a very long but valid target (thousands of digits) and clamps it', () => {
    const base = enc.encode(json({ target_hex: '' })).length;
    const digits = 4096 - base;
    const target_hex = '0'.repeat(digits - 40) + 'f'.repeat(40);
    const bytes = enc.encode(json({ target_hex }));
    expect(bytes.length).toBe(4096);
    const req = parseRequest(bytes);
    expect(req.target).toBe(2n ** 160n - 1n);
    expect(req.effectiveTarget).toBe(MAX_TARGET);
    const wide = parseRequest(json({ target_hex: 'f'.repeat(digits) }));
    expect(wide.target).toBe(2n ** BigInt(4 * digits) - 1n);
  });

  it('bounds a library caller’s target like the wire does', () => {
    const err = rejection(() => parseRequest(validRequest({ target_hex: 'f'.repeat(5000) })));
    expect(err.code).toBe('bad_target');
    expect(err.message).toBe('target_hex must be at most 4096 hex digits, got 5000');
  });
});

describe('parseRequest: nonce_width', () => {
  it.each([
    ['"4"', '4', 'got "4"'],
    ['"8"', '8', 'got "8"'],
    ['true', true, 'got true'],
    ['2', 2, 'got 2'],
    ['16', 16, 'got 16'],
    ['0', 0, 'got 0'],
    ['4.5', 4.5, 'got 4.5'],
    ['-4', -4, 'got -4'],
    ['null', null, 'got null'],
    ['[4]', [4], 'got an array'],
  ])('rejects %s', (_, nonce_width, got) => {
    const err = rejection(() => parseRequest(json({ nonce_width })));
    expect(err.code).toBe('bad_nonce_width');
    expect(err.message).toBe(`nonce_width must be the number 4 or 8, ${got}`);
  });

  it('accepts 4, 8, and 4.0 / 8e0 (the same numbers after JSON.parse)', () => {
    expect(parseRequest(json({ nonce_width: 4 })).nonceWidth).toBe(4);
    expect(parseRequest(json({ nonce_width: 8 })).nonceWidth).toBe(8);
    expect(parseRequest(json().replace('"nonce_width":4', '"nonce_width":4.0')).nonceWidth).toBe(4);
    expect(parseRequest(json().replace('"nonce_width":4', '"nonce_width":8e0')).nonceWidth).toBe(8);
  });
});

describe('parseRequest: order of checks when several rules are broken', () => {
  const allBad = { protocol: 2, preimage_hex: 'zz', target_hex: '0x1', nonce_width: '4' };
  it.each<[string, Uint8Array | string | object, RequestErrorCode]>([
    ['too large and not UTF-8', new Uint8Array(4097).fill(0xc0), 'too_large'],
    ['not UTF-8 and not JSON', new Uint8Array([0x7b, 0xff]), 'not_utf8'],
    ['an array of bad requests', JSON.stringify([allBad]), 'not_object'],
    ['missing nonce_width, bad protocol, bad preimage', json({ ...allBad, nonce_width: undefined }), 'missing_key'],
    ['bad protocol, preimage, target, width', json(allBad), 'bad_protocol'],
    ['bad preimage, target, width', json({ ...allBad, protocol: 1 }), 'bad_preimage'],
    ['bad target and width', json({ target_hex: '0', nonce_width: 3 }), 'bad_target'],
    ['bad width only', json({ nonce_width: 3 }), 'bad_nonce_width'],
  ])('%s → %s', (_, input, code) => {
    expect(codeOf(input)).toBe(code);
  });
});

describe('RequestError', () => {
  it('is an Error with a name, a code and a one-line message', () => {
    const err = rejection(() => parseRequest('[]'));
    expect(err).toBeInstanceOf(Error);
    expect(err.name).toBe('RequestError');
    expect(String(err)).toBe('RequestError: request must be a JSON object, got an array');
  });

  it('quotes at most ~80 characters of input, escaped onto one line', () => {
    const long = 'x\n'.repeat(1000);
    for (const input of [
      json({ protocol: long }),
      json({ nonce_width: long }),
      json({ target_hex: '0'.repeat(2000) }),
      JSON.stringify(long),
    ]) {
      const err = rejection(() => parseRequest(input));
      expect(err.message).not.toMatch(/[\n\r\u2028\u2029]/);
      expect(err.message.length).toBeLessThanOrEqual(160);
    }
  });
});

describe('nonce encoding', () => {
  it.each<[bigint, 4 | 8, string]>([
    [0n, 4, '00000000'],
    [1n, 4, '01000000'],
    [0x62017fd1n, 4, 'd17f0162'],
    [0xffffffffn, 4, 'ffffffff'],
    [0n, 8, '0000000000000000'],
    [0xffffffffn, 8, 'ffffffff00000000'],
    [2n ** 32n, 8, '0000000001000000'],
    [0x0123456789abcdefn, 8, 'efcdab8967452301'],
    [2n ** 64n - 1n, 8, 'ffffffffffffffff'],
  ])('nonce %s width %i is %s on the wire, and back', (nonce, width, text) => {
    expect(nonceToHex(nonce, width)).toBe(text);
    expect(hex(nonceBytes(nonce, width))).toBe(text);
    expect(nonceFromHex(text, width)).toBe(nonce);
    expect(nonceFromHex(text.toUpperCase(), width)).toBe(nonce);
  });

  it('rejects nonces that do not fit the width', () => {
    expect(() => nonceToHex(2n ** 32n, 4)).toThrow(RangeError);
    expect(() => nonceToHex(2n ** 64n, 8)).toThrow(RangeError);
    expect(() => nonceToHex(-1n, 8)).toThrow(RangeError);
    expect(() => nonceBytes(2n ** 32n, 4)).toThrow('nonce must be in [0, 2^32) for width 4, got 4294967296');
    expect(() => nonceToHex(5 as unknown as bigint, 4)).toThrow(TypeError);
    expect(() => nonceToHex(1n, 5 as 4)).toThrow('nonce width must be 4 or 8, got 5');
  });

  it('rejects nonce hex of the wrong length or alphabet', () => {
    for (const [text, width] of [
      ['d17f016', 4],
      ['d17f01620', 4],
      ['d17f0162', 8],
      ['0xd17f01', 4],
      ['d17f 162', 4],
      ['', 4],
    ] as const) {
      expect(() => nonceFromHex(text, width), text).toThrow(RangeError);
    }
    expect(() => nonceFromHex('d17f016', 4)).toThrow(
      'nonce hex must be 8 hex characters (4 bytes, little-endian), got "d17f016"',
    );
  });

  it('agrees with every nonce_hex / nonce_int_le pair in the fixture', () => {
    let pairs = 0;
    for (const v of [...fixture.pow_vectors]) {
      const hits = [v, ...(v.prefix_hits_in_0_to_nonce ?? []), ...(v.prefix_hits_in_scanned_range ?? [])];
      for (const h of hits) {
        expect(nonceToHex(BigInt(h.nonce_int_le), v.nonce_width)).toBe(h.nonce_hex);
        expect(nonceFromHex(h.nonce_hex, v.nonce_width)).toBe(BigInt(h.nonce_int_le));
        pairs++;
      }
    }
    expect(pairs).toBeGreaterThanOrEqual(2 * fixture.pow_vectors.length);
  });
});

describe('kernelBound', () => {
  it.each<[bigint, number, number]>([
    [MAX_TARGET, 0x7fffffff, 0xffffffff],
    [1n, 0, 1],
    [2n ** 32n, 1, 0],
    [0x0000ffffffffffffn, 0xffff, 0xffffffff],
    [0x00da740da740da74n, 0x00da740d, 0xa740da74],
  ])('splits %s into (0, hi, lo) as unsigned 32-bit numbers', (t, b1, b2) => {
    expect(kernelBound(t)).toEqual({ b0: 0, b1, b2 });
  });

  it('refuses a target that was not clamped or is not positive', () => {
    for (const t of [0n, -1n, MAX_TARGET + 1n, 2n ** 64n]) expect(() => kernelBound(t)).toThrow(RangeError);
    expect(() => kernelBound(5 as unknown as bigint)).toThrow(RangeError);
  });
});
