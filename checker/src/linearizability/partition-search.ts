// The Wing–Gong/Lowe linearizability search for one partition, as a resumable state machine:
// `run(stepsMax)` advances an iterative depth-first search by at most `stepsMax` steps, so the
// caller can interleave partitions and enforce budgets. No recursion, no clock, no I/O.
// Lowe's "just-in-time linearization" over a doubly linked list of call/return entries, with
// (linearized bitset, state) memoization (Lowe 2017; Porcupine's checker.go has the same shape).

import { assert } from '../assert.ts';
import type { Operation } from '../history/types.ts';
import { anyState, illegal, type Model } from '../model/model.ts';
import { SearchCache } from './search-cache.ts';

/** Where a search stands after a run: still going, or decided. */
export type SearchStatus = 'running' | 'ok' | 'illegal';

const none = -1;
const head = 0;

/** One partition's search. Operations must exclude `fail` (they never took effect). */
export class PartitionSearch<State> {
  /** Total loop iterations so far. */
  steps = 0;
  /** The length of the longest linearizable prefix found so far. */
  private bestDepth = 0;
  // True while the stack still holds the best prefix and no snapshot of it was taken yet.
  private bestStale = false;
  private bestPrefix: readonly number[] = [];
  /** The global id of the operation the longest prefix could not be extended with. */
  blockedOperation: number | undefined = undefined;
  status: SearchStatus = 'running';
  private readonly cache: SearchCache<State>;
  // Entries 1..2n; entry 0 is the list head. Invariant: a lifted call's return is lifted too.
  private readonly next: Int32Array;
  private readonly prev: Int32Array;
  private readonly entryOperation: Int32Array;
  private readonly entryMatch: Int32Array; // a call's return entry; none for returns
  private readonly bits: Uint32Array;
  private readonly operationHash: Uint32Array;
  private readonly stackEntry: Int32Array;
  private readonly stackState: State[] = [];
  // Per operation: the resets that may explain it (see computeResetCandidates).
  private readonly resetCandidates: (Int32Array | undefined)[] = [];
  private readonly requiredCount: number;
  private readonly required: Uint8Array;
  private depth = 0;
  private liftedRequired = 0;
  private bitsHash = 0;
  private cursor: number;
  private state: State;

  /**
   * Prepares the search over `operations` (ok and info only) from the model's initial state;
   * `lookaheadEntriesMax` bounds the pruning scan per placement (0 turns pruning off).
   */
  constructor(
    private readonly model: Model<State>,
    private readonly operations: readonly Operation[],
    private readonly lookaheadEntriesMax: number,
  ) {
    const count = operations.length;
    this.next = new Int32Array(2 * count + 1);
    this.prev = new Int32Array(2 * count + 1);
    this.entryOperation = new Int32Array(2 * count + 1).fill(none);
    this.entryMatch = new Int32Array(2 * count + 1).fill(none);
    this.bits = new Uint32Array(Math.max(1, Math.ceil(count / 32)));
    this.operationHash = new Uint32Array(count);
    this.stackEntry = new Int32Array(count);
    this.required = new Uint8Array(count);
    this.cache = new SearchCache(model, this.bits.length);
    for (let index = 0; index < count; index += 1) {
      const operation = operations[index];
      assert(operation !== undefined && operation.status !== 'fail', 'searched ops took effect');
      this.operationHash[index] = mixIndex(index);
      this.required[index] = operation.returnNs === Infinity ? 0 : 1;
    }
    this.requiredCount = this.required.reduce((sum, flag) => sum + flag, 0);
    this.linkEntries();
    const prunable = model.reachable !== undefined && model.resetState !== undefined;
    if (prunable && lookaheadEntriesMax > 0) this.computeResetCandidates();
    this.cursor = this.next[head] ?? none;
    this.state = model.init();
  }

  /** Configurations memoized so far. */
  get cacheEntries(): number {
    return this.cache.entryCount;
  }

  /** Estimated bytes held by the memo. */
  get cacheBytes(): number {
    return this.cache.bytes;
  }

