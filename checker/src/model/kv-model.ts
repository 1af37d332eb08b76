// The key/value model: get/put/append on string values, "" before any write, one partition per
// key (each key is an independent register of strings). An info get constrains nothing. States
// are KvState chains, so an append never copies the value (see kv-state.ts).

import type { Operation } from '../history/types.ts';
import {
  emptyKvState,
  erasedKvState,
  type KvState,
  kvPrefixCheckpoints,
  kvPrefixHashAt,
  kvStateAppend,
  kvStateEquals,
  kvStateOf,
  kvStatesEqual,
  kvStateText,
} from './kv-state.ts';
import { abbreviate, illegal, type Model, partitionByKey } from './model.ts';

const functions: ReadonlySet<string> = new Set(['get', 'put', 'append']);

// Characters `observable` may scan (info writes times the longest outputs' length); past it
// every info write is kept (safe). A count of 64 outputs was too few for one key with puts: each
// put starts a new longest output, so every unapplied info append was kept, and each one
// doubled the configurations an illegal history's search had to exhaust.
const observableScanCharsMax = 200_000_000;

/** The Get/Put/Append key/value model used by kvraft and by Porcupine's KV histories. */
export const kvModel: Model<KvState> = {
  name: 'kv',
  init: () => emptyKvState,
  step(state, operation) {
    if (state === erasedKvState) return stepErased(operation);
    switch (operation.f) {
      case 'get':
        if (operation.status !== 'ok') return state;
        return getMatches(state, operation) ? state : illegal;
      case 'put':
        return kvStateOf(operation.input as string);
      case 'append':
        return kvStateAppend(state, operation.input as string);
      default:
        return illegal;
    }
  },
  equal: kvStatesEqual,
  hash: (state) => state.hash,
  // A new state adds one chain node; the text before it is shared with its base.
  stateBytes: (state) => 56 + state.piece.length,
  partition: partitionByKey,
  validate(operation) {
    if (!functions.has(operation.f)) return `kv model has no function ${operation.f}`;
    if (operation.key === undefined) return `kv ${operation.f} has no key`;
    if (operation.f !== 'get' && typeof operation.input !== 'string') {
      return `kv ${operation.f} needs a string value`;
    }
    if (
      operation.f === 'get' &&
      operation.status === 'ok' &&
      typeof operation.output !== 'string'
    ) {
      return 'kv get that returned ok needs a string value';
    }
    return undefined;
  },
  describeOperation: describeKvOperation,
  describeState: (state) =>
    state === erasedKvState
      ? 'a value no get reads before the next put'
      : abbreviate(kvStateText(state)),
  erased: erasedKvState,
  resetState: (operation) =>
    operation.f === 'put' ? kvStateOf(operation.input as string) : undefined,
  observable(partition) {
    // An info put or append whose text no get returned cannot be seen: after it, every get
    // until the next put would have to contain its text. Info gets change nothing. Outputs
    // that are a prefix of a longer one add nothing to search (appends make most of them so).
    const infoWrites = partition.filter((o) => o.returnNs === Infinity && o.f !== 'get').length;
    const maximal = longestOutputs(partition);
    const text = maximal.join('\u0000');
    if (infoWrites * text.length > observableScanCharsMax) return (info) => info.f !== 'get';
    // NB: a piece holding the separator may match across two outputs; that keeps it (safe).
    return (info) => info.f !== 'get' && text.includes(info.input as string);
  },
  reachableContext: (target) =>
    target.f === 'get' && target.status === 'ok' ? outputHashes() : undefined,
  reachable(state, target, context, pending) {
    // Appends only extend a value, so a later get must read an extension of it.
    if (target.f !== 'get' || target.status !== 'ok') return true;
    if (state === erasedKvState) return false;
    const output = target.output as string;
    if (state.length > output.length) return false;
    // Equal content hashes equal, so a differing hash proves "not a prefix"; an equal hash is
    // taken as "maybe", which at worst prunes less.
    const hashes = (context as OutputHashes | undefined) ?? outputHashes();
    if (outputPrefixHash(target, hashes, state.length) !== state.hash) return false;
    return pending === undefined || tileable(output, state.length, pending);
  },
};

/** What an operation leaves from the erased value: a put its value, nothing else reads it. */
function stepErased(operation: Operation): KvState | typeof illegal {
  if (operation.f === 'put') return kvStateOf(operation.input as string);
  if (operation.f === 'get' && operation.status === 'ok') return illegal;
  return operation.f === 'get' || operation.f === 'append' ? erasedKvState : illegal;
}

/**
 * The ok get outputs that are no prefix of another one. In sorted order a string's extensions
 * follow it directly, so comparing neighbours finds them in O(n log n) comparisons.
 */
