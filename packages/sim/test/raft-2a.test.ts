// Goal: the original lab's 2A leader-election tests, same parameters and checks (SCENARIOS.md
// §2.2), run on the deterministic simulator. Method: each test is a script over a RaftCluster
// that waits only on virtual time; a failure prints its seed and a replay command.
import { describe, expect, it } from 'vitest';
import { scenario } from './support/scenario.ts';

describe('2A: leader election', () => {
  it('TestInitialElection2A: initial election', async () => {
    await scenario(
      'TestInitialElection2A',
      { serverCount: 3, unreliable: false, snapshot: false },
      async (cfg) => {
        // Is a leader elected?
        await cfg.checkOneLeader();
        // Sleep a bit to avoid racing with followers learning of the election, then check all
        // peers agree on the term.
        await cfg.sleep(50);
        const term1 = cfg.checkTerms();
        expect(term1).toBeGreaterThanOrEqual(1);
        // Does the leader and term stay the same if there is no network failure? (A change is
        // only a warning in the original.)
        await cfg.sleep(2 * 1000);
        const term2 = cfg.checkTerms();
        if (term1 !== term2)
          console.warn('warning: term changed even though there were no failures');
        // There should still be a leader.
        await cfg.checkOneLeader();
      },
    );
  });

  it('TestReElection2A: election after network failure', async () => {
    await scenario(
      'TestReElection2A',
      { serverCount: 3, unreliable: false, snapshot: false },
      async (cfg) => {
        const servers = 3;
        const leader1 = await cfg.checkOneLeader();
        // If the leader disconnects, a new one should be elected.
        cfg.disconnect(leader1);
        await cfg.checkOneLeader();
        // If the old leader rejoins, that shouldn't disturb the new leader.
        cfg.connect(leader1);
        const leader2 = await cfg.checkOneLeader();
        // If there's no quorum, no new leader should be elected.
        cfg.disconnect(leader2);
        cfg.disconnect((leader2 + 1) % servers);
        await cfg.sleep(2 * 1000);
        // Check that the one connected server does not think it is the leader.
        cfg.checkNoLeader();
        // If a quorum arises, it should elect a leader.
        cfg.connect((leader2 + 1) % servers);
        await cfg.checkOneLeader();
        // Re-join of last node shouldn't prevent leader from existing.
        cfg.connect(leader2);
        await cfg.checkOneLeader();
      },
    );
  });

  it('TestManyElections2A: multiple elections', async () => {
    await scenario(
      'TestManyElections2A',
      { serverCount: 7, unreliable: false, snapshot: false },
      async (cfg) => {
        const servers = 7;
        await cfg.checkOneLeader();
        const iterations = 10;
        for (let ii = 1; ii < iterations; ii++) {
          // Disconnect three nodes (they may repeat, so 1–3 actually go down).
          const i1 = cfg.random.nextInt(servers);
          const i2 = cfg.random.nextInt(servers);
          const i3 = cfg.random.nextInt(servers);
          cfg.disconnect(i1);
          cfg.disconnect(i2);
          cfg.disconnect(i3);
          // Either the current leader should still be alive, or the remaining four should elect
          // a new one.
          await cfg.checkOneLeader();
          cfg.connect(i1);
          cfg.connect(i2);
          cfg.connect(i3);
        }
        await cfg.checkOneLeader();
      },
    );
  });
});