  /** Advances the search by at most `stepsMax` steps; returns the status afterwards. */
  run(stepsMax: number): SearchStatus {
    const stepsEnd = this.steps + stepsMax;
    while (this.status === 'running' && this.steps < stepsEnd) {
      this.steps += 1;
      if (this.liftedRequired === this.requiredCount) {
        // Every completed operation is placed; the info operations left may never take effect.
        this.status = 'ok';
      } else if (this.entryMatch[this.cursor] !== none) {
        this.tryCall(this.cursor);
      } else if (this.depth === 0) {
        this.noteBlocked(this.cursor);
        this.status = 'illegal';
      } else {
        this.noteBlocked(this.cursor);
        this.backtrack();
      }
    }
    return this.status;
  }

  private tryCall(entry: number): void {
    const index = this.entryOperation[entry] ?? none;
    const operation = this.operations[index];
    assert(operation !== undefined, 'a call entry names an operation');
    const stateNext = this.model.step(this.state, operation);
    if (stateNext !== illegal) {
      this.toggleBit(index);
      // A configuration is cached before the pruning check: a pruned one is dead, and caching
      // it saves checking it again.
      const fresh = this.cache.insert(this.bits, this.combinedHash(stateNext), stateNext);
      if (fresh && this.mayComplete(entry, stateNext)) {
        this.stackEntry[this.depth] = entry;
        this.stackState[this.depth] = this.state;
        this.depth += 1;
        this.liftedRequired += this.required[index] ?? 0;
        this.state = stateNext;
        this.lift(entry);
        this.noteDepth();
        this.cursor = this.next[head] ?? none;
        return;
      }
      this.toggleBit(index);
    }
    this.cursor = this.next[entry] ?? none;
  }

  /**
   * Lookahead pruning with the model's optional hints. An operation whose return entry is r can
   * be preceded only by operations whose call entries come before r. So walking the list (up to
   * `lookaheadEntriesMax` entries), if some pending operation is unreachable from `state` and no
   * pending reset that could precede it reaches it, this configuration is dead.
   */
  private mayComplete(placed: number, state: State): boolean {
    const { model } = this;
    if (model.reachable === undefined || this.resetCandidates.length === 0) return true;
    const placedReturn = this.entryMatch[placed];
    let entry = this.next[head] ?? none;
    for (let scanned = 0; entry !== none && scanned < this.lookaheadEntriesMax; scanned += 1) {
      if (entry !== placedReturn && this.entryMatch[entry] === none) {
        const index = this.entryOperation[entry] ?? none;
        const operation = this.operations[index];
        assert(operation !== undefined, 'a return entry names an operation');
        if (!model.reachable(state, operation) && !this.pendingResetReaches(index)) return false;
      }
      entry = this.next[entry] ?? none;
    }
    return true;
  }

  /** Whether a not yet linearized reset that may precede operation `index` can explain it. */
  private pendingResetReaches(index: number): boolean {
    const candidates = this.resetCandidates[index];
    if (candidates === undefined) return true;
    for (const reset of candidates) {
      if (((this.bits[reset >>> 5] ?? 0) & (1 << (reset & 31))) === 0) return true;
    }
    return false;
  }

  /**
   * For each operation, the resets whose call precedes its return and whose reset state reaches
   * it (a static relation, computed once); undefined when some such reset may leave any state.
   */
  private computeResetCandidates(): void {
    const { model } = this;
    const resets: { index: number; state: State | typeof anyState }[] = [];
    for (let index = 0; index < this.operations.length; index += 1) {
      const operation = this.operations[index];
      const state = operation === undefined ? undefined : model.resetState?.(operation);
      // Operations are searched in order, so an empty partition has no candidates to compute.
      if (state !== undefined) resets.push({ index, state });
    }
    for (let target = 0; target < this.operations.length; target += 1) {
      const operation = this.operations[target];
      assert(operation !== undefined, 'operations are dense');
      const candidates: number[] = [];
      let unconstrained = false;
      for (const reset of resets) {
        const resetOperation = this.operations[reset.index];
        if (resetOperation === undefined || resetOperation.callNs > operation.returnNs) continue;
        if (reset.state === anyState) unconstrained = true;
        else if (model.reachable?.(reset.state, operation) === true) candidates.push(reset.index);
      }
      this.resetCandidates.push(unconstrained ? undefined : Int32Array.from(candidates));
    }
  }

  private backtrack(): void {
    if (this.bestStale && this.depth === this.bestDepth) this.snapshotBest();
    this.depth -= 1;
    const entry = this.stackEntry[this.depth] ?? none;
    const index = this.entryOperation[entry] ?? none;
    this.state = this.stackState[this.depth] as State;
    this.toggleBit(index);
    this.liftedRequired -= this.required[index] ?? 0;
    this.unlift(entry);
    this.cursor = this.next[entry] ?? none;
  }

