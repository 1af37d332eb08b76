// The files a run leaves in DIR: history.jsonl (the checker's format), history.edn (Jepsen's),
// schedule.json (replayable), results.json (verdicts, availability, counts, the fault timeline
// and leader samples the report draws), beside the node logs and /metrics snapshots the real
// runtime writes. `check` and `report` rebuild from these files alone.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type History, parseJsonl, toJsonl } from '@kvraft/checker';
import type { Schedule, TimelineEvent } from '@kvraft/cluster';
import type { LeaderSample } from '../runtime/play-run.ts';
import type { WorkloadCounts } from '../workload/run-workload.ts';
import {
  type FamilyAvailability,
  type FaultAvailability,
  familyAvailability,
  faultAvailability,
} from './availability.ts';
import { toEdn } from './history-edn.ts';
import type { RunVerdict } from './verdict.ts';

/** results.json. */
export interface RunResults {
  readonly runtime: 'real' | 'sim';
  readonly seed: number;
  readonly nodes: number;
  readonly persister: string;
  readonly workload: string;
  readonly clients: number;
  readonly durationMs: number;
  readonly elapsedMs: number;
  readonly counts: WorkloadCounts;
  readonly operations: number;
  readonly opsPerSecond: number;
  readonly latencyMs: { readonly p50: number; readonly p99: number; readonly max: number };
  readonly leaderChanges: number;
  readonly verdict: RunVerdict;
  readonly availability: {
    readonly faults: FaultAvailability[];
    readonly families: FamilyAvailability[];
  };
  readonly skipped: Schedule['skipped'];
  readonly peakRssBytes: number | null;
  readonly metricsSnapshots: number;
  readonly originNs: number;
  readonly timeline: readonly TimelineEvent[];
  readonly leaders: readonly LeaderSample[];
}

/** What a finished run hands to `buildResults`. */
export interface FinishedRun {
  readonly runtime: 'real' | 'sim';
  readonly schedule: Schedule;
  readonly history: History;
  readonly timeline: readonly TimelineEvent[];
  readonly leaders: readonly LeaderSample[];
  readonly counts: WorkloadCounts;
  readonly elapsedMs: number;
  readonly originNs: number;
  readonly peakRssBytes?: number;
  readonly metricsSnapshots?: number;
}

/** Derives results.json from a run and its verdict. */
export function buildResults(run: FinishedRun, verdict: RunVerdict): RunResults {
  const s = run.schedule;
  const latencies = run.history.operations
    .filter((op) => op.status === 'ok')
    .map((op) => (op.returnNs - op.callNs) / 1e6)
    .sort((a, b) => a - b);
  const at = (q: number) =>
    round(latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? 0);
  const faults = faultAvailability(run.history, run.timeline, run.originNs);
  return {
    runtime: run.runtime,
    seed: s.seed,
    nodes: s.nodes,
    persister: s.persister,
    workload: s.workload,
    clients: s.clients,
    durationMs: s.durationMs,
    elapsedMs: Math.round(run.elapsedMs),
    counts: run.counts,
    operations: run.history.operations.length,
    opsPerSecond: Math.round((run.counts.ok / Math.max(1, run.elapsedMs)) * 1000),
    latencyMs: { p50: at(0.5), p99: at(0.99), max: at(1) },
    leaderChanges: leaderChanges(run.leaders),
    verdict,
    availability: { faults, families: familyAvailability(faults) },
    skipped: s.skipped,
    peakRssBytes: run.peakRssBytes ?? null,
    metricsSnapshots: run.metricsSnapshots ?? 0,
    originNs: run.originNs,
    timeline: run.timeline,
    leaders: run.leaders,
  };
}

/** Writes history.jsonl, history.edn and results.json into `dir` (schedule.json is written first). */
export function writeRunFiles(dir: string, history: History, results: RunResults): void {
  writeFileSync(join(dir, 'history.jsonl'), toJsonl(history));
  writeFileSync(join(dir, 'history.edn'), toEdn(history));
  writeResults(dir, results);
}

/** Writes results.json. */
export function writeResults(dir: string, results: RunResults): void {
  writeFileSync(join(dir, 'results.json'), `${JSON.stringify(results, null, 2)}\n`);
}

/** Writes schedule.json. */
export function writeSchedule(dir: string, schedule: Schedule): void {
  writeFileSync(join(dir, 'schedule.json'), `${JSON.stringify(schedule, null, 2)}\n`);
}

/** Reads schedule.json. */
export function readSchedule(path: string): Schedule {
  return JSON.parse(readFileSync(path, 'utf8')) as Schedule;
}

/** Reads history.jsonl; throws with the parser's reason when it is malformed. */
export function readHistory(dir: string): History {
  const parsed = parseJsonl(readFileSync(join(dir, 'history.jsonl'), 'utf8'));
  if (!parsed.ok)
    throw new Error(`history.jsonl: line ${parsed.error.line}: ${parsed.error.detail}`);
  return parsed.history;
}

/** Reads results.json. */
export function readResults(dir: string): RunResults {
  return JSON.parse(readFileSync(join(dir, 'results.json'), 'utf8')) as RunResults;
}

/** Changes of (leader, term) over the samples, ignoring samples with no leader. */
export function leaderChanges(samples: readonly LeaderSample[]): number {
  let changes = 0;
  let last = '';
  for (const sample of samples) {
    if (sample.leader === null) continue;
    const now = `${sample.leader}@${sample.term}`;
    if (last !== '' && now !== last) changes++;
    last = now;
  }
  return changes;
}

function round(ms: number): number {
  return Math.round(ms * 10) / 10;
}
