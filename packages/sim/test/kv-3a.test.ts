// Goal: every kvraft 3A test of the original lab (SCENARIOS.md §1.5) with its parameters and
// checks: GenericTest rounds with per-client append checks, and the checker's linearizability
// verdict (must be ok) on every run. Method: scripts over a KvCluster on virtual time.
import { describe, it } from 'vitest';
import { genericTest } from '../src/index.ts';
import { kvScenario } from './kv-support.ts';

describe('3A: kvraft without snapshots', () => {
  it('TestBasic3A: one client', async () => {
    await kvScenario(
      'TestBasic3A',
      { serverCount: 5, unreliable: false, maxraftstate: -1 },
      (cfg) => genericTest(cfg, { clients: 1, crash: false, partitions: false, randomKeys: false }),
    );
  });
});
