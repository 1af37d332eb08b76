// Plain-language explanations of illegal partitions: what the longest linearizable order found
// was, which operation cannot follow it, and the completed write that makes it impossible.
// Pure: derives everything from the history, the check result and the model.

import type { History, Operation } from '../history/types.ts';
import type { CheckResult, PartitionResult } from '../linearizability/check-result.ts';
import { abbreviate, illegal, type Model } from '../model/model.ts';

/** The explanation of one illegal partition, sentence by sentence. */
export interface Explanation {
  readonly key: string;
  readonly sentences: readonly string[];
}

const readFunctions: ReadonlySet<string> = new Set(['get', 'read']);

/** Explains every illegal partition of `result`. */
export function explain<State>(
  history: History,
  result: CheckResult,
  model: Model<State>,
): Explanation[] {
  return result.partitions
    .filter((partition) => partition.verdict === 'illegal')
    .map((partition) => explainPartition(history, partition, model));
}

function explainPartition<State>(
  history: History,
  partition: PartitionResult,
  model: Model<State>,
): Explanation {
  const timeOriginNs = history.operations[0]?.callNs ?? 0;
  const when = (ns: number): string => formatTime(ns - timeOriginNs);
  const sentences = [
    `No order of the ${partition.operationCount} operations on key ${JSON.stringify(partition.key)} is linearizable; the longest valid order found places ${partition.longestPrefix.length} of them.`,
  ];
  const blocked = history.operations[partition.blockedOperation ?? -1];
  if (blocked === undefined) return { key: partition.key, sentences };
  const state = replay(history, partition.longestPrefix, model);
  const conflict = conflictingRead(history, partition, blocked, model);
  const subject = conflict ?? blocked;
  if (conflict === undefined) {
    sentences.push(
      `Next must come ${phrase(blocked)} (invoked at ${when(blocked.callNs)}, returned at ${when(blocked.returnNs)}, line ${blocked.callLine}), but after that order the value is ${model.describeState(state)}.`,
    );
  }
  const witness =
    conflict === undefined ? latestCompletedWrite(history, partition, blocked) : blocked;
  if (witness !== undefined) {
    sentences.push(
      `${capitalize(phrase(subject))} at ${when(subject.callNs)} (line ${subject.callLine}) after ${phrase(witness)} had completed at ${when(witness.returnNs)} (line ${witness.returnLine}), so the ${witness.f} had to take effect before the ${subject.f}, and no order explains what the ${subject.f} returned.`,
    );
  }
  return { key: partition.key, sentences };
}

/**
 * When the blocked operation is a write, the read that rules it out: the first read invoked
 * after the write returned that is impossible right after the prefix and the write.
 */
function conflictingRead<State>(
  history: History,
  partition: PartitionResult,
  blocked: Operation,
  model: Model<State>,
): Operation | undefined {
  if (readFunctions.has(blocked.f)) return undefined;
  const state = replayState(history, partition.longestPrefix, model);
  const after = state === illegal ? illegal : model.step(state, blocked);
  if (after === illegal) return undefined;
  const placed = new Set(partition.longestPrefix);
  return history.operations.find(
    (operation) =>
      (operation.key ?? '') === partition.key &&
      readFunctions.has(operation.f) &&
      operation.status === 'ok' &&
      !placed.has(operation.id) &&
      operation.callNs > blocked.returnNs &&
      model.step(after, operation) === illegal,
  );
}

function replayState<State>(
  history: History,
  ids: readonly number[],
  model: Model<State>,
): State | typeof illegal {
  let state = model.init();
  for (const id of ids) {
    const operation = history.operations[id];
    if (operation === undefined) continue;
    const next = model.step(state, operation);
    if (next === illegal) return illegal;
    state = next;
  }
  return state;
}

function replay<State>(history: History, ids: readonly number[], model: Model<State>): State {
  const state = replayState(history, ids, model);
  // The search only records prefixes whose every step was legal.
  if (state === illegal) throw new Error('checker invariant violated: a recorded prefix replays');
  return state;
}

/** The write on the same key that completed last before `blocked` was invoked. */
function latestCompletedWrite(
  history: History,
  partition: PartitionResult,
  blocked: Operation,
): Operation | undefined {
  let witness: Operation | undefined;
  for (const operation of history.operations) {
    if ((operation.key ?? '') !== partition.key || readFunctions.has(operation.f)) continue;
    if (operation.status !== 'ok' || operation.returnNs >= blocked.callNs) continue;
    if (witness === undefined || operation.returnNs > witness.returnNs) witness = operation;
  }
  return witness;
}

/** "client 3's get of "k" returned "…"" or "client 1's append of "…" to "k"". */
export function phrase(operation: Operation): string {
  const key = JSON.stringify(operation.key ?? '');
  const client = `client ${operation.process}'s`;
  if (readFunctions.has(operation.f)) {
    const result =
      operation.status === 'ok'
        ? `returned ${abbreviate(operation.output)}`
        : 'had no known result';
    return `${client} ${operation.f} of ${key} ${result}`;
  }
  return `${client} ${operation.f} of ${abbreviate(operation.input)} to ${key}`;
}

/** Formats a duration in nanoseconds with a readable unit. */
export function formatTime(ns: number): string {
  if (!Number.isFinite(ns)) return 'never (indeterminate)';
  if (ns >= 1e9) return `${(ns / 1e9).toFixed(3)} s`;
  if (ns >= 1e6) return `${(ns / 1e6).toFixed(3)} ms`;
  if (ns >= 1e3) return `${(ns / 1e3).toFixed(1)} µs`;
  return `${ns} ns`;
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
