// The Model interface, in Porcupine's shape: a record of pure functions over an immutable state.
// Models must be purely functional: the search keeps old states and steps them again, so step
// must never mutate its argument. Equal states must hash equal. Operations with equal f, input,
// status and output must be treated alike (the search swaps identical info operations).

import type { Operation } from '../history/types.ts';

/** The value step returns when an operation cannot take effect in the given state. */
export const illegal: unique symbol = Symbol('illegal');

/** The value `resetState` returns for an operation that may leave any state (a cas, say). */
export const anyState: unique symbol = Symbol('anyState');

/** A group of operations that the search checks independently (P-compositionality). */
export interface Partition {
  /** The partition's name in results and reports, usually the key. */
  readonly key: string;
  readonly operations: readonly Operation[];
}

/** A sequential specification the linearizability search checks a history against. */
export interface Model<State> {
  readonly name: string;
  /** The state before any operation. */
  init(): State;
  /**
   * Applies one operation; returns the next state, or `illegal` when its output is impossible.
   * For `info` operations (`status === 'info'`) the output is unknown and must be accepted.
   */
  step(state: State, operation: Operation): State | typeof illegal;
  equal(left: State, right: State): boolean;
  /** A 32-bit hash; equal states must hash equal. */
  hash(state: State): number;
  /** An estimate of a state's retained size, used by the cache's memory budget. */
  stateBytes(state: State): number;
  /** Splits a history into independent sub-histories (each checked on its own). */
  partition(operations: readonly Operation[]): readonly Partition[];
  /** Returns why the model cannot interpret an operation (unknown f, bad value), if it cannot. */
  validate(operation: Operation): string | undefined;
  /** A short text for reports, such as `append("k", "x 1 2 y")`. */
  describeOperation(operation: Operation): string;
  describeState(state: State): string;
  /**
   * Optional pruning hint, used with `reachable`: undefined when the operation is monotone (it can
   * only move the state "forward", like get and append), else the state it leaves whatever the
   * state before (put, write), or `anyState` when that cannot be said.
   */
  resetState?(operation: Operation): State | typeof anyState | undefined;
  /**
   * Optional pruning hint: false only when `target` cannot be legal after `state` followed by any
   * sequence of monotone operations (for kv: a get must read an extension of the current value).
   * `pending` are the monotone operations still unlinearized that may precede `target`; a model
   * may use them to say more (kv: the extension must be made of their pieces), and must answer
   * as if any subset of them, in any order, could follow `state`.
   */
  reachable?(
    state: State,
    target: Operation,
    context?: unknown,
    pending?: readonly Operation[],
  ): boolean;
  /**
   * Optional pruning hint, with `reachable` and `resetState`: a state standing for every value
   * that no operation reads before the next reset. `reachable(erased, op)` must be false exactly
   * for the operations whose legality depends on the value (kv: ok gets), and `step(erased, op)`
   * must give op's reset state for a reset, `illegal` for such a reader, and `erased` otherwise.
   * The search replaces a state by it once every pending reader is unreachable from the state
   * until a pending reset returns, so orders of writes a reset will erase are searched once.
   */
  readonly erased?: State;
  /**
   * Optional: what `reachable` may precompute about a target once per search (kv: its output's
   * prefix hashes); the search passes it back as `context`, and drops it with the search.
   */
  reachableContext?(target: Operation): unknown;
  /**
   * Optional: given a partition, a test of whether an info operation's effect could be seen by
   * any operation of it. An info operation nothing could observe is dropped before the search
   * (taking effect or not makes no difference), which the shrinker relies on to stay fast.
   */
  observable?(partition: readonly Operation[]): (info: Operation) => boolean;
}

/** The partition without the info operations whose effect `model` says nothing can observe. */
export function withoutUnobservable<State>(
  model: Model<State>,
  operations: readonly Operation[],
): readonly Operation[] {
  if (model.observable === undefined) return operations;
  if (!operations.some((operation) => operation.returnNs === Infinity)) return operations;
  const observable = model.observable(operations);
  return operations.filter((operation) => operation.returnNs !== Infinity || observable(operation));
}

/** Splits operations by their key, in order of first appearance; no key is the key "". */
export function partitionByKey(operations: readonly Operation[]): Partition[] {
  const byKey = new Map<string, Operation[]>();
  for (const operation of operations) {
    const key = operation.key ?? '';
    const list = byKey.get(key);
    if (list === undefined) byKey.set(key, [operation]);
    else list.push(operation);
  }
  return [...byKey].map(([key, list]) => ({ key, operations: list }));
}

/** A cheap 32-bit hash of a string from its length and its last and first characters. */
export function hashString(text: string): number {
  // NB: appended states differ mostly at their end, so hashing the tail keeps hashing O(1)
  // instead of O(length) while staying a pure function of the content.
  let hash = Math.imul(text.length ^ 0x811c9dc5, 0x01000193);
  const tailStart = Math.max(0, text.length - 32);
  for (let index = tailStart; index < text.length; index += 1) {
    hash = Math.imul(hash ^ text.charCodeAt(index), 0x01000193);
  }
  const headEnd = Math.min(8, tailStart);
  for (let index = 0; index < headEnd; index += 1) {
    hash = Math.imul(hash ^ text.charCodeAt(index), 0x01000193);
  }
  return hash >>> 0;
}

/** Shortens a value for reports: long strings keep their end, where appends land. */
export function abbreviate(value: unknown, lengthMax = 48): string {
  const text = value === undefined ? 'nothing' : JSON.stringify(value);
  if (text.length <= lengthMax) return text;
  return `"…${text.slice(text.length - lengthMax + 2)}`;
}
