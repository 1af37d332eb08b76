// Goal: the original lab's 2D snapshot tests (SCENARIOS.md §2.5): the snapshot applier compacts
// every 10 indexes from inside apply, lagging or restarted servers catch up (by InstallSnapshot
// when needed), the persisted Raft state stays under MAXLOGSIZE, and restarts keep the snapshot.
// Method: scripts over a RaftCluster in snapshot mode on virtual time.
import { describe, expect, it } from 'vitest';
import { type RaftCluster, snapshotInterval } from '../src/index.ts';
import { scenario } from './support/scenario.ts';

/** The tester's bound on persisted Raft state, in bytes (our entry encoding is close to gob's). */
const maxLogSizeBytes = 2000;

/** Go's rand.Int() for commands: a non-negative random integer. */
function randomCommand(cfg: RaftCluster): number {
  return cfg.random.nextUint32();
}

interface SnapCommonOptions {
  readonly disconnect: boolean;
  readonly reliable: boolean;
  readonly crash: boolean;
}

/** snapcommon: 30 rounds of victim/sender, bursts of Starts, log-size checks, catch-up. */
async function snapCommon(testName: string, options: SnapCommonOptions): Promise<void> {
  const { disconnect, reliable, crash } = options;
  await scenario(
    testName,
    { serverCount: 3, unreliable: !reliable, snapshot: true },
    async (cfg) => {
      const servers = 3;
      await cfg.one(randomCommand(cfg), servers, true);
      let leader1 = await cfg.checkOneLeader();
      for (let i = 0; i < 30; i++) {
        let victim = (leader1 + 1) % servers;
        let sender = leader1;
        if (i % 3 === 1) {
          sender = (leader1 + 1) % servers;
          victim = leader1;
        }
        if (disconnect) {
          cfg.disconnect(victim);
          await cfg.one(randomCommand(cfg), servers - 1, true);
        }
        if (crash) {
          cfg.crash1(victim);
          await cfg.one(randomCommand(cfg), servers - 1, true);
        }
        // Perhaps send enough to get a snapshot.
        const burst = snapshotInterval / 2 + cfg.random.nextInt(snapshotInterval);
        for (let j = 0; j < burst; j++) cfg.start(sender, randomCommand(cfg));
        // Let applier threads catch up with the Start()s. Without a disconnect or crash, make
        // sure all followers have caught up, so no InstallSnapshot is needed in the basic test.
        const expected = !disconnect && !crash ? servers : servers - 1;
        await cfg.one(randomCommand(cfg), expected, true);
        expect(cfg.logSize(), 'Log size too large').toBeLessThan(maxLogSizeBytes);
        if (disconnect) {
          // Reconnect a follower, who may be behind and need a snapshot to catch up.
          cfg.connect(victim);
          await cfg.one(randomCommand(cfg), servers, true);
          leader1 = await cfg.checkOneLeader();
        }
        if (crash) {
          await cfg.start1(victim);
          cfg.connect(victim);
          await cfg.one(randomCommand(cfg), servers, true);
          leader1 = await cfg.checkOneLeader();
        }
      }
    },
  );
}

describe('2D: snapshots', () => {
  it('TestSnapshotBasic2D: snapshots basic', async () => {
    await snapCommon('TestSnapshotBasic2D', { disconnect: false, reliable: true, crash: false });
  });

  it('TestSnapshotInstall2D: install snapshots (disconnect)', async () => {
    await snapCommon('TestSnapshotInstall2D', { disconnect: true, reliable: true, crash: false });
  });

  it('TestSnapshotInstallUnreliable2D: install snapshots (disconnect+unreliable)', async () => {
    await snapCommon('TestSnapshotInstallUnreliable2D', {
      disconnect: true,
      reliable: false,
      crash: false,
    });
  });

  it('TestSnapshotInstallCrash2D: install snapshots (crash)', async () => {
    await snapCommon('TestSnapshotInstallCrash2D', {
      disconnect: false,
      reliable: true,
      crash: true,
    });
  });

  it('TestSnapshotInstallUnCrash2D: install snapshots (unreliable+crash)', async () => {
    await snapCommon('TestSnapshotInstallUnCrash2D', {
      disconnect: false,
      reliable: false,
      crash: true,
    });
  });

  it('TestSnapshotAllCrash2D: crash and restart all servers', async () => {
    await scenario(
      'TestSnapshotAllCrash2D',
      { serverCount: 3, unreliable: false, snapshot: true },
      async (cfg) => {
        const servers = 3;
        await cfg.one(randomCommand(cfg), servers, true);
        for (let round = 0; round < 5; round++) {
          // Perhaps enough to get a snapshot.
          const count = snapshotInterval / 2 + cfg.random.nextInt(snapshotInterval);
          for (let j = 0; j < count; j++) await cfg.one(randomCommand(cfg), servers, true);
          const index1 = await cfg.one(randomCommand(cfg), servers, true);
          // Crash all, then revive all.
          for (let i = 0; i < servers; i++) cfg.crash1(i);
          for (let i = 0; i < servers; i++) {
            await cfg.start1(i);
            cfg.connect(i);
          }
          const index2 = await cfg.one(randomCommand(cfg), servers, true);
          expect(index2, `index decreased from ${index1} to ${index2}`).toBeGreaterThanOrEqual(
            index1 + 1,
          );
        }
      },
    );
  });

  it('TestSnapshotInit2D: snapshot initialization after crash', async () => {
    await scenario(
      'TestSnapshotInit2D',
      { serverCount: 3, unreliable: false, snapshot: true },
      async (cfg) => {
        const servers = 3;
        await cfg.one(randomCommand(cfg), servers, true);
        // Enough ops to make a snapshot.
        for (let j = 0; j < snapshotInterval + 1; j++)
          await cfg.one(randomCommand(cfg), servers, true);
        const restartAll = async (): Promise<void> => {
          for (let i = 0; i < servers; i++) cfg.crash1(i);
          for (let i = 0; i < servers; i++) {
            await cfg.start1(i);
            cfg.connect(i);
          }
        };
        await restartAll();
        // A single op, to get something written back to persistent storage.
        await cfg.one(randomCommand(cfg), servers, true);
        await restartAll();
        // Another op, to trigger a snapshot lost by the previous save.
        const index = await cfg.one(randomCommand(cfg), servers, true);
        expect(index).toBeGreaterThan(snapshotInterval);
        // Our addition: the restarted servers still hold the snapshot they loaded.
        for (const persister of cfg.persisters)
          expect(persister?.snapshotSize()).toBeGreaterThan(0);
      },
    );
  });
});
