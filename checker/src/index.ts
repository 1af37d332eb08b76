// The table of contents of @kvraft/checker: a small, stable API. Everything else is internal.
// History (parse/import/record) → check and checkAppends → renderHtml, explain, shrink.

export {
  type AppendCheckOptions,
  type AppendCheckResult,
  type AppendViolation,
  type AppendViolationKind,
  checkAppends,
} from './appends/check-appends.ts';
export { assert, assertNever } from './assert.ts';
export { HistoryBuilder, historyFromEvents } from './history/history-builder.ts';
export {
  describeHistoryError,
  type HistoryError,
  type HistoryErrorReason,
  type HistoryResult,
} from './history/history-error.ts';
export { createJsonlParser, type JsonlParser, parseJsonl } from './history/parse-jsonl.ts';
export {
  createRecorder,
  type NanoClock,
  type OperationHandle,
  type Outcome,
  type Recorder,
} from './history/recorder.ts';
export { historyFromOperations, toJsonl } from './history/serialize-jsonl.ts';
export type {
  EventType,
  History,
  HistoryEvent,
  Operation,
  OperationStatus,
} from './history/types.ts';
export { type EdnImportOptions, importEdn } from './import/edn.ts';
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
export type { KvState } from './model/kv-state.ts';
export { anyState, illegal, type Model, type Partition, partitionByKey } from './model/model.ts';
export { type RegisterValue, registerModel } from './model/register-model.ts';
export { type Explanation, explain } from './report/explain.ts';
export { type RenderOptions, renderHtml } from './report/render-html.ts';
export { type ShrinkOptions, type ShrinkResult, shrink } from './shrink/shrink.ts';
export {
  createPrng,
  generateKvHistory,
  type WorkloadOptions,
} from './testing/generate-history.ts';
export {
  generateRegisterHistory,
  type RegisterWorkloadOptions,
} from './testing/generate-register-history.ts';
