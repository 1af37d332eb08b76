// The table of contents of @kvraft/checker: a small, stable API. Everything else is internal.
// History → (check | checkAppends) → result → (renderHtml | shrink).

export { assert } from './assert.ts';
export { HistoryBuilder, historyFromEvents } from './history/history-builder.ts';
export {
  describeHistoryError,
  type HistoryError,
  type HistoryErrorReason,
  type HistoryResult,
} from './history/history-error.ts';
export { createJsonlParser, type JsonlParser, parseJsonl } from './history/parse-jsonl.ts';
export type {
  EventType,
  History,
  HistoryEvent,
  Operation,
  OperationStatus,
} from './history/types.ts';
export { importPorcupine } from './import/porcupine.ts';
export { check } from './linearizability/check.ts';
export {
  type CheckOptions,
  type CheckProgress,
  type Clock,
  checkDefaults,
} from './linearizability/check-options.ts';
export type {
  CheckResult,
  PartitionResult,
  UnknownReason,
  Verdict,
} from './linearizability/check-result.ts';
export { kvModel } from './model/kv-model.ts';
export { illegal, type Model, type Partition, partitionByKey } from './model/model.ts';
export { type RegisterValue, registerModel } from './model/register-model.ts';
