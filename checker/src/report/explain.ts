// Plain-language explanations of illegal partitions, built from the shrunk counterexample: the
// partition is first shrunk to a sub-history that is still illegal and 1-minimal (every one of
// its operations is needed for the violation), then that small history is searched again and
// explained: the operations it needs, the longest order found, the operation that cannot
// follow, and the completed write that makes it impossible. Operations are named by their
// lines in the original input. Pure: derives everything from the history, result and model.

import type { History, Operation } from '../history/types.ts';
import { check } from '../linearizability/check.ts';
import type { Clock } from '../linearizability/check-options.ts';
import type { CheckResult, PartitionResult } from '../linearizability/check-result.ts';
import { abbreviate, illegal, type Model } from '../model/model.ts';
import { shrink } from '../shrink/shrink.ts';

/** The explanation of one illegal partition, sentence by sentence. */
export interface Explanation {
  readonly key: string;
  readonly sentences: readonly string[];
  /** Ids (in the input history) of the operations the sentences name, all from the shrunk set. */
  readonly operations: readonly number[];
  /**
   * Ids (in the input history) of the shrunk counterexample: the completed operations it needs
   * (every other operation of the key counted as indeterminate).
   */
  readonly counterexample: readonly number[];
  /** Whether the counterexample is 1-minimal (shrinking was not stopped by a budget). */
  readonly minimal: boolean;
}

/** Options of `explain`: shrinking is bounded by a wall-clock budget and a number of checks. */
export interface ExplainOptions {
  readonly clock?: Clock;
  /** Wall-clock limit for shrinking all explained partitions. */
  readonly budgetMs?: number;
  /** Candidate checks allowed per partition. */
  readonly shrinkChecksMax?: number;
  /** Illegal partitions explained (the first ones). */
  readonly partitionsMax?: number;
}

const readFunctions: ReadonlySet<string> = new Set(['get', 'read']);

/** Explains the illegal partitions of `result` (the first `partitionsMax`, default 20). */
export function explain<State>(
  history: History,
  result: CheckResult,
  model: Model<State>,
  options: ExplainOptions = {},
): Explanation[] {
  const now = (): number => options.clock?.now() ?? 0;
  const deadlineMs = now() + (options.budgetMs ?? Number.POSITIVE_INFINITY);
  return result.partitions
    .filter((partition) => partition.verdict === 'illegal')
    .slice(0, options.partitionsMax ?? 20)
    .map((partition) => {
      const budgetMs = Math.max(0, deadlineMs - now());
      return explainShrunk(history, partition, model, { ...options, budgetMs });
    });
}

function explainShrunk<State>(
  history: History,
  partition: PartitionResult,
  model: Model<State>,
  options: ExplainOptions,
): Explanation {
  const shrunk = shrink(history, model, {
    key: partition.key,
    ...(options.clock === undefined ? {} : { clock: options.clock }),
    ...(options.budgetMs === undefined ? {} : { budgetMs: options.budgetMs }),
    ...(options.shrinkChecksMax === undefined ? {} : { checksMax: options.shrinkChecksMax }),
  });
  const small =
    shrunk === undefined ? undefined : relined(history, shrunk.history, shrunk.operationIds);
  const smallPartition = small === undefined ? undefined : check(small, model).partitions[0];
  if (shrunk === undefined || small === undefined || smallPartition?.verdict !== 'illegal') {
    // Not reproducible in isolation within the shrinker's step budget: explain the search's own
    // finding on the whole partition (it may name operations a minimal violation does not need).
    const named = explainPartition(history, partition, model, history);
    return { ...named, counterexample: [], minimal: false };
  }
  const original = (id: number): number => shrunk.operationIds[id] ?? -1;
  const required = new Set(shrunk.requiredIds);
  const needed = small.operations.filter((operation) => required.has(original(operation.id)));
  const listing = needed.map((operation) => `${phrase(operation)} (line ${operation.callLine})`);
  const lead = `${shrunk.minimal ? 'The smallest' : 'A smaller'} set of operations on key ${JSON.stringify(partition.key)} that cannot be linearized, even if every other operation may or may not have taken effect, has ${needed.length} of its ${partition.operationCount} operations${shrunk.minimal ? ', and needs every one of them' : ''}: ${listing.join('; ')}.`;
  const named = explainPartition(small, smallPartition, model, history);
  return {
    key: partition.key,
    sentences: [lead, ...named.sentences],
    operations: [...new Set([...needed.map((o) => o.id), ...named.operations])].map(original),
    counterexample: shrunk.requiredIds,
    minimal: shrunk.minimal,
  };
}

/** The shrunk history with each operation's source lines taken from the input history. */
function relined(history: History, small: History, ids: readonly number[]): History {
  const operations = small.operations.map((operation, index) => {
    const source = history.operations[ids[index] ?? -1];
    if (source === undefined) return operation;
    return { ...operation, callLine: source.callLine, returnLine: source.returnLine };
  });
  return { events: small.events, operations };
}

function explainPartition<State>(
  history: History,
  partition: PartitionResult,
  model: Model<State>,
  whole: History,
): { key: string; sentences: string[]; operations: number[] } {
  const timeOriginNs = whole.operations[0]?.callNs ?? 0;
  const when = (ns: number): string => formatTime(ns - timeOriginNs);
  const sentences = [
    `No order of them is linearizable; the longest valid order found places ${partition.longestPrefix.length} operations.`,
  ];
  const named: number[] = [];
  const blocked = history.operations[partition.blockedOperation ?? -1];
  if (blocked === undefined) return { key: partition.key, sentences, operations: named };
  const state = replay(history, partition.longestPrefix, model);
  const conflict = conflictingRead(history, partition, blocked, model);
  const subject = conflict ?? blocked;
  named.push(blocked.id);
  if (conflict === undefined) {
    sentences.push(
      `Next must come ${phrase(blocked)} (invoked at ${when(blocked.callNs)}, returned at ${when(blocked.returnNs)}, line ${blocked.callLine}), but after that order the value is ${model.describeState(state)}.`,
    );
  }
  const witness =
    conflict === undefined ? latestCompletedWrite(history, partition, blocked) : blocked;
  if (witness !== undefined) {
    named.push(subject.id, witness.id);
    sentences.push(
      `${capitalize(phrase(subject))} at ${when(subject.callNs)} (line ${subject.callLine}) after ${phrase(witness)} had completed at ${when(witness.returnNs)} (line ${witness.returnLine}), so the ${witness.f} had to take effect before the ${subject.f}, and no order explains what the ${subject.f} returned.`,
    );
  }
  return { key: partition.key, sentences, operations: named };
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
