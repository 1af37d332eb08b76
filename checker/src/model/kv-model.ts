// The key/value model: get/put/append on string values, "" before any write, one partition per
// key (each key is an independent register of strings). An info get constrains nothing. States
// are KvState chains, so an append never copies the value (see kv-state.ts).

import type { Operation } from '../history/types.ts';
import {
  emptyKvState,
  type KvState,
  kvPrefixHashes,
  kvStateAppend,
  kvStateEquals,
  kvStateOf,
  kvStatesEqual,
  kvStateText,
} from './kv-state.ts';
import { abbreviate, illegal, type Model, partitionByKey } from './model.ts';

const functions: ReadonlySet<string> = new Set(['get', 'put', 'append']);

/** The Get/Put/Append key/value model used by kvraft and by Porcupine's KV histories. */
export const kvModel: Model<KvState> = {
  name: 'kv',
  init: () => emptyKvState,
  step(state, operation) {
    switch (operation.f) {
      case 'get':
        if (operation.status !== 'ok') return state;
        return kvStateEquals(state, operation.output as string) ? state : illegal;
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
  describeState: (state) => abbreviate(kvStateText(state)),
  resetState: (operation) =>
    operation.f === 'put' ? kvStateOf(operation.input as string) : undefined,
  reachable(state, target) {
    // Appends only extend a value, so a later get must read an extension of it.
    if (target.f !== 'get' || target.status !== 'ok') return true;
    const prefixHashes = outputPrefixHashes(target);
    if (state.length >= prefixHashes.length) return false;
    // Equal content hashes equal, so a differing hash proves "not a prefix"; an equal hash is
    // taken as "maybe", which at worst prunes less.
    return prefixHashes[state.length] === state.hash;
  },
};

// Memo of each get output's prefix hashes (index i: hash of the first i characters). Keyed by
// the immutable Operation, so it is invisible to callers and the model stays pure.
const prefixHashMemo = new WeakMap<Operation, Uint32Array>();

function outputPrefixHashes(operation: Operation): Uint32Array {
  let hashes = prefixHashMemo.get(operation);
  if (hashes === undefined) {
    hashes = kvPrefixHashes(operation.output as string);
    prefixHashMemo.set(operation, hashes);
  }
  return hashes;
}

function describeKvOperation(operation: Operation): string {
  const key = JSON.stringify(operation.key ?? '');
  if (operation.f === 'get') {
    const result = operation.status === 'ok' ? abbreviate(operation.output) : '?';
    return `get(${key}) → ${result}`;
  }
  return `${operation.f}(${key}, ${abbreviate(operation.input)})`;
}
