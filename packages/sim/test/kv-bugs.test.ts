// Goal: prove the kv suite's checks can fail. Each test-only bug switch of the KV server must be
// caught by the suite's own checks (append checks, the minority-progress checks, a scripted
// scenario's acknowledged-append check or the linearizability verdict) within a bounded number
// of seeds, and the finding seed must pass with the switch off (kv-3a/kv-3b run these scenarios
// switch-free too). Method: huntBug (support/bug-hunt.ts) per switch; SIM_SEED=n replays a seed.
import type { KvTestBugs } from '@kvraft/kv-service/testing';
import { describe, it } from 'vitest';
import {
  type GenericTestOptions,
  genericTest,
  type KvCluster,
  type KvScenarioOptions,
  onePartition,
  runKvScenario,
} from '../src/index.ts';
import { huntBug } from './support/bug-hunt.ts';
import { leaderChangeUnderWaiters } from './support/kv-bug-scenarios.ts';

const file = 'packages/sim/test/kv-bugs.test.ts';

/** Searches seeds 1..seedsMax (5: a kv scenario costs seconds) for the bug; see huntBug. */
function kvHunt(
  test: string,
  bugs: KvTestBugs,
  options: Omit<KvScenarioOptions, 'seed' | 'bugs'>,
  script: (cfg: KvCluster) => Promise<void>,
  expected: RegExp,
  seedsMax = 5,
): Promise<number> {
  return huntBug({
    name: test,
    run: (seed, on) => runKvScenario({ ...options, seed, bugs: on ? bugs : {} }, script),
    expected,
    replay: (seed) => `SIM_SEED=${seed} npx vitest run ${file} -t '${test}'`,
    seedsMax,
    offSeeds: 'found',
  });
}

const unreliableClients: GenericTestOptions = {
  clients: 5,
  crash: false,
  partitions: false,
  randomKeys: false,
};
// Bug hunts run several seeds, and the finding one again without the bug; allow a slow machine.
const bugTimeoutMs = 300_000;
const partitionedRandomKeys: GenericTestOptions = {
  clients: 5,
  crash: false,
  partitions: true,
  randomKeys: true,
};
const crashingClients: GenericTestOptions = {
  clients: 5,
  crash: true,
  partitions: false,
  randomKeys: false,
};
const violation =
  /duplicate element|missing element|wrong order|get wrong value|not linearizable|minority completed/;
const fiveReliable = { serverCount: 5, unreliable: false, maxraftstate: -1 };
const fiveUnreliable = { serverCount: 5, unreliable: true, maxraftstate: -1 };

describe('test-only bug switches are caught by the kv checks', () => {
  it(
    'skipDuplicateDetection: a retried append applies twice (TestUnreliable3A checks)',
    async () => {
      await kvHunt(
        'skipDuplicateDetection',
        { skipDuplicateDetection: true },
        fiveUnreliable,
        (cfg) => genericTest(cfg, unreliableClients),
        violation,
      );
    },
    bugTimeoutMs,
  );

  it('serveReadsLocally: a minority answers a Get (TestOnePartition3A)', async () => {
    await kvHunt(
      'serveReadsLocally: a minority',
      { serveReadsLocally: true },
      fiveReliable,
      onePartition,
      /Get in minority completed/,
    );
  });

  it(
    'serveReadsLocally: stale reads are not linearizable (random keys, partitions)',
    async () => {
      await kvHunt(
        'serveReadsLocally: stale reads',
        { serveReadsLocally: true },
        fiveUnreliable,
        (cfg) => genericTest(cfg, partitionedRandomKeys),
        /not linearizable/,
      );
    },
    bugTimeoutMs,
  );

  it('ackBeforeCommit: a minority acknowledges a Put (TestOnePartition3A)', async () => {
    await kvHunt(
      'ackBeforeCommit: a minority',
      { ackBeforeCommit: true },
      fiveReliable,
      onePartition,
      /Put in minority completed/,
    );
  });

  it(
    'ackBeforeCommit: acknowledged writes are lost (random keys, partitions)',
    async () => {
      await kvHunt(
        'ackBeforeCommit: acknowledged writes',
        { ackBeforeCommit: true },
        fiveUnreliable,
        (cfg) => genericTest(cfg, partitionedRandomKeys),
        violation,
      );
    },
    bugTimeoutMs,
  );

  it('readIndexWithoutQuorum (raft-core, through kv-service/testing): a minority answers a Get', async () => {
    await kvHunt(
      'readIndexWithoutQuorum',
      { readIndexWithoutQuorum: true },
      fiveReliable,
      onePartition,
      /Get in minority completed/,
    );
  });

  it(
    'snapshotWithoutSessions: a restored replica re-applies old writes (TestSnapshotUnreliableRecover3B)',
    async () => {
      // Restarts restore from a snapshot with no sessions: a delayed duplicate of an old Put or
      // Append applies again, or the clerk's next write finds no session (SessionExpired).
      await kvHunt(
        'snapshotWithoutSessions',
        { snapshotWithoutSessions: true },
        { serverCount: 5, unreliable: true, maxraftstate: 1000 },
        (cfg) => genericTest(cfg, crashingClients),
        /duplicate element|missing element|get wrong value|not linearizable|SessionExpired/,
      );
    },
    bugTimeoutMs,
  );

  it(
    'answerByIndexOnly: a waiting client is answered by another term’s entry (scripted leader change)',
    async () => {
      await kvHunt(
        'answerByIndexOnly',
        { answerByIndexOnly: true },
        fiveReliable,
        leaderChangeUnderWaiters,
        /acknowledged append \S+ is in the value 0 times|not linearizable/,
        20,
      );
    },
    bugTimeoutMs,
  );
});
