// Goal: etcd-io/raft's membership behaviours, stated as facts and checked on whole simulated
// clusters (RaftNode drivers, memory persisters, a lossy network) with RaftInvariants after every
// event: one leader per term, Log Matching, committed entries kept, configuration agreement per
// index. Method: scripts over a RaftCluster on virtual time, servers beyond the bootstrap ones
// start empty and join through changes; each fact fails if the rule it names is broken.
import { type ConfChange, describeConfig, type NodeId } from '@kvraft/raft-core';
import { describe, expect, it } from 'vitest';
import type { RaftCluster } from '../src/index.ts';
import { scenario } from './support/scenario.ts';

const joining = { unreliable: false, snapshot: false, checkInvariants: true } as const;

/** Proposes `change` at the leader until accepted, then waits until the leader has applied it. */
async function changeConfig(cluster: RaftCluster, change: ConfChange): Promise<NodeId> {
  for (let attempt = 0; attempt < 100; attempt++) {
    const leader = await cluster.checkOneLeader();
    const node = cluster.nodes[leader]!;
    const result = node.proposeConfChange(change);
    if (result.ok) {
      for (let poll = 0; poll < 100 && node.status().appliedIndex < result.index; poll++) {
        await cluster.sleep(20);
      }
      if (node.status().configIndex >= result.index) return leader;
    }
    await cluster.sleep(100);
  }
  throw new Error(`change ${JSON.stringify(change)} was never applied`);
}

/** Waits (bounded) until `id`'s configuration reads `expected`. */
async function awaitConfig(cluster: RaftCluster, id: NodeId, expected: string): Promise<void> {
  for (let poll = 0; poll < 200; poll++) {
    const status = cluster.nodes[id]?.status();
    if (status !== undefined && describeConfig(status.config) === expected) return;
    await cluster.sleep(25);
  }
  const actual = cluster.nodes[id]?.status().config;
  throw new Error(`node ${id} config is ${actual && describeConfig(actual)}, not ${expected}`);
}

const learner = (nodeId: NodeId): ConfChange => ({ changes: [{ type: 'addLearner', nodeId }] });
const voter = (nodeId: NodeId): ConfChange => ({ changes: [{ type: 'addVoter', nodeId }] });
const removal = (nodeId: NodeId): ConfChange => ({ changes: [{ type: 'remove', nodeId }] });

