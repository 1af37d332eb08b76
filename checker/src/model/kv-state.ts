// The kv model's state: a string value kept as a persistent chain of appended pieces, with its
// length and a rolling hash of its content. Appending is O(piece), never copies the value, and
// states reached along different search branches share their common prefix. Immutable.

/** An immutable string value: `base` (an earlier value, or null) followed by `piece`. */
export interface KvState {
  readonly base: KvState | null;
  readonly piece: string;
  /** Length of the whole value. */
  readonly length: number;
  /** Polynomial hash of the whole value's content (equal contents hash equal). */
  readonly hash: number;
}

const hashBase = 0x01000193;

/** The empty value "", the state of a key nobody has written. */
export const emptyKvState: KvState = { base: null, piece: '', length: 0, hash: 0 };

/**
 * The erased value (Model.erased): whatever was written, no get reads it before the next put.
 * Its length of -1 makes it equal to no real value.
 */
export const erasedKvState: KvState = { base: null, piece: '', length: -1, hash: 0x2545f491 };

/** The value `text` on its own (what a put leaves). */
export function kvStateOf(text: string): KvState {
  return { base: null, piece: text, length: text.length, hash: extendHash(0, text) };
}

/** The value `state` followed by `piece` (what an append leaves). */
export function kvStateAppend(state: KvState, piece: string): KvState {
  if (piece === '') return state;
  return {
    base: state,
    piece,
    length: state.length + piece.length,
    hash: extendHash(state.hash, piece),
  };
}

/** Whether the value equals `text`, comparing from the end (where values usually differ). */
export function kvStateEquals(state: KvState, text: string): boolean {
  if (state.length !== text.length) return false;
  if (state.length === 0) return true;
  let node: KvState | null = state;
  let end = text.length;
  while (node !== null) {
    end -= node.piece.length;
    if (!text.startsWith(node.piece, end)) return false;
    node = node.base;
  }
  return end === 0;
}

/** Characters between two stored prefix hashes (see kvPrefixCheckpoints). */
export const kvCheckpointChars = 16;

/**
 * The hashes of the prefixes of `text` whose length is a multiple of kvCheckpointChars (index
 * i: the first i * kvCheckpointChars characters), as states hash. Storing every prefix cost four
 * bytes a character, which for long values exhausted memory; any prefix's hash is one
 * checkpoint plus fewer than kvCheckpointChars characters away (kvPrefixHashAt).
 */
export function kvPrefixCheckpoints(text: string): Uint32Array {
  const checkpoints = new Uint32Array(Math.floor(text.length / kvCheckpointChars) + 1);
  let hash = 0;
  for (let index = 0; index < text.length; index += 1) {
    hash = (Math.imul(hash, hashBase) + text.charCodeAt(index)) | 0;
    if ((index + 1) % kvCheckpointChars === 0)
      checkpoints[(index + 1) / kvCheckpointChars] = hash >>> 0;
  }
  return checkpoints;
}

/** The hash of the first `length` characters of `text` (length ≤ text.length). */
export function kvPrefixHashAt(text: string, checkpoints: Uint32Array, length: number): number {
  const checkpoint = Math.floor(length / kvCheckpointChars);
  let hash = checkpoints[checkpoint] ?? 0;
  for (let index = checkpoint * kvCheckpointChars; index < length; index += 1) {
    hash = (Math.imul(hash, hashBase) + text.charCodeAt(index)) | 0;
  }
  return hash >>> 0;
}

/** Whether two values have the same content. */
export function kvStatesEqual(left: KvState, right: KvState): boolean {
  if (left === right) return true;
  if (left.length !== right.length || left.hash !== right.hash) return false;
  let leftNode: KvState | null = left;
  let rightNode: KvState | null = right;
  // Walk both chains while their pieces line up; states from sibling search branches usually
  // meet at a shared node after a few steps.
  while (leftNode !== null && rightNode !== null && leftNode !== rightNode) {
    if (leftNode.length !== rightNode.length || leftNode.piece !== rightNode.piece) {
      return kvStateText(leftNode) === kvStateText(rightNode);
    }
    leftNode = leftNode.base;
    rightNode = rightNode.base;
  }
  return leftNode === rightNode;
}

/** The value as a string (allocates; for reports and rare slow-path comparisons). */
export function kvStateText(state: KvState): string {
  const pieces: string[] = [];
  for (let node: KvState | null = state; node !== null; node = node.base) pieces.push(node.piece);
  return pieces.reverse().join('');
}

function extendHash(hash: number, piece: string): number {
  let next = hash;
  for (let index = 0; index < piece.length; index += 1) {
    next = (Math.imul(next, hashBase) + piece.charCodeAt(index)) | 0;
  }
  return next >>> 0;
}
