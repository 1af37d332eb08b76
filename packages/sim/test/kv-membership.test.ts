// Goal: KvServer's membership API end to end on a simulated KV cluster: every typed refusal
// (not leader with a hint, unknown member, already a member, learner not caught up, change in
// progress, removing the last voter), a node replaced under client load with the history still
// linearizable, and the new member's address in every replica's member list. Method: a kv
// scenario (virtual time, recorded clerks, the checker at the end) with one server that starts
// outside the bootstrap configuration.
import type { MemberChange, MemberChangeReply } from '@kvraft/kv-service';
import type { NodeId } from '@kvraft/raft-core';
import { describe, expect, it } from 'vitest';
import type { KvCluster } from '../src/index.ts';
import { kvScenario } from './kv-support.ts';

const options = { unreliable: false, maxraftstate: -1, serverCount: 4, bootstrapCount: 3 };

/** Asks the current leader for `change`, retrying while there is none or it is busy. */
async function change(cfg: KvCluster, request: MemberChange): Promise<MemberChangeReply> {
  let reply: MemberChangeReply = { ok: false, error: 'NotLeader' };
  for (let attempt = 0; attempt < 50; attempt++) {
    const leader = cfg.leader();
    if (leader !== null) {
      reply = await cfg.servers[leader]!.changeMembership(request);
      if (reply.ok || !['NotLeader', 'ChangeInProgress', 'Timeout'].includes(reply.error)) {
        return reply;
      }
    }
    await cfg.sleep(100);
  }
  return reply;
}

async function awaitLeader(cfg: KvCluster): Promise<NodeId> {
  for (let attempt = 0; attempt < 100; attempt++) {
    const leader = cfg.leader();
    if (leader !== null) return leader;
    await cfg.sleep(50);
  }
  throw new Error('no leader');
}

describe('KvServer membership', () => {
  it('answers every refusal with its typed reason', async () => {
    await kvScenario('membership refusals', options, async (cfg) => {
      const clerk = cfg.makeClerk();
      await clerk.mustPut('k', 'v');
      const leader = await awaitLeader(cfg);
      const follower = (leader + 1) % 3;
      expect(await cfg.servers[follower]!.changeMembership({ kind: 'remove', id: 3 })).toEqual({
        ok: false,
        error: 'NotLeader',
        leaderHint: leader,
      });
      const server = cfg.servers[leader]!;
      expect(await server.changeMembership({ kind: 'remove', id: 9 })).toMatchObject({
        error: 'UnknownMember',
      });
      expect(await server.changeMembership({ kind: 'promote', id: 9 })).toMatchObject({
        error: 'UnknownMember',
      });
      expect(
        await server.changeMembership({ kind: 'addLearner', id: follower, address: 'x' }),
      ).toMatchObject({ error: 'AlreadyMember' });
      expect(
        await server.changeMembership({ kind: 'addLearner', id: 3, address: '' }),
      ).toMatchObject({ error: 'BadRequest' });
      // While the learner is cut off, it falls behind, and promoting it is refused.
      cfg.partition([0, 1, 2], [3]);
      const added = await change(cfg, { kind: 'addLearner', id: 3, address: 'sim-3' });
      expect(added.ok).toBe(true);
      for (let i = 0; i < 80; i++) await clerk.mustPut('k', `v${i}`);
      expect(await change(cfg, { kind: 'promote', id: 3 })).toMatchObject({
        error: 'LearnerNotCaughtUp',
      });
      cfg.connectAll();
    });
  });

  it('refuses a second change while the first waits, and never removes the last voter', async () => {
    await kvScenario(
      'membership one at a time',
      { ...options, serverCount: 2, bootstrapCount: 1 },
      async (cfg) => {
        const leader = await awaitLeader(cfg);
        expect(leader).toBe(0);
        const server = cfg.servers[0]!;
        expect(await server.changeMembership({ kind: 'remove', id: 0 })).toMatchObject({
          error: 'RemovesLastVoter',
        });
        const first = server.changeMembership({ kind: 'addLearner', id: 1, address: 'sim-1' });
        // Checked against the applied configuration, which does not hold the learner yet.
        const second = await server.changeMembership({ kind: 'promote', id: 1 });
        expect(second).toMatchObject({ error: 'UnknownMember' });
        const third = await server.changeMembership({ kind: 'remove', id: 0 });
        expect(third).toMatchObject({ error: 'ChangeInProgress' });
        expect((await first).ok).toBe(true);
        // Once it is applied, the same removal is refused for what it would do.
        const fourth = await server.changeMembership({ kind: 'remove', id: 0 });
        expect(fourth).toMatchObject({ error: 'RemovesLastVoter' });
      },
    );
  });

  it('replaces a node under client load and every replica lists the new address', async () => {
    await kvScenario('membership replace a node', options, async (cfg) => {
      const clerk = cfg.makeClerk();
      await clerk.mustPut('a', '1');
      expect((await change(cfg, { kind: 'addLearner', id: 3, address: 'sim-3' })).ok).toBe(true);
      await clerk.mustAppend('a', '2');
      const promoted = await change(cfg, { kind: 'promote', id: 3 });
      expect(promoted.ok && promoted.members.members.find((m) => m.id === 3)?.role).toBe('voter');
      const removed = await change(cfg, { kind: 'remove', id: 0 });
      expect(removed.ok).toBe(true);
      cfg.shutdownServer(0);
      await clerk.mustAppend('a', '3');
      expect(await clerk.mustGet('a')).toBe('123');
      for (const id of [1, 2, 3]) {
        expect(cfg.servers[id]?.members()?.members).toEqual([
          { id: 1, address: 'sim-1', role: 'voter' },
          { id: 2, address: 'sim-2', role: 'voter' },
          { id: 3, address: 'sim-3', role: 'voter' },
        ]);
      }
    });
  });
});
