// Goal: the byte encodings are exact and defensive. Method: round trips (including a property
// test over random commands), the CRC-32 check value, and malformed inputs that must come back
// as typed errors, never exceptions.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  type Command,
  crc32,
  decodeCommand,
  encodeCommand,
  protocolLimitsDefault,
  validateRequest,
} from '../src/index.ts';

const commandArbitrary: fc.Arbitrary<Command> = fc.oneof(
  fc.record({ kind: fc.constant('get' as const), key: fc.string() }),
  fc.record({
    kind: fc.constantFrom('put' as const, 'append' as const),
    key: fc.string(),
    value: fc.string({ unit: 'grapheme' }),
    clientId: fc.integer({ min: 1, max: Number.MAX_SAFE_INTEGER }),
    seq: fc.integer({ min: 1, max: Number.MAX_SAFE_INTEGER }),
  }),
);

describe('codecs', () => {
  it('computes the standard CRC-32 check value', () => {
    expect(crc32(new TextEncoder().encode('123456789'))).toBe(0xcbf43926);
  });

  it('round-trips every command', () => {
    fc.assert(
      fc.property(commandArbitrary, (command) => {
        expect(decodeCommand(encodeCommand(command))).toEqual({ ok: true, command });
      }),
    );
  });

  it.each([
    ['empty', []],
    ['unknown version', [9, 0, 0]],
    ['unknown kind', [1, 7, 0]],
    ['truncated key', [1, 0, 5, 65]],
    ['trailing bytes', [1, 0, 1, 65, 0]],
    ['bad utf-8', [1, 0, 1, 0xff]],
    ['overlong varint', [1, 1, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x01]],
  ])('rejects a malformed command (%s) with a typed error', (_name, bytes) => {
    const result = decodeCommand(new Uint8Array(bytes));
    expect(result.ok).toBe(false);
  });

  it.each([
    [{ kind: 'del', key: 'k', clientId: 1, seq: 1 }, /unknown kind/],
    [{ kind: 'put', key: 'k', clientId: 1, seq: 1 }, /needs a string value/],
    [{ kind: 'put', key: 'k', value: 'v', clientId: 0, seq: 1 }, /clientId/],
    [{ kind: 'append', key: 'k', value: 'v', clientId: 1, seq: 1.5 }, /seq/],
    [{ kind: 'get', key: 'k'.repeat(2000), clientId: 1, seq: 0 }, /key exceeds/],
    [null, /object/],
  ])('validates requests before proposing: %j', (request, pattern) => {
    expect(validateRequest(request, protocolLimitsDefault)).toMatch(pattern);
  });

  it('accepts a well-formed get and append', () => {
    const limits = protocolLimitsDefault;
    expect(validateRequest({ kind: 'get', key: 'k', clientId: 3, seq: 0 }, limits)).toBeUndefined();
    const append = { kind: 'append', key: 'k', value: 'v', clientId: 3, seq: 1 };
    expect(validateRequest(append, limits)).toBeUndefined();
  });
});
