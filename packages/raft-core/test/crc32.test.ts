// Goal: the sliced CRC-32 is the zlib CRC-32 for every length (the 8-byte main loop and the
// byte tail), from any starting value. Method: the standard check value, then zlib's crc32 as
// the reference over lengths 0..67 and a 1 MiB buffer, whole and split at odd points.
import { crc32 as zlibCrc32 } from 'node:zlib';
import { createPrng } from '@kvraft/raft-core';
import { crc32 } from '@kvraft/raft-core/persister-kit';
import { describe, expect, it } from 'vitest';

function bytes(length: number, seed: number): Uint8Array {
  const prng = createPrng(seed);
  return Uint8Array.from({ length }, () => prng.nextInt(256));
}

describe('crc32', () => {
  it('gives the standard check value for "123456789"', () => {
    expect(crc32(new TextEncoder().encode('123456789'))).toBe(0xcbf43926);
    expect(crc32(new Uint8Array(0))).toBe(0);
  });

  it('matches zlib for every length of the main loop and the tail', () => {
    for (let length = 0; length < 68; length++) {
      const data = bytes(length, length + 1);
      expect(crc32(data)).toBe(zlibCrc32(data));
      expect(crc32(data, 0xdeadbeef)).toBe(zlibCrc32(data, 0xdeadbeef));
    }
  });

  it('continues across split points exactly like one call', () => {
    const data = bytes(1 << 20, 99);
    const whole = crc32(data);
    expect(whole).toBe(zlibCrc32(data));
    for (const split of [1, 7, 8, 13, 4096, 1000003]) {
      expect(crc32(data.subarray(split), crc32(data.subarray(0, split)))).toBe(whole);
    }
  });
});