  private combinedHash(state: State): number {
    return (this.bitsHash ^ Math.imul(this.model.hash(state), 0x9e3779b1)) >>> 0;
  }

  private toggleBit(index: number): void {
    const word = index >>> 5;
    this.bits[word] = (this.bits[word] ?? 0) ^ (1 << (index & 31));
    this.bitsHash = (this.bitsHash ^ (this.operationHash[index] ?? 0)) >>> 0;
  }

  /** Operation ids (global) of the longest linearizable prefix found so far, in order. */
  get longestPrefix(): readonly number[] {
    if (this.bestStale) this.snapshotBest();
    return this.bestPrefix;
  }

  private noteDepth(): void {
    // Snapshots are taken lazily (when leaving the best path), so a deep, mostly linear search
    // does not copy its stack at every new depth.
    if (this.depth <= this.bestDepth) return;
    this.bestDepth = this.depth;
    this.bestStale = true;
    this.blockedOperation = undefined;
  }

  private snapshotBest(): void {
    assert(this.depth >= this.bestDepth, 'a stale best prefix is still on the stack');
    const prefix: number[] = [];
    for (let level = 0; level < this.bestDepth; level += 1) {
      const index = this.entryOperation[this.stackEntry[level] ?? none] ?? none;
      prefix.push(this.operations[index]?.id ?? none);
    }
    this.bestPrefix = prefix;
    this.bestStale = false;
  }

  private noteBlocked(returnEntry: number): void {
    if (this.depth !== this.bestDepth || this.blockedOperation !== undefined) return;
    const index = this.entryOperation[returnEntry] ?? none;
    this.blockedOperation = this.operations[index]?.id;
  }

  private lift(call: number): void {
    this.unlink(call);
    this.unlink(this.entryMatch[call] ?? none);
  }

  private unlift(call: number): void {
    this.relink(this.entryMatch[call] ?? none);
    this.relink(call);
  }

  private unlink(entry: number): void {
    const before = this.prev[entry] ?? none;
    const after = this.next[entry] ?? none;
    this.next[before] = after;
    if (after !== none) this.prev[after] = before;
  }

  private relink(entry: number): void {
    const before = this.prev[entry] ?? none;
    const after = this.next[entry] ?? none;
    this.next[before] = entry;
    if (after !== none) this.prev[after] = entry;
  }

  private linkEntries(): void {
    const order = entryOrder(this.operations);
    const callEntry = new Int32Array(this.operations.length).fill(none);
    this.next[head] = order.length > 0 ? 1 : none;
    for (let position = 0; position < order.length; position += 1) {
      const entry = position + 1;
      const code = order[position] ?? 0;
      const index = code >> 1;
      this.entryOperation[entry] = index;
      this.prev[entry] = entry - 1;
      this.next[entry] = entry < order.length ? entry + 1 : none;
      if ((code & 1) === 0) callEntry[index] = entry;
      else this.entryMatch[callEntry[index] ?? none] = entry;
    }
  }
}

/** Call/return events in time order, encoded `index * 2 + (isReturn ? 1 : 0)`. */
function entryOrder(operations: readonly Operation[]): number[] {
  const codes: number[] = [];
  for (let index = 0; index < operations.length; index += 1) codes.push(index * 2, index * 2 + 1);
  const time = (code: number): number => {
    const operation = operations[code >> 1];
    assert(operation !== undefined, 'an entry names an operation');
    return (code & 1) === 0 ? operation.callNs : operation.returnNs;
  };
  // Intervals are closed: at equal times calls sort before returns, so touching operations
  // count as concurrent rather than ordered (the conservative choice).
  codes.sort((left, right) => time(left) - time(right) || (left & 1) - (right & 1) || left - right);
  return codes;
}

/** A well-mixed 32-bit value per operation index, XORed into the incremental bitset hash. */
function mixIndex(index: number): number {
  let value = Math.imul(index + 1, 0x9e3779b1);
  value = Math.imul(value ^ (value >>> 16), 0x85ebca6b);
  value = Math.imul(value ^ (value >>> 13), 0xc2b2ae35);
  return (value ^ (value >>> 16)) >>> 0;
}
