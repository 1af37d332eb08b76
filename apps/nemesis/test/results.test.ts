// Goal: the files a run leaves are faithful: history.edn reads back through the checker's own
// EDN importer into the same history, availability is the time from a fault to the next
// successful operation invoked after it (per family median and max), leader changes count
// (leader, term) changes, and the verdict's exit codes are 0 / 1 / 2. Method: small in-memory
// histories built with the checker's recorder on a hand-driven clock.
import { type History, type HistoryEvent, historyFromEvents, importEdn } from '@kvraft/checker';
import type { TimelineEvent } from '@kvraft/cluster';
import { describe, expect, it } from 'vitest';
import { familyAvailability, faultAvailability } from '../src/results/availability.ts';
import { toEdn } from '../src/results/history-edn.ts';
import { leaderChanges } from '../src/results/run-dir.ts';
import { exitCodeOf, judge } from '../src/results/verdict.ts';

interface TestOp {
  readonly process: number;
  readonly f: string;
  readonly key: string;
  readonly value?: string;
  readonly at: number;
  readonly end: number;
  readonly result?: string;
  readonly status: 'ok' | 'info' | 'fail';
}

// Builds a history from operations with invocation and completion times in milliseconds.
function history(ops: readonly TestOp[]): History {
  const events: { t: number; event: HistoryEvent }[] = [];
  for (const op of ops) {
    const base = { process: op.process, f: op.f, key: op.key };
    const input = op.value === undefined ? {} : { value: op.value };
    events.push({ t: op.at, event: { type: 'invoke', ...base, ...input, time: op.at * 1e6 } });
    const output = op.result === undefined ? {} : { value: op.result };
    events.push({ t: op.end, event: { type: op.status, ...base, ...output, time: op.end * 1e6 } });
  }
  events.sort((x, y) => x.t - y.t);
  const built = historyFromEvents(events.map((e) => e.event));
  if (!built.ok) throw new Error(built.error.detail);
  return built.history;
}

const fault = (atMs: number, kind: TimelineEvent['kind']): TimelineEvent => ({
  atMs,
  lane: 0,
  phase: 'start',
  kind,
  detail: kind,
  nodes: [],
});

describe('run files', () => {
  it('writes EDN that the checker imports back into the same history', () => {
    const h = history([
      { process: 0, f: 'append', key: 'k "1"', value: 'x 0 1 y ', at: 1, end: 3, status: 'ok' },
      { process: 1, f: 'get', key: 'k "1"', at: 2, end: 4, result: 'x 0 1 y ', status: 'ok' },
      { process: 2, f: 'put', key: 'k2', value: 'x 2 1 y ', at: 5, end: 6, status: 'info' },
    ]);
    const back = importEdn(toEdn(h));
    expect(back.ok).toBe(true);
    if (back.ok) expect(back.history.events).toEqual(h.events);
  });

  it('measures availability from each fault to the next success invoked after it', () => {
    const h = history([
      { process: 0, f: 'get', key: 'a', at: 100, end: 200, status: 'ok' },
      { process: 1, f: 'get', key: 'a', at: 1100, end: 6000, status: 'info' },
      { process: 2, f: 'get', key: 'a', at: 1500, end: 1900, status: 'ok' },
      { process: 0, f: 'get', key: 'a', at: 3100, end: 3300, status: 'ok' },
    ]);
    const faults = faultAvailability(
      h,
      [fault(1000, 'kill'), fault(3000, 'kill'), fault(5000, 'pause')],
      0,
    );
    expect(faults.map((f) => f.recoveryMs)).toEqual([900, 300, null]);
    expect(familyAvailability(faults)).toEqual([
      { kind: 'kill', faults: 2, medianMs: 300, maxMs: 900, unrecovered: 0 },
      { kind: 'pause', faults: 1, medianMs: null, maxMs: null, unrecovered: 1 },
    ]);
  });

  it('counts leader changes by (leader, term), ignoring gaps without a leader', () => {
    const s = (leader: number | null, term: number) => ({ atMs: 0, leader, term });
    expect(leaderChanges([s(1, 1), s(null, 0), s(1, 1), s(2, 2), s(2, 3)])).toBe(2);
  });

  it('judges a lost acknowledged append a violation (exit 1) and a clean history valid (exit 0)', () => {
    const lost = history([
      { process: 0, f: 'append', key: 'k', value: 'x 0 1 y ', at: 1, end: 2, status: 'ok' },
      { process: 1, f: 'get', key: 'k', at: 3, end: 4, result: '', status: 'ok' },
    ]);
    const bad = judge(lost, { budgetMs: 5000 });
    expect(bad.verdict).toBe('violation');
    expect(exitCodeOf(bad.verdict)).toBe(1);
    expect(bad.counterexample?.key).toBe('k');
    const clean = history([
      { process: 0, f: 'append', key: 'k', value: 'x 0 1 y ', at: 1, end: 2, status: 'ok' },
    ]);
    expect(exitCodeOf(judge(clean, { budgetMs: 5000 }).verdict)).toBe(0);
    expect(exitCodeOf('undecided')).toBe(2);
  });
});
