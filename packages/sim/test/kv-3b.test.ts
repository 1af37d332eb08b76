// Goal: every kvraft 3B test of the original lab (SCENARIOS.md §1.6): maxraftstate = 1000, the
// 8 × maxraftstate log bound after every round, the 500-byte snapshot bound, InstallSnapshot
// catch-up, and the checker's linearizability verdict (must be ok) on every run.
import { describe, it } from 'vitest';
import {
  type GenericTestOptions,
  genericTest,
  genericTestSpeed,
  snapshotRpc,
  snapshotSize,
} from '../src/index.ts';
import { kvScenario } from './kv-support.ts';

const maxraftstate = 1000;

interface GenericRow extends GenericTestOptions {
  readonly name: string;
  readonly title: string;
  readonly servers: number;
  readonly unreliable: boolean;
}

const fixed = { randomKeys: false } as const;
const rows: GenericRow[] = [
  {
    name: 'TestSnapshotRecover3B',
    title: 'restarts, snapshots, one client',
    servers: 5,
    clients: 1,
    unreliable: false,
    crash: true,
    partitions: false,
    ...fixed,
  },
  {
    name: 'TestSnapshotRecoverManyClients3B',
    title: 'restarts, snapshots, many clients',
    servers: 5,
    clients: 20,
    unreliable: false,
    crash: true,
    partitions: false,
    ...fixed,
  },
  {
    name: 'TestSnapshotUnreliable3B',
    title: 'unreliable net, snapshots, many clients',
    servers: 5,
    clients: 5,
    unreliable: true,
    crash: false,
    partitions: false,
    ...fixed,
  },
  {
    name: 'TestSnapshotUnreliableRecover3B',
    title: 'unreliable net, restarts, snapshots, many clients',
    servers: 5,
    clients: 5,
    unreliable: true,
    crash: true,
    partitions: false,
    ...fixed,
  },
  {
    name: 'TestSnapshotUnreliableRecoverConcurrentPartition3B',
    title: 'unreliable net, restarts, partitions, snapshots, many clients',
    servers: 5,
    clients: 5,
    unreliable: true,
    crash: true,
    partitions: true,
    ...fixed,
  },
  {
    name: 'TestSnapshotUnreliableRecoverConcurrentPartitionLinearizable3B',
    title: 'unreliable net, restarts, partitions, snapshots, random keys, many clients',
    servers: 7,
    clients: 15,
    unreliable: true,
    crash: true,
    partitions: true,
    randomKeys: true,
  },
];

// NB: reliable-network rounds record 10–60 thousand operations (far more than the Go tester's
// wall-clock runs), and the checker's search is currently quadratic in a key's operation count,
// so these can exceed vitest's default 120 s of wall time. The virtual-time limit is still 120 s.
const genericTestTimeoutMs = 300_000;

describe('3B: kvraft with snapshots', () => {
  it('TestSnapshotRPC3B: InstallSnapshot RPC', async () => {
    const options = { serverCount: 3, unreliable: false, maxraftstate };
    await kvScenario('TestSnapshotRPC3B', options, (cfg) => snapshotRpc(cfg, maxraftstate));
  });

  it('TestSnapshotSize3B: snapshot size is reasonable', async () => {
    const options = { serverCount: 3, unreliable: false, maxraftstate };
    await kvScenario('TestSnapshotSize3B', options, (cfg) => snapshotSize(cfg, maxraftstate));
  });

  it('TestSpeed3B: ops complete fast enough', async () => {
    const options = { serverCount: 3, unreliable: false, maxraftstate };
    await kvScenario('TestSpeed3B', options, async (cfg) => {
      await genericTestSpeed(cfg);
    });
  });

  for (const row of rows) {
    it(
      `${row.name}: ${row.title}`,
      async () => {
        const options = { serverCount: row.servers, unreliable: row.unreliable, maxraftstate };
        await kvScenario(row.name, options, (cfg) => genericTest(cfg, row));
      },
      genericTestTimeoutMs,
    );
  }
});
