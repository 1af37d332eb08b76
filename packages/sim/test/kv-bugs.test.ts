// Goal: prove the kv suite's checks can fail. Each test-only bug switch of the KV server must be
// caught by the suite's own checks (append checks, the minority-progress checks or the
// linearizability verdict) within a bounded number of seeds; with the switches off the same
// scenarios pass (kv-3a/kv-3b). Method: run a scenario per seed until it fails; report the seed.
import { describe, expect, it } from 'vitest';
import {
  type GenericTestOptions,
  genericTest,
  type KvCluster,
  type KvScenarioOptions,
  onePartition,
  runKvScenario,
  SimulationFailure,
} from '../src/index.ts';

const seedsMax = 5;

async function seedsToDetection(
  options: Omit<KvScenarioOptions, 'seed'>,
  script: (cfg: KvCluster) => Promise<void>,
  expected: RegExp,
): Promise<number> {
  for (let seed = 1; seed <= seedsMax; seed++) {
    try {
      await runKvScenario({ ...options, seed }, script);
    } catch (error) {
      if (!(error instanceof SimulationFailure)) throw error;
      expect(error.message).toMatch(expected);
      console.log(`  ... caught at seed ${seed}: ${error.message.slice(0, 140)}`);
      return seed;
    }
  }
  throw new Error(`bug not detected within ${seedsMax} seeds`);
}

const unreliableClients: GenericTestOptions = {
  clients: 5,
  crash: false,
  partitions: false,
  randomKeys: false,
};
// Bug hunts run several seeds; unreliable runs keep the op rate (and the history) small.
const bugTimeoutMs = 300_000;
const partitionedRandomKeys: GenericTestOptions = {
  clients: 5,
  crash: false,
  partitions: true,
  randomKeys: true,
};
const violation =
  /duplicate element|missing element|wrong order|get wrong value|not linearizable|minority completed/;

describe('test-only bug switches are caught by the kv checks', () => {
  it(
    'skipDuplicateDetection: a retried append applies twice (TestUnreliable3A checks)',
    async () => {
      const options = {
        serverCount: 5,
        unreliable: true,
        maxraftstate: -1,
        bugs: { skipDuplicateDetection: true },
      };
      await seedsToDetection(options, (cfg) => genericTest(cfg, unreliableClients), violation);
    },
    bugTimeoutMs,
  );

  it('serveReadsLocally: a minority answers a Get (TestOnePartition3A)', async () => {
    const options = {
      serverCount: 5,
      unreliable: false,
      maxraftstate: -1,
      bugs: { serveReadsLocally: true },
    };
    await seedsToDetection(options, onePartition, /Get in minority completed/);
  });

  it(
    'serveReadsLocally: stale reads are not linearizable (random keys, partitions)',
    async () => {
      const options = {
        serverCount: 5,
        unreliable: true,
        maxraftstate: -1,
        bugs: { serveReadsLocally: true },
      };
      await seedsToDetection(
        options,
        (cfg) => genericTest(cfg, partitionedRandomKeys),
        /not linearizable/,
      );
    },
    bugTimeoutMs,
  );

  it('ackBeforeCommit: a minority acknowledges a Put (TestOnePartition3A)', async () => {
    const options = {
      serverCount: 5,
      unreliable: false,
      maxraftstate: -1,
      bugs: { ackBeforeCommit: true },
    };
    await seedsToDetection(options, onePartition, /Put in minority completed/);
  });

  it(
    'ackBeforeCommit: acknowledged writes are lost (random keys, partitions)',
    async () => {
      const options = {
        serverCount: 5,
        unreliable: true,
        maxraftstate: -1,
        bugs: { ackBeforeCommit: true },
      };
      await seedsToDetection(options, (cfg) => genericTest(cfg, partitionedRandomKeys), violation);
    },
    bugTimeoutMs,
  );
});
