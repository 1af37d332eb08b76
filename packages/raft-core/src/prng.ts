// A small seeded pseudo-random generator (sfc32). Raft's election jitter and the simulator's
// faults both draw from one of these, so a seed replays a run exactly. Never Math.random.
import { assert } from './assert.ts';

/** A deterministic source of random numbers. */
export interface Prng {
  /** Returns a uniformly distributed unsigned 32-bit integer. */
  nextUint32(): number;
  /** Returns a float in [0, 1). */
  nextFloat(): number;
  /** Returns an integer in [0, maxExclusive). */
  nextInt(maxExclusive: number): number;
  /** Returns a new independent generator derived from this one's stream. */
  fork(): Prng;
}

/** Creates a generator from a seed; equal seeds give equal streams on every platform. */
export function createPrng(seed: number): Prng {
  assert(Number.isSafeInteger(seed), 'prng seed must be a safe integer');
  // Spread the seed over all four words with splitmix32 so nearby seeds give unrelated streams.
  let mix = (seed ^ Math.floor(seed / 0x1_0000_0000)) >>> 0;
  const splitmix = (): number => {
    mix = (mix + 0x9e3779b9) | 0;
    let z = mix;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
    return (z ^ (z >>> 16)) >>> 0;
  };
  let a = splitmix();
  let b = splitmix();
  let c = splitmix();
  let d = splitmix();
  const next = (): number => {
    const t = (((a + b) | 0) + d) | 0;
    d = (d + 1) | 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) | 0;
    c = (c << 21) | (c >>> 11);
    c = (c + t) | 0;
    return t >>> 0;
  };
  // Discard the first outputs: sfc32 needs a few rounds to mix a small seed.
  for (let i = 0; i < 15; i++) next();
  const prng: Prng = {
    nextUint32: next,
    nextFloat: () => next() / 0x1_0000_0000,
    nextInt: (maxExclusive) => {
      assert(Number.isSafeInteger(maxExclusive) && maxExclusive > 0, 'nextInt bound must be > 0');
      return Math.floor((next() / 0x1_0000_0000) * maxExclusive);
    },
    fork: () => createPrng(next() * 0x20_0000 + (next() >>> 11)),
  };
  return prng;
}
