// Shrinks an illegal partition to a small sub-history that is still illegal: delta debugging
// (Zeller's ddmin) over whole operations, after first cutting everything invoked after the
// blocked operation returned. Every candidate is re-checked with a small step budget; a
// candidate that ends `unknown` counts as not illegal, so the result is always proven illegal.

import { historyFromOperations } from '../history/serialize-jsonl.ts';
import type { History, Operation } from '../history/types.ts';
import { check } from '../linearizability/check.ts';
import type { Model } from '../model/model.ts';

/** Options of `shrink`. */
export interface ShrinkOptions {
  /** The partition to shrink; default the first illegal one. */
  readonly key?: string;
  /** Search steps allowed per candidate check. */
  readonly candidateStepsMax?: number;
  /** Candidate checks allowed in total. */
  readonly checksMax?: number;
}

/** The shrunk history and what it took. */
export interface ShrinkResult {
  readonly key: string;
  readonly history: History;
  readonly operationCountBefore: number;
  readonly checks: number;
}

/** Shrinks the first illegal partition of `history`; undefined when no partition is illegal. */
export function shrink<State>(
  history: History,
  model: Model<State>,
  options: ShrinkOptions = {},
): ShrinkResult | undefined {
  const stepsMax = options.candidateStepsMax ?? 200_000;
  const checksMax = options.checksMax ?? 2_000;
  let checks = 0;
  const isIllegal = (operations: readonly Operation[]): boolean => {
    checks += 1;
    const result = check(historyFromOperations(operations), model, { partitionStepsMax: stepsMax });
    return result.verdict === 'illegal';
  };
  const effective = history.operations.filter((operation) => operation.status !== 'fail');
  const partitions = model.partition(effective);
  const partition =
    options.key === undefined
      ? partitions.find((candidate) => isIllegal(candidate.operations))
      : partitions.find((candidate) => candidate.key === options.key);
  if (partition === undefined || !isIllegal(partition.operations)) return undefined;
  let operations = cutAfterBlocked(partition.operations, model, stepsMax, isIllegal);
  operations = deltaDebug(operations, isIllegal, () => checks < checksMax);
  return {
    key: partition.key,
    history: historyFromOperations(operations),
    operationCountBefore: partition.operations.length,
    checks,
  };
}

function cutAfterBlocked<State>(
  operations: readonly Operation[],
  model: Model<State>,
  stepsMax: number,
  isIllegal: (operations: readonly Operation[]) => boolean,
): readonly Operation[] {
  const history = historyFromOperations(operations);
  const result = check(history, model, { partitionStepsMax: stepsMax });
  const blocked = history.operations[result.partitions[0]?.blockedOperation ?? -1];
  if (blocked === undefined) return operations;
  const cut = operations.filter((operation) => operation.callNs <= blocked.returnNs);
  return cut.length < operations.length && isIllegal(cut) ? cut : operations;
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
    const complement = chunks
      .map((chunk) => operations.filter((operation) => !chunk.includes(operation)))
      .find((candidate) => withinBudget() && test(candidate));
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