describe('membership (etcd-io/raft behaviours as facts)', () => {
  it('a new node joins as a learner, receives the whole log, and never counts toward commit', async () => {
    await scenario(
      'learner catches up but does not count',
      { ...joining, serverCount: 4, bootstrapCount: 3 },
      async (cfg) => {
        await cfg.one(101, 3, true);
        await changeConfig(cfg, learner(3));
        const index = await cfg.one(102, 4, true);
        expect(cfg.applied.logs[3]!.get(index)).toBe(102);
        // With two of the three voters down, the leader and the learner are not a quorum.
        const leader = await cfg.checkOneLeader();
        const down = [0, 1, 2].filter((id) => id !== leader).slice(0, 2);
        for (const id of down) cfg.crash1(id);
        const start = cfg.start(leader, 103);
        await cfg.sleep(2000);
        expect(start.isLeader).toBe(true);
        expect(cfg.nCommitted(start.index).count).toBe(0);
      },
    );
  });

  it('a promoted learner is a voter: it keeps a quorum when an original voter is down', async () => {
    await scenario(
      'promoted learner keeps quorum',
      { ...joining, serverCount: 4, bootstrapCount: 3 },
      async (cfg) => {
        await changeConfig(cfg, learner(3));
        await changeConfig(cfg, voter(3));
        await awaitConfig(cfg, 3, 'voters=(0 1 2 3)');
        const leader = await cfg.checkOneLeader();
        cfg.crash1((leader + 1) % 3);
        await cfg.one(201, 3, true);
      },
    );
  });

  it('a removed leader steps down once the removal is applied, and the rest go on', async () => {
    await scenario('removed leader steps down', { ...joining, serverCount: 3 }, async (cfg) => {
      await cfg.one(301, 3, true);
      const leader = await cfg.checkOneLeader();
      const node = cfg.nodes[leader]!;
      const result = node.proposeConfChange(removal(leader));
      expect(result.ok).toBe(true);
      const rest = [0, 1, 2].filter((id) => id !== leader);
      for (const id of rest) await awaitConfig(cfg, id, `voters=(${rest.join(' ')})`);
      expect(node.status().role).not.toBe('leader');
      const next = await cfg.checkOneLeader();
      expect(rest).toContain(next);
      // The removed node never campaigns again, so the new leader's term stays put.
      const term = cfg.getState(next).term;
      await cfg.sleep(3000);
      expect(cfg.getState(next)).toEqual({ term, isLeader: true });
    });
  });

  it('joint consensus replaces a voter while another voter is down (both halves have majorities)', async () => {
    await scenario(
      'joint replace with a voter down',
      { ...joining, serverCount: 4, bootstrapCount: 3 },
      async (cfg) => {
        await changeConfig(cfg, learner(3));
        const leader = await cfg.checkOneLeader();
        const [a, b] = [0, 1, 2].filter((id) => id !== leader) as [NodeId, NodeId];
        cfg.crash1(b);
        await changeConfig(cfg, {
          changes: [
            { type: 'addVoter', nodeId: 3 },
            { type: 'remove', nodeId: a },
          ],
        });
        // Auto-leave: the joint state is left without being asked.
        const expected = `voters=(${[leader, b, 3].sort().join(' ')})`;
        await awaitConfig(cfg, leader, expected);
        await cfg.one(401, 2, true);
      },
    );
  });

  it('a node added after compaction gets a snapshot that carries the configuration', async () => {
    await scenario(
      'snapshot carries the configuration',
      { ...joining, snapshot: true, serverCount: 4, bootstrapCount: 3 },
      async (cfg) => {
        for (let i = 0; i < 25; i++) await cfg.one(500 + i, 3, true);
        await changeConfig(cfg, learner(3));
        await awaitConfig(cfg, 3, 'voters=(0 1 2) learners=(3)');
        expect(cfg.nodes[3]!.status().snapshotIndex).toBeGreaterThan(0);
        await cfg.one(599, 4, true);
      },
    );
  });

  it('one change at a time: a second change is refused while the first is not applied', async () => {
    await scenario(
      'one change in flight',
      { ...joining, serverCount: 5, bootstrapCount: 3 },
      async (cfg) => {
        const leader = await cfg.checkOneLeader();
        cfg.disconnect(leader);
        const node = cfg.nodes[leader]!;
        expect(node.proposeConfChange(learner(3)).ok).toBe(true);
        expect(node.proposeConfChange(learner(4))).toMatchObject({
          ok: false,
          error: 'ChangeInProgress',
        });
        cfg.connect(leader);
      },
    );
  });

  it('a removed node cut off before it heard of its removal does not disrupt the cluster on return', async () => {
    await scenario('removed node does not disrupt', { ...joining, serverCount: 3 }, async (cfg) => {
      const leader = await cfg.checkOneLeader();
      const gone = (leader + 1) % 3;
      cfg.disconnect(gone);
      await changeConfig(cfg, removal(gone));
      const next = await cfg.checkOneLeader();
      const term = cfg.getState(next).term;
      cfg.connect(gone);
      await cfg.sleep(5000);
      expect(cfg.getState(next)).toEqual({ term, isLeader: true });
      await cfg.one(701, 2, true);
    });
  });

  it('every node is replaced one at a time (add learner, promote, remove) and the log survives', async () => {
    await scenario(
      'replace every node',
      { ...joining, serverCount: 6, bootstrapCount: 3 },
      async (cfg) => {
        const first = await cfg.one(801, 3, true);
        for (let k = 0; k < 3; k++) {
          await changeConfig(cfg, learner(3 + k));
          await changeConfig(cfg, voter(3 + k));
          await changeConfig(cfg, removal(k));
          await cfg.one(810 + k, 3, true);
        }
        for (let k = 0; k < 3; k++) cfg.crash1(k);
        const last = await cfg.one(899, 3, true);
        expect(describeConfig(cfg.nodes[3]!.status().config)).toBe('voters=(3 4 5)');
        expect(cfg.applied.logs[5]!.get(first)).toBe(801);
        expect(last).toBeGreaterThan(first);
      },
    );
  });
});
