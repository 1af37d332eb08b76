// Shrinks an illegal partition to a small set of operations that are still illegal: delta
// debugging (Zeller's ddmin) over the completed operations, after first setting aside everything
// invoked after the blocked operation returned. An operation set aside is not deleted but made
// indeterminate (`info`: it may or may not have taken effect, at any time after its invocation),
// so the violation found is one of the original history: deleting a write would instead make
// its readers look wrong. Info operations nothing can observe are then dropped (Model.observable).
// Every candidate is re-checked with a small step budget; one that ends `unknown` counts as not
// illegal, so the result is always proven illegal. Run to the end, it is 1-minimal: setting aside
// any one of the required operations makes it linearizable.

import { historyFromOperations } from '../history/serialize-jsonl.ts';
import type { History, Operation } from '../history/types.ts';
import { check } from '../linearizability/check.ts';
import type { Clock } from '../linearizability/check-options.ts';
import { type Model, withoutUnobservable } from '../model/model.ts';

/** Options of `shrink`. */
export interface ShrinkOptions {
  /** The partition to shrink; default the first illegal one. */
  readonly key?: string;
  /** Search steps allowed per candidate check. */
  readonly candidateStepsMax?: number;
  /** Candidate checks allowed in total. */
  readonly checksMax?: number;
  /** With `budgetMs`: shrinking stops (keeping the smallest illegal subset so far) on time. */
  readonly clock?: Clock;
  /** Wall-clock limit for the whole shrink. */
  readonly budgetMs?: number;
}

/** The shrunk history and what it took. */
export interface ShrinkResult {
  readonly key: string;
  readonly history: History;
  readonly operationCountBefore: number;
  readonly checks: number;
  /** The ids, in the input history, of the shrunk history's operations, in its order. */
  readonly operationIds: readonly number[];
  /** The ids, in the input history, of the operations the violation needs (completed ones). */
  readonly requiredIds: readonly number[];
  /** Whether shrinking ran to the end (1-minimal) rather than stopping on a budget. */
  readonly minimal: boolean;
}

/** Shrinks the first illegal partition of `history`; undefined when no partition is illegal. */
export function shrink<State>(
  history: History,
  model: Model<State>,
  options: ShrinkOptions = {},
): ShrinkResult | undefined {
  const stepsMax = options.candidateStepsMax ?? 200_000;
  const checksMax = options.checksMax ?? 2_000;
  const now = (): number => options.clock?.now() ?? 0;
  const deadlineMs = now() + (options.budgetMs ?? Number.POSITIVE_INFINITY);
  let checks = 0;
  let stopped = false;
  const withinBudget = (): boolean => {
    stopped ||= checks >= checksMax || now() > deadlineMs;
    return !stopped;
  };
  const effective = history.operations.filter((operation) => operation.status !== 'fail');
  const partitions = model.partition(effective);
  const partition =
    options.key === undefined
      ? partitions.find(
          (candidate) =>
            check(historyFromOperations(candidate.operations), model, {
              partitionStepsMax: stepsMax,
            }).verdict === 'illegal',
        )
      : partitions.find((candidate) => candidate.key === options.key);
  if (partition === undefined) return undefined;
  const isIllegal = (required: readonly Operation[]): boolean => {
    checks += 1;
    const candidate = historyFromOperations(relaxed(partition.operations, required, model));
    return check(candidate, model, { partitionStepsMax: stepsMax }).verdict === 'illegal';
  };
  let required: readonly Operation[] = partition.operations.filter(
    (operation) => operation.returnNs !== Infinity,
  );
  if (!isIllegal(required)) return undefined;
  required = cutAfterBlocked(required, partition.operations, model, stepsMax, isIllegal);
  required = deltaDebug(required, isIllegal, withinBudget);
  const operations = relaxed(partition.operations, required, model);
  // historyFromOperations numbers operations by invocation time, ties by id.
  const ordered = [...operations].sort(
    (left, right) => left.callNs - right.callNs || left.id - right.id,
  );
  return {
    key: partition.key,
    history: historyFromOperations(operations),
    operationCountBefore: partition.operations.length,
    checks,
    operationIds: ordered.map((operation) => operation.id),
    requiredIds: required.map((operation) => operation.id),
    minimal: !stopped,
  };
}

/**
 * The partition with only `required` kept as recorded: every other operation becomes
 * indeterminate, and those nothing can observe are dropped. If the history is linearizable,
 * so is this (each relaxed operation may still take effect where it did).
 */
export function relaxed<State>(
  operations: readonly Operation[],
  required: readonly Operation[],
  model: Model<State>,
): Operation[] {
  const keep = new Set(required);
  const relaxedOperations = operations.map((operation) =>
    keep.has(operation) || operation.returnNs === Infinity
      ? operation
      : { ...operation, status: 'info' as const, output: undefined, returnNs: Infinity },
  );
  return [...withoutUnobservable(model, relaxedOperations)];
}

/** Sets aside the operations invoked after the blocked one returned, if still illegal. */
function cutAfterBlocked<State>(
  required: readonly Operation[],
  operations: readonly Operation[],
  model: Model<State>,
  stepsMax: number,
  isIllegal: (required: readonly Operation[]) => boolean,
): readonly Operation[] {
  const history = historyFromOperations(operations);
  const result = check(history, model, { partitionStepsMax: stepsMax });
  const blocked = history.operations[result.partitions[0]?.blockedOperation ?? -1];
  if (blocked === undefined) return required;
  const cut = required.filter((operation) => operation.callNs <= blocked.returnNs);
  return cut.length < required.length && isIllegal(cut) ? cut : required;
}

/** Zeller's ddmin: returns a 1-minimal subset (within budget) on which `test` still holds. */
function deltaDebug(
  start: readonly Operation[],
  test: (operations: readonly Operation[]) => boolean,
  withinBudget: () => boolean,
): readonly Operation[] {
  let operations = start;
  let granularity = 2;
  while (operations.length >= 2 && withinBudget()) {
    const chunks = split(operations, granularity);
    const subset = chunks.find((chunk) => withinBudget() && test(chunk));
    if (subset !== undefined) {
      operations = subset;
      granularity = 2;
      continue;
    }
    let complement: readonly Operation[] | undefined;
    for (const chunk of chunks) {
      if (!withinBudget()) break;
      // Built one at a time: building every complement first cost O(n²) on large partitions.
      const removed = new Set(chunk);
      const candidate = operations.filter((operation) => !removed.has(operation));
      if (test(candidate)) {
        complement = candidate;
        break;
      }
    }
    if (complement !== undefined) {
      operations = complement;
      granularity = Math.max(granularity - 1, 2);
      continue;
    }
    if (granularity >= operations.length) break;
    granularity = Math.min(operations.length, granularity * 2);
  }
  return operations;
}

function split(operations: readonly Operation[], parts: number): Operation[][] {
  const chunks: Operation[][] = [];
  const size = Math.ceil(operations.length / parts);
  for (let start = 0; start < operations.length; start += size) {
    chunks.push(operations.slice(start, start + size));
  }
  return chunks;
}
