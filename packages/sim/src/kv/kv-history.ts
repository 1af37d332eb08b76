// Records every clerk operation of a kv scenario as history events (the shared JSONL format of
// ARCHITECTURE.md) on virtual time in nanoseconds, and checks the whole history with the
// checker's kv model. An indeterminate write is `info`, a definite failure `fail`, never dropped.
import {
  type CheckResult,
  check,
  type History,
  type HistoryEvent,
  historyFromEvents,
  kvModel,
} from '@kvraft/checker';
import { AssertionError } from '@kvraft/raft-core';
import type { Scheduler } from '../scheduler.ts';

/** List entries the checker's pruning scans per placement in kv scenarios. */
export const kvLookaheadEntriesMax = 1024;

/** The completion of one recorded operation. */
export type KvOutcome =
  | { readonly type: 'ok'; readonly value?: string }
  | { readonly type: 'fail' | 'info' };

/** The history of one kv scenario. */
export class KvHistory {
  private readonly events: HistoryEvent[] = [];

  /** A history on `scheduler`'s virtual time. */
  constructor(private readonly scheduler: Scheduler) {}

  /** The number of events recorded. */
  get eventCount(): number {
    return this.events.length;
  }

  /** Records an invocation; call the returned function once with its outcome. */
  invoke(process: number, f: string, key: string, value?: string): (outcome: KvOutcome) => void {
    const base = { process, f, key };
    this.events.push({
      type: 'invoke',
      ...base,
      ...(value === undefined ? {} : { value }),
      time: this.nowNs(),
    });
    let completed = false;
    return (outcome) => {
      if (completed)
        throw new AssertionError(`operation ${f} of process ${process} completed twice`);
      completed = true;
      const result =
        outcome.type === 'ok' && outcome.value !== undefined ? { value: outcome.value } : {};
      this.events.push({ type: outcome.type, ...base, ...result, time: this.nowNs() });
    };
  }

  /** The recorded events, in time order. */
  recordedEvents(): readonly HistoryEvent[] {
    return this.events;
  }

  /** Builds the validated history; a malformed history is a harness bug. */
  history(): History {
    const built = historyFromEvents(this.events);
    if (!built.ok) throw new AssertionError(`kv history is malformed: ${built.error.detail}`);
    return built.history;
  }

  /** Checks linearizability against the kv model with a deterministic per-key step budget. */
  checkLinearizable(partitionStepsMax: number): CheckResult {
    // No clock: the verdict depends only on the history and the budget, so a seed replays it.
    // The lookahead must reach a key's final get across a burst of concurrent appends (50 in
    // UnreliableOneKey, 104 list entries) yet stay far below the 10^4-op single-key histories.
    return check(this.history(), kvModel, {
      partitionStepsMax,
      lookaheadEntriesMax: kvLookaheadEntriesMax,
    });
  }

  private nowNs(): number {
    return Math.round(this.scheduler.nowMs * 1_000_000);
  }
}
