// Goal: fault schedules are data with checked invariants: a seed draws the same schedule every
// time, every family asked for appears, impossible combinations are refused with the reason,
// and each partition shape cuts what its name says. Method: the pure functions of
// @kvraft/cluster's scenario modules, no processes.
import {
  faultFamilies,
  generateSchedule,
  partitionLinks,
  partitionShapes,
  type Schedule,
  type ScheduleRequest,
  scheduleProblems,
} from '@kvraft/cluster';
import { describe, expect, it } from 'vitest';

const request: ScheduleRequest = {
  seed: 11,
  nodes: 3,
  persister: 'sqlite',
  clients: 4,
  durationMs: 60_000,
  workload: 'append',
  families: ['kill', 'pause', 'partition', 'link', 'disk', 'restart', 'flood'],
  concurrency: 1,
};

// Which nodes `id` can hear from, given cut links.
function hears(id: number, nodes: number[], cut: { from: number; to: number }[]): number[] {
  return nodes.filter((from) => from === id || !cut.some((l) => l.from === from && l.to === id));
}

describe('generateSchedule', () => {
  it('draws the same schedule from the same seed and a different one from another', () => {
    expect(generateSchedule(request)).toEqual(generateSchedule(request));
    expect(generateSchedule({ ...request, seed: 12 }).steps).not.toEqual(
      generateSchedule(request).steps,
    );
  });

  it('exercises every family asked for, skipping none', () => {
    const schedule = generateSchedule({ ...request, families: [...faultFamilies] });
    // The disk family is damage to a stopped node or faults on a running node's saves.
    const kinds = new Set(
      schedule.steps.map((s) => (s.fault.kind === 'disk-io' ? 'disk' : s.fault.kind)),
    );
    for (const family of faultFamilies) {
      expect(kinds, family).toContain(family);
    }
    expect(schedule.skipped).toEqual([]);
  });

  it('keeps every step inside the run and one lane free of overlaps', () => {
    const schedule = generateSchedule(request);
    let endMs = 0;
    for (const step of schedule.steps) {
      expect(step.atMs).toBeGreaterThanOrEqual(endMs);
      endMs = step.atMs + step.durationMs;
    }
    expect(endMs).toBeLessThanOrEqual(request.durationMs);
  });

  it('refuses more fault lanes than a minority of the nodes', () => {
    expect(() => generateSchedule({ ...request, concurrency: 5 })).toThrow(/no majority/);
    expect(generateSchedule({ ...request, nodes: 5, concurrency: 2 }).steps.length).toBeGreaterThan(
      0,
    );
  });
});

describe('scheduleProblems', () => {
  const base: Schedule = { ...generateSchedule(request), steps: [] };
  it('refuses a step that outlives the run and overlapping kills that leave no majority', () => {
    const late = {
      atMs: 59_000,
      durationMs: 5000,
      lane: 0,
      fault: { kind: 'pause', target: 'random' },
    } as const;
    expect(scheduleProblems({ ...base, steps: [late] })[0]).toMatch(/never be undone/);
    const kill = (lane: number) =>
      ({ atMs: 1000, durationMs: 2000, lane, fault: { kind: 'kill', target: 'random' } }) as const;
    expect(scheduleProblems({ ...base, steps: [kill(0), kill(1)] })[0]).toMatch(/no majority/);
    expect(scheduleProblems({ ...base, steps: [kill(0)] })).toEqual([]);
  });

  it('allows a lone kill of every node (a whole-cluster crash and restart)', () => {
    const all = {
      atMs: 1000,
      durationMs: 2000,
      lane: 0,
      fault: { kind: 'kill', target: 'all' },
    } as const;
    expect(scheduleProblems({ ...base, steps: [all] })).toEqual([]);
  });
});

describe('partitionLinks', () => {
  const random = () => 0.3;
  it.each([3, 5, 7])('leaves every node of a %i-node majorities ring hearing a majority', (n) => {
    const nodes = Array.from({ length: n }, (_, i) => i + 1);
    const { links } = partitionLinks('ring', nodes, 1, random);
    expect(links.length).toBeGreaterThan(0);
    for (const id of nodes) expect(hears(id, nodes, links).length).toBeGreaterThan(n / 2);
  });

  it('isolates the leader, and cuts a one-way link only into the focus node', () => {
    const nodes = [1, 2, 3];
    expect(hears(2, nodes, partitionLinks('isolate-leader', nodes, 2, random).links)).toEqual([2]);
    const oneWay = partitionLinks('one-way', nodes, 2, random).links;
    expect(oneWay.every((l) => l.to === 2)).toBe(true);
    expect(hears(1, nodes, oneWay)).toEqual([1, 2, 3]);
  });

  it.each(partitionShapes)('draws %s without cutting a node off from itself', (shape) => {
    const { links } = partitionLinks(shape, [1, 2, 3, 4, 5], 3, random);
    expect(links.every((l) => l.from !== l.to)).toBe(true);
  });
});
