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

// What the pruning walk says of a configuration: no completion, maybe one, or maybe one and its
// state may be replaced by the model's erased state.
type Outlook = 'dead' | 'alive' | 'erasable';

const none = -1;
// The pruning window while the search runs straight, and the steps per operation it may take
// before the window widens to lookaheadEntriesMax.
const lookaheadEntriesFirst = 32;
const straightStepsPerOperation = 8;
const head = 0;

/** One partition's search. Operations must exclude `fail` (they never took effect). */
export class PartitionSearch<State> {
  /** Total loop iterations so far. */
  steps = 0;
  /** The length of the longest linearizable prefix found so far. */
  private bestDepth = 0;
  // True while the stack still holds the best prefix and no snapshot of it was taken yet.
  private bestStale = false;
  // The best prefix's call entries. Invariant: levels below `divergedLevel` equal stackEntry.
  private readonly bestEntries: Int32Array;
  private divergedLevel = 0;
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
  // Per operation: the state it leaves whatever the state before (model.resetState), if any.
  private readonly resetStates: (State | typeof anyState | undefined)[] = [];
  // Per operation: what the model precomputed for `reachable` about it (model.reachableContext).
  private readonly reachableContexts: unknown[] = [];
  // Scratch lists of mayComplete: reset states of the pending calls scanned so far, and the
  // pending monotone operations (which may still take effect before the returns that follow).
  private readonly pendingResets: State[] = [];
  private readonly pendingMonotone: Operation[] = [];
  private readonly prunable: boolean;
  // Entries the pruning scan visits now: a short window while the search runs straight, all of
  // lookaheadEntriesMax once it has taken more steps than an easy history needs. A 256-entry
  // scan made 10-client searches 3x slower, yet 50 clients need it (Porcupine's c50-bad key "0").
  private lookaheadEntries: number;
  // Per info operation: the previous identical info operation (same f and input), else none.
  private readonly infoPrevious: Int32Array;
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
    this.bestEntries = new Int32Array(count);
    this.required = new Uint8Array(count);
    this.cache = new SearchCache(model, this.bits.length);
    for (let index = 0; index < count; index += 1) {
      const operation = operations[index];
      assert(operation !== undefined && operation.status !== 'fail', 'searched ops took effect');
      this.operationHash[index] = mixIndex(index);
      this.required[index] = operation.returnNs === Infinity ? 0 : 1;
    }
    this.requiredCount = this.required.reduce((sum, flag) => sum + flag, 0);
    this.infoPrevious = previousIdenticalInfo(operations);
    this.linkEntries();
    this.prunable =
      model.reachable !== undefined && model.resetState !== undefined && lookaheadEntriesMax > 0;
    this.lookaheadEntries = Math.min(lookaheadEntriesMax, lookaheadEntriesFirst);
    if (this.prunable) {
      for (const operation of operations) {
        this.resetStates.push(model.resetState?.(operation));
        this.reachableContexts.push(model.reachableContext?.(operation));
      }
    }
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
    if (this.steps > this.operations.length * straightStepsPerOperation) {
      this.lookaheadEntries = this.lookaheadEntriesMax;
    }
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
    const liftable = this.required[index] === 1 || this.infoMayLift(index);
    const stateNext = liftable ? this.model.step(this.state, operation) : illegal;
    if (stateNext !== illegal) {
      this.toggleBit(index);
      // A configuration is cached before the pruning check: a pruned one is dead, and caching
      // it saves checking it again. An unchanged state needs little check: the configuration
      // it came from passed with the same state and more pending operations. Not so for the
      // erased state, which an append leaves unchanged: the pruning walk uses the pieces of
      // pending appends, so consuming one can make a put's later reads impossible.
      const fresh = this.cache.insert(this.bits, this.combinedHash(stateNext), stateNext);
      const same = fresh && this.model.equal(stateNext, this.state) && !this.isErased(this.state);
      const outlook = fresh && !same ? this.mayComplete(entry, stateNext) : 'alive';
      let placedState = stateNext;
      let alive = fresh && outlook !== 'dead';
      if (alive && outlook === 'erasable' && this.model.erased !== undefined) {
        // Every configuration whose value nobody reads again is one configuration: the orders
        // of appends a put will erase are searched once, not once per distinct value.
        placedState = this.model.erased;
        alive = this.cache.insert(this.bits, this.combinedHash(placedState), placedState);
      }
      if (alive) {
        this.stackEntry[this.depth] = entry;
        this.divergedLevel = Math.min(this.divergedLevel, this.depth);
        this.stackState[this.depth] = this.state;
        this.depth += 1;
        this.liftedRequired += this.required[index] ?? 0;
        this.state = placedState;
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
   * be preceded only by operations whose call entries come before r. So walking the list from
   * its head (up to `lookaheadEntriesMax` entries) and collecting the states of the pending
   * resets whose calls it passes, if some pending operation is unreachable from `state` and
   * from every collected reset state, this configuration is dead ('dead').
   *
   * The same walk decides whether `state` may be replaced by `model.erased` ('erasable'). An
   * operation linearized before the first reset of a completion cannot come after that reset's
   * return, so its call entry precedes the first return entry of a pending reset. If no reader
   * (an operation `reachable(erased, ·)` rejects) among those calls is reachable from `state`,
   * no completion lets a reader see `state` or its extensions before some reset overwrites
   * them; the completions from `state` and from the erased state are then the same sequences.
   */
  private mayComplete(placed: number, state: State): Outlook {
    const { model, pendingResets, pendingMonotone } = this;
    if (model.reachable === undefined || !this.prunable) return 'alive';
    const placedReturn = this.entryMatch[placed];
    const erased = model.erased;
    // Whether no pending reset has returned yet in the walk, and whether erasing is still sound.
    let beforeReset = true;
    let erasable = erased !== undefined && !model.equal(state, erased);
    pendingResets.length = 0;
    pendingMonotone.length = 0;
    let entry = this.next[head] ?? none;
    for (let scanned = 0; entry !== none && scanned < this.lookaheadEntries; scanned += 1) {
      const index = this.entryOperation[entry] ?? none;
      const operation = this.operations[index];
      assert(operation !== undefined, 'an entry names an operation');
      const context = this.reachableContexts[index];
      if (this.entryMatch[entry] !== none) {
        // The placed operation has taken effect: it is neither pending nor a reset any more.
        const reset = entry === placed ? undefined : this.resetStates[index];
        // A pending operation that may leave any state explains everything after it.
        if (reset === anyState) return 'alive';
        if (reset !== undefined) pendingResets.push(reset);
        else if (entry !== placed) {
          pendingMonotone.push(operation);
          if (
            erasable &&
            beforeReset &&
            erased !== undefined &&
            !model.reachable(erased, operation, context) &&
            model.reachable(state, operation, context)
          ) {
            erasable = false;
          }
        }
      } else if (entry !== placedReturn) {
        if (
          !model.reachable(state, operation, context) &&
          !this.someResetReaches(operation, context)
        ) {
          return 'dead';
        }
        if (this.resetStates[index] !== undefined) beforeReset = false;
      }
      entry = this.next[entry] ?? none;
    }
    // A walk cut short by the window may have missed a reader before the first reset returns.
    if (beforeReset && entry !== none) erasable = false;
    return erasable ? 'erasable' : 'alive';
  }

  private isErased(state: State): boolean {
    return this.model.erased !== undefined && this.model.equal(state, this.model.erased);
  }

  /** Whether one of the pending reset states collected by the current scan reaches `target`. */
  private someResetReaches(target: Operation, context: unknown): boolean {
    for (const reset of this.pendingResets) {
      if (this.model.reachable?.(reset, target, context, this.pendingMonotone) === true) {
        return true;
      }
    }
    return false;
  }

  /**
   * Whether an info operation may be linearized now: of identical info operations (same f and
   * input) the earlier-invoked one is always lifted first, since any order that uses k of them
   * can use the k earliest instead (their returns are all at the end). Sound for any model that
   * treats operations with equal f, input and status alike, and it removes the k! orders of
   * identical indeterminate writes that Jepsen histories are full of.
   * NB: skipping an info operation that would leave the state unchanged is also sound, but it
   * made ok searches take up to 100 times more steps (a no-op lift early is a cheap way out).
   */
  private infoMayLift(index: number): boolean {
    const previous = this.infoPrevious[index] ?? none;
    return previous === none || ((this.bits[previous >>> 5] ?? 0) & (1 << (previous & 31))) !== 0;
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
    const prefix: number[] = [];
    for (let level = 0; level < this.bestDepth; level += 1) {
      const index = this.entryOperation[this.bestEntries[level] ?? none] ?? none;
      prefix.push(this.operations[index]?.id ?? none);
    }
    return prefix;
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
    // Only the levels written since the last snapshot differ, so the copies add up to at most
    // one per placement instead of one stack per new depth.
    this.bestEntries.set(
      this.stackEntry.subarray(this.divergedLevel, this.bestDepth),
      this.divergedLevel,
    );
    this.divergedLevel = this.bestDepth;
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

/** Per operation, the index of the previous info operation with the same f and input. */
function previousIdenticalInfo(operations: readonly Operation[]): Int32Array {
  const previous = new Int32Array(operations.length).fill(none);
  const lastByEffect = new Map<string, number>();
  for (let index = 0; index < operations.length; index += 1) {
    const operation = operations[index];
    if (operation === undefined || operation.returnNs !== Infinity) continue;
    const effect = `${operation.f}\u0000${JSON.stringify(operation.input) ?? ''}`;
    previous[index] = lastByEffect.get(effect) ?? none;
    lastByEffect.set(effect, index);
  }
  return previous;
}

/** A well-mixed 32-bit value per operation index, XORed into the incremental bitset hash. */
function mixIndex(index: number): number {
  let value = Math.imul(index + 1, 0x9e3779b1);
  value = Math.imul(value ^ (value >>> 16), 0x85ebca6b);
  value = Math.imul(value ^ (value >>> 13), 0xc2b2ae35);
  return (value ^ (value >>> 16)) >>> 0;
}
