// Scripted Raft scenarios aimed at the planted bugs the swarm does not reach within 20 seeds:
// each builds the one interleaving its bug needs, with the seed choosing the timing. With the
// bug off each must pass (the safety it probes holds); RaftInvariants, on after every event,
// reports the violation when the bug is on.
import type { NodeId } from '@kvraft/raft-core';
import { faultsReliable, type RaftCluster } from '../../src/index.ts';

/** Polls `condition` every virtual millisecond for up to `timeoutMs`; returns whether it held. */
async function until(
  cfg: RaftCluster,
  condition: () => boolean,
  timeoutMs: number,
): Promise<boolean> {
  for (let waitedMs = 0; waitedMs < timeoutMs; waitedMs++) {
    if (condition()) return true;
    await cfg.sleep(1);
  }
  return condition();
}

function leaderAmong(cfg: RaftCluster, ids: readonly NodeId[]): NodeId | undefined {
  return ids.find((i) => cfg.nodes[i] !== null && cfg.getState(i).isLeader);
}

function holds(cfg: RaftCluster, i: NodeId, index: number): boolean {
  const node = cfg.nodes[i];
  return node !== null && node !== undefined && node.status().lastIndex >= index;
}

/**
 * Raft Figure 8 (§5.4.2) with our leader's no-op: A leads in T1 and stores e at index k on A and
 * B only; M leads in T2 (C, D voting) and stores its no-op at k on itself alone; A or B (L) leads
 * in T3 and re-replicates e, one entry per AppendEntries (appendBytesMax 1). The moment L's
 * commit index reaches k, L and its peer crash, before C and D hold L's no-op at k + 1; then M
 * returns and C and D elect it (its last term T2 beats their T1), so M overwrites index k.
 * Correct Raft commits k only with the no-op at k + 1 on a majority, so M can never win.
 */
export async function figure8Scenario(cfg: RaftCluster): Promise<void> {
  // Requests take 0–26 ms, so the script can act between a send and its delivery.
  cfg.network.setFaults({ ...faultsReliable, requestDelayMsMax: 26 });
  await cfg.one(cfg.random.nextUint32(), cfg.n, true);
  const a = await cfg.checkOneLeader();
  const [b, c, d, m] = [1, 2, 3, 4].map((k) => (a + k) % cfg.n) as [NodeId, NodeId, NodeId, NodeId];
  for (const i of [c, d, m]) cfg.disconnect(i);
  const k = cfg.start(a, cfg.random.nextUint32()).index;
  if (k !== -1) await until(cfg, () => holds(cfg, b, k), 200);
  cfg.crash1(a);
  cfg.crash1(b);
  for (const i of [c, d, m]) cfg.connect(i);
  const second = await electAlone(cfg, [c, d, m]);
  await restartAndConnect(cfg, [a, b]);
  const third = await until(cfg, () => leaderAmong(cfg, [a, b]) !== undefined, 5000);
  const l = leaderAmong(cfg, [a, b]);
  if (k !== -1 && second !== undefined && third && l !== undefined) {
    await until(cfg, () => (cfg.nodes[l]?.status().commitIndex ?? 0) >= k, 2000);
    cfg.crash1(a);
    cfg.crash1(b);
    await restartAndConnect(cfg, [second]);
    await cfg.sleep(2000);
  }
  await restartAndConnect(
    cfg,
    cfg.nodes.map((_, i) => i).filter((i) => cfg.nodes[i] === null),
  );
  cfg.network.setFaults(faultsReliable);
  await cfg.one(cfg.random.nextUint32(), cfg.n, true);
}

// Waits for a leader among `ids`, cuts its outgoing links before its no-op arrives anywhere, lets
// its own save finish, and crashes it: its no-op stays on its own log only. Returns the leader.
async function electAlone(cfg: RaftCluster, ids: readonly NodeId[]): Promise<NodeId | undefined> {
  if (!(await until(cfg, () => leaderAmong(cfg, ids) !== undefined, 5000))) return undefined;
  const m = leaderAmong(cfg, ids)!;
  for (let j = 0; j < cfg.n; j++) if (j !== m) cfg.network.setLink(m, j, false);
  await cfg.sleep(20);
  cfg.crash1(m);
  return m;
}

async function restartAndConnect(cfg: RaftCluster, ids: readonly NodeId[]): Promise<void> {
  for (const i of ids) {
    await cfg.start1(i);
    cfg.connect(i);
  }
}

/**
 * Votes against slow disks (Raft §5.2): three servers whose saves take up to 100 virtual ms
 * (PreVote and CheckQuorum off, so elections race), under rounds of random one-way link cuts
 * and a crash and quick restart of a random server. A vote must be durable before it is sent;
 * otherwise a voter that crashes before its save forgets it and may vote again in that term.
 */
export async function voteStormScenario(cfg: RaftCluster, rounds = 200): Promise<void> {
  const n = cfg.n;
  for (let round = 0; round < rounds; round++) {
    for (let from = 0; from < n; from++) {
      for (let to = 0; to < n; to++) {
        if (from !== to) cfg.network.setLink(from, to, cfg.random.nextInt(4) !== 0);
      }
    }
    await cfg.sleep(cfg.random.nextInt(300));
    const victim = cfg.random.nextInt(n);
    cfg.crash1(victim);
    await cfg.sleep(cfg.random.nextInt(20));
    await cfg.start1(victim);
    cfg.connect(victim);
  }
  for (let i = 0; i < n; i++) cfg.connect(i);
  await cfg.one(cfg.random.nextUint32(), n, true);
}
