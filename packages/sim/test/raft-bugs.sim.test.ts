// Goal: prove the Raft checks can fail. Each of raft-core's test-only bug switches (bugs.ts) must
// be caught within 20 seeds, by the swarm (RaftInvariants, its ReadIndex check and the strict
// appliers) or by a scripted scenario built for the interleaving the bug needs (with
// RaftInvariants on after every event); every seed up to the finding one passes with it off.
// Method: huntBug (support/bug-hunt.ts); SIM_SEED=n replays one seed.
import * as kvRoot from '@kvraft/kv-service';
import * as coreRoot from '@kvraft/raft-core';
import { type RaftBugs, raftBugsKey, withRaftBugs } from '@kvraft/raft-core/testing/bugs';
import { describe, expect, it } from 'vitest';
import { runRaftScenario, runSwarmSeed, swarmReplayCommand } from '../src/index.ts';
import { huntBug } from './support/bug-hunt.ts';
import { figure8Scenario, voteStormScenario } from './support/bug-scenarios.ts';

const file = 'packages/sim/test/raft-bugs.sim.test.ts';
// A swarm seed takes ~0.1–0.5 s and a scenario seed ~0.1–0.4 s; allow a slow, shared machine.
const huntTimeoutMs = 60_000;

function swarmHunt(bug: keyof RaftBugs, expected: RegExp) {
  return {
    name: bug,
    run: (seed: number, on: boolean) => runSwarmSeed(seed, { raftBugs: { [bug]: on } }),
    expected,
    replay: (seed: number) => swarmReplayCommand(seed, { raftBugs: { [bug]: true } }),
  };
}

function scenarioReplay(test: string): (seed: number) => string {
  return (seed) => `SIM_SEED=${seed} npx vitest run ${file} -t '${test}'`;
}

describe('test-only bug switches are out of production reach', () => {
  it('the package roots export neither the switch key nor a bug-enabled start', () => {
    const exported = [...Object.values(coreRoot), ...Object.values(kvRoot)];
    expect(exported).not.toContain(raftBugsKey);
    expect(exported).not.toContain(withRaftBugs);
    expect(Object.keys(coreRoot)).not.toContain('raftBugsKey');
    expect(Object.keys(kvRoot)).not.toContain('createKvServerForTesting');
    // Options that travel as data (config files, JSON) cannot carry the symbol key.
    const options = withRaftBugs({ preVote: true }, { readIndexWithoutQuorum: true });
    expect(JSON.parse(JSON.stringify(options))).toEqual({ preVote: true });
  });
});

describe('test-only Raft bug switches are caught by the simulator', () => {
  it(
    'readIndexWithoutQuorum: the swarm sees a ReadIndex below an index committed before it',
    async () => {
      const seed = await huntBug(
        swarmHunt('readIndexWithoutQuorum', /ReadIndex \d+ is below index \d+ committed before/),
      );
      expect(seed).toBeLessThanOrEqual(20);
    },
    huntTimeoutMs,
  );

  it(
    'installStaleSnapshot: the swarm applier sees a snapshot behind what was applied',
    async () => {
      const seed = await huntBug(
        swarmHunt('installStaleSnapshot', /apply error: server \d+ snapshot \d+ is behind applied/),
      );
      expect(seed).toBeLessThanOrEqual(20);
    },
    huntTimeoutMs,
  );

  it(
    'commitEarlierTermByCount: Figure 8 scenario, a later leader overwrites a committed entry',
    async () => {
      const seed = await huntBug({
        name: 'commitEarlierTermByCount',
        run: (seed, on) =>
          runRaftScenario(
            {
              seed,
              serverCount: 5,
              unreliable: false,
              snapshot: false,
              strictApplyOrder: true,
              checkInvariants: true,
              raft: { appendBytesMax: 1 },
              raftBugs: { commitEarlierTermByCount: on },
            },
            figure8Scenario,
          ),
        expected: /leader \d+ of term \d+ (holds a different entry at|lacks) committed index/,
        replay: scenarioReplay('commitEarlierTermByCount'),
      });
      expect(seed).toBeLessThanOrEqual(20);
    },
    huntTimeoutMs,
  );

  it(
    'replyVoteBeforeSave: vote-storm scenario on slow disks, two leaders in one term',
    async () => {
      const seed = await huntBug({
        name: 'replyVoteBeforeSave',
        run: (seed, on) =>
          runRaftScenario(
            {
              seed,
              serverCount: 3,
              unreliable: false,
              snapshot: false,
              strictApplyOrder: true,
              checkInvariants: true,
              diskLatencyMsMax: 100,
              raft: { preVote: false, checkQuorum: false },
              raftBugs: { replyVoteBeforeSave: on },
            },
            (cfg) => voteStormScenario(cfg),
          ),
        expected: /term \d+ has two leaders/,
        replay: scenarioReplay('replyVoteBeforeSave'),
      });
      expect(seed).toBeLessThanOrEqual(20);
    },
    huntTimeoutMs,
  );
});