function longestOutputs(partition: readonly Operation[]): string[] {
  const outputs = partition
    .filter((operation) => operation.f === 'get' && operation.status === 'ok')
    .map((operation) => operation.output as string)
    .sort();
  return outputs.filter((output, index) => !(outputs[index + 1] ?? '').startsWith(output));
}

// The longest extension `tileable` examines; a longer one is taken as reachable (prunes less).
const tileCharsMax = 512;
// Occurrences of pieces `tileable` records; past it the extension is taken as reachable.
const tileEdgesMax = 4096;
// Scratch of `tileable`, cleared before each use so its answers stay a pure function of its
// arguments: per position the first edge starting there, per edge its end and the next edge
// from the same start, and which positions some sequence of pieces reaches.
const tileFirstEdge = new Int32Array(tileCharsMax + 1);
const tileEdgeEnd = new Int32Array(tileEdgesMax);
const tileEdgeNext = new Int32Array(tileEdgesMax);
const tileReached = new Uint8Array(tileCharsMax + 1);

/**
 * Whether `output` from `start` on can be spelled by pieces of the pending appends (each as
 * often as wanted, in any order): a necessary condition for a get to read it after those
 * appends. With puts racing appends, the prefix test alone let the search consume an append
 * before a put that erased it although a pending get still needed the piece after the put, and
 * it then tried every order of the erased appends (issue 14's one-key stress shape).
 */
function tileable(output: string, start: number, pending: readonly Operation[]): boolean {
  const length = output.length - start;
  if (length === 0 || length > tileCharsMax) return true;
  const extension = output.slice(start);
  tileFirstEdge.fill(-1, 0, length + 1);
  let edges = 0;
  // One native search per piece: a call per (position, piece) pair cost 90% of a search.
  for (const operation of pending) {
    const piece = operation.f === 'append' ? (operation.input as string) : '';
    if (piece.length === 0) continue;
    for (let at = extension.indexOf(piece); at >= 0; at = extension.indexOf(piece, at + 1)) {
      if (edges === tileEdgesMax) return true;
      tileEdgeEnd[edges] = at + piece.length;
      tileEdgeNext[edges] = tileFirstEdge[at] ?? -1;
      tileFirstEdge[at] = edges;
      edges += 1;
    }
  }
  return spellsToEnd(length);
}

/** Whether the edges recorded by `tileable` lead from position 0 to `length`. */
function spellsToEnd(length: number): boolean {
  tileReached.fill(0, 0, length + 1);
  tileReached[0] = 1;
  for (let position = 0; position < length; position += 1) {
    if (tileReached[position] === 0) continue;
    for (let edge = tileFirstEdge[position] ?? -1; edge >= 0; edge = tileEdgeNext[edge] ?? -1) {
      tileReached[tileEdgeEnd[edge] ?? 0] = 1;
    }
  }
  return tileReached[length] === 1;
}

// Memo of get outputs' prefix-hash checkpoints, keyed by the immutable Operation so the model
// stays pure. Bounded (a WeakMap would live as long as the history): the oldest entries go
// first, and a dropped one is just computed again.
/** A get output's prefix-hash checkpoints (built on first use), and the last prefix asked for. */
interface OutputHashes {
  checkpoints: Uint32Array | undefined;
  // The search asks for the same lengths again and again.
  lastLength: number;
  lastHash: number;
}

function outputHashes(): OutputHashes {
  return { checkpoints: undefined, lastLength: -1, lastHash: 0 };
}

function outputPrefixHash(operation: Operation, hashes: OutputHashes, length: number): number {
  if (hashes.lastLength !== length) {
    const output = operation.output as string;
    // Built lazily: most gets are never asked about, and building all of them up front took a
    // third of an append-only search's time.
    hashes.checkpoints ??= kvPrefixCheckpoints(output);
    hashes.lastHash = kvPrefixHashAt(output, hashes.checkpoints, length);
    hashes.lastLength = length;
  }
  return hashes.lastHash;
}

// Per get, the last state found equal to its output. States are immutable and shared by the
// search's configurations, so the same (get, state) pair is compared again after backtracking;
// comparing a long value costs one string comparison per appended piece.
const equalStateMemo = new WeakMap<Operation, KvState>();

function getMatches(state: KvState, operation: Operation): boolean {
  if (equalStateMemo.get(operation) === state) return true;
  if (!kvStateEquals(state, operation.output as string)) return false;
  equalStateMemo.set(operation, state);
  return true;
}

function describeKvOperation(operation: Operation): string {
  const key = JSON.stringify(operation.key ?? '');
  if (operation.f === 'get') {
    const result = operation.status === 'ok' ? abbreviate(operation.output) : '?';
    return `get(${key}) → ${result}`;
  }
  return `${operation.f}(${key}, ${abbreviate(operation.input)})`;
}
