// The search's memo of visited configurations: (set of linearized operations, model state).
// Bitsets live in one growing Uint32Array arena and an open-addressing table of entry indexes,
// so an entry costs a few words instead of a typed-array object. Never shrinks; bounded by the
// caller, which reads `entryCount` and `bytes` against its budgets.

import { assert } from '../assert.ts';
import type { Model } from '../model/model.ts';

const tableLoadMax = 0.5;

/** A set of (bitset, state) pairs with a caller-supplied combined hash. */
export class SearchCache<State> {
  private arena: Uint32Array;
  private hashes: Uint32Array;
  private table: Int32Array;
  private readonly states: State[] = [];
  private stateBytesTotal = 0;

  /** Creates an empty cache for bitsets of `words` 32-bit words. */
  constructor(
    private readonly model: Model<State>,
    private readonly words: number,
  ) {
    assert(words > 0, 'a bitset has at least one word');
    this.arena = new Uint32Array(words * 64);
    this.hashes = new Uint32Array(64);
    this.table = new Int32Array(256).fill(-1);
  }

  /** The number of configurations stored. */
  get entryCount(): number {
    return this.states.length;
  }

  /** An estimate of the bytes this cache retains, including its states. */
  get bytes(): number {
    const arrays = this.arena.byteLength + this.hashes.byteLength + this.table.byteLength;
    return arrays + this.states.length * 8 + this.stateBytesTotal;
  }

  /** Adds (bits, state) unless present; returns true when it was added (a new configuration). */
  insert(bits: Uint32Array, hash: number, state: State): boolean {
    assert(bits.length === this.words, 'bitset width matches the cache');
    const mask = this.table.length - 1;
    let slot = hash & mask;
    for (let entry = this.table[slot] ?? -1; entry >= 0; entry = this.table[slot] ?? -1) {
      if (this.hashes[entry] === hash && this.matches(entry, bits, state)) return false;
      slot = (slot + 1) & mask;
    }
    const entry = this.states.length;
    this.ensureCapacity(entry + 1);
    this.arena.set(bits, entry * this.words);
    this.hashes[entry] = hash;
    this.states.push(state);
    this.stateBytesTotal += this.model.stateBytes(state);
    this.table[slot] = entry;
    if (this.states.length > this.table.length * tableLoadMax) this.rehash(this.table.length * 2);
    return true;
  }

  private matches(entry: number, bits: Uint32Array, state: State): boolean {
    const offset = entry * this.words;
    for (let word = 0; word < this.words; word += 1) {
      if (this.arena[offset + word] !== bits[word]) return false;
    }
    return this.model.equal(this.states[entry] as State, state);
  }

  private ensureCapacity(entries: number): void {
    if (entries <= this.hashes.length) return;
    const capacity = this.hashes.length * 2;
    const arena = new Uint32Array(capacity * this.words);
    arena.set(this.arena);
    this.arena = arena;
    const hashes = new Uint32Array(capacity);
    hashes.set(this.hashes);
    this.hashes = hashes;
  }

  private rehash(size: number): void {
    const table = new Int32Array(size).fill(-1);
    const mask = size - 1;
    for (let entry = 0; entry < this.states.length; entry += 1) {
      let slot = (this.hashes[entry] ?? 0) & mask;
      while ((table[slot] ?? -1) >= 0) slot = (slot + 1) & mask;
      table[slot] = entry;
    }
    this.table = table;
  }
}
