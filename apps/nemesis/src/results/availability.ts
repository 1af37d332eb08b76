// Availability after each fault: the time from a fault's start to the first successful
// operation invoked at or after it (the cluster served again), and per family the median and
// maximum. A fault after which nothing succeeded before the run ended counts as unavailable.
import type { History } from '@kvraft/checker';
import type { TimelineEvent } from '@kvraft/cluster';

/** One fault's availability. */
export interface FaultAvailability {
  readonly atMs: number;
  readonly kind: string;
  readonly detail: string;
  /** Milliseconds to the next successful operation, or null when none followed. */
  readonly recoveryMs: number | null;
}

/** One family's availability. */
export interface FamilyAvailability {
  readonly kind: string;
  readonly faults: number;
  readonly medianMs: number | null;
  readonly maxMs: number | null;
  readonly unrecovered: number;
}

/** Availability after every fault start; `originNs` is the history time of the run's start. */
export function faultAvailability(
  history: History,
  timeline: readonly TimelineEvent[],
  originNs: number,
): FaultAvailability[] {
  const okCalls = history.operations
    .filter((op) => op.status === 'ok')
    .map((op) => ({
      callMs: (op.callNs - originNs) / 1e6,
      returnMs: (op.returnNs - originNs) / 1e6,
    }))
    .sort((a, b) => a.returnMs - b.returnMs);
  return timeline
    .filter((event) => event.phase === 'start')
    .map((event) => {
      const next = okCalls.find((op) => op.callMs >= event.atMs);
      return {
        atMs: event.atMs,
        kind: event.kind,
        detail: event.detail,
        recoveryMs: next === undefined ? null : Math.round(next.returnMs - event.atMs),
      };
    });
}

/** Median and maximum recovery per fault family. */
export function familyAvailability(faults: readonly FaultAvailability[]): FamilyAvailability[] {
  const kinds = [...new Set(faults.map((f) => f.kind))];
  return kinds.map((kind) => {
    const mine = faults.filter((f) => f.kind === kind);
    const times = mine
      .flatMap((f) => (f.recoveryMs === null ? [] : [f.recoveryMs]))
      .sort((a, b) => a - b);
    return {
      kind,
      faults: mine.length,
      medianMs: times.length === 0 ? null : times[Math.floor((times.length - 1) / 2)]!,
      maxMs: times.length === 0 ? null : times.at(-1)!,
      unrecovered: mine.length - times.length,
    };
  });
}
