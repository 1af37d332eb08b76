// Goal: a node's election timeout and heartbeat interval are named options with defaults, turned
// into whole Raft ticks, and an inconsistent pair is refused before anything starts. Method:
// resolveNodeOptions on in-memory option objects (no sockets, no files).
import { describe, expect, it } from 'vitest';
import {
  NodeOptionsError,
  nodeTimingDefaults,
  resolveNodeOptions,
  timingTicks,
} from '../src/node-options.ts';

const base = {
  id: 1,
  peers: new Map([[1, { host: '127.0.0.1', port: 7001 }]]),
  clusterSecret: 's',
  persister: 'memory' as const,
};

describe('node timing', () => {
  it('defaults to 100 ms heartbeats and a 300 ms base election timeout, in 10 ms ticks', () => {
    const config = resolveNodeOptions(base);
    expect(config.electionTimeoutMs).toBe(nodeTimingDefaults.electionTimeoutMs);
    expect(timingTicks(config)).toEqual({ electionTimeoutTicks: 30, heartbeatTicks: 10 });
  });

  it('converts chosen milliseconds into ticks of the chosen length', () => {
    const config = resolveNodeOptions({
      ...base,
      tickMs: 20,
      electionTimeoutMs: 1000,
      heartbeatMs: 100,
    });
    expect(timingTicks(config)).toEqual({ electionTimeoutTicks: 50, heartbeatTicks: 5 });
  });

  it.each([
    [{ heartbeatMs: 200, electionTimeoutMs: 300 }, 'at most half of electionTimeoutMs (300)'],
    [{ heartbeatMs: 5, tickMs: 10 }, 'at least tickMs (10)'],
    [{ electionTimeoutMs: 0 }, 'electionTimeoutMs must be a positive integer, got 0'],
    [{ tickMs: 1.5 }, 'tickMs must be a positive integer, got 1.5'],
  ])('refuses %o', (timing, message) => {
    expect(() => resolveNodeOptions({ ...base, ...timing })).toThrow(NodeOptionsError);
    expect(() => resolveNodeOptions({ ...base, ...timing })).toThrow(message);
  });
});
