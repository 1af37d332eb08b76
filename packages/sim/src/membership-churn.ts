// Membership churn for the swarm (thesis §4.3): the nemesis asks the current leader for one random
// change that keeps the cluster usable — add a non-member as a learner, promote a learner, remove
// a voter (the leader included) or a learner, replace a voter through joint consensus, or leave an
// explicit joint state. Refusals (change in progress, learner not caught up) are expected outcomes.
import {
  type ConfChange,
  type ConfChangeResult,
  type ConfigState,
  isJoint,
  memberIds,
  type NodeId,
  type Prng,
} from '@kvraft/raft-core';
import type { RaftCluster } from './raft-cluster.ts';

/** The fewest voters churn leaves in place, so a single crash cannot stop the cluster for good. */
export const churnVotersMin = 2;

/** The live leader of the highest term, or undefined when there is none. */
export function currentLeader(cluster: RaftCluster): NodeId | undefined {
  let best: { id: NodeId; term: number } | undefined;
  for (let i = 0; i < cluster.n; i++) {
    const status = cluster.nodes[i]?.status();
    if (status?.role !== 'leader') continue;
    if (best === undefined || status.term > best.term) best = { id: i, term: status.term };
  }
  return best?.id;
}

/** Proposes one random membership change at the leader; null when there is no leader. */
export function proposeChurn(cluster: RaftCluster, random: Prng): ConfChangeResult | null {
  const leader = currentLeader(cluster);
  if (leader === undefined) return null;
  const node = cluster.nodes[leader]!;
  const change = drawChange(cluster.n, node.status().config, random);
  return change === null ? null : node.proposeConfChange(change);
}

function drawChange(serverCount: number, config: ConfigState, random: Prng): ConfChange | null {
  if (isJoint(config)) return config.autoLeave ? null : { changes: [] };
  const members = memberIds(config);
  const outsiders = range(serverCount).filter((id) => !members.includes(id));
  const { voters, learners } = config;
  const pick = (ids: readonly NodeId[]) => ids[random.nextInt(ids.length)]!;
  const choices: Array<() => ConfChange> = [];
  if (outsiders.length > 0) {
    choices.push(() => ({ changes: [{ type: 'addLearner', nodeId: pick(outsiders) }] }));
  }
  if (learners.length > 0) {
    choices.push(() => ({ changes: [{ type: 'addVoter', nodeId: pick(learners) }] }));
    choices.push(() => ({ changes: [{ type: 'remove', nodeId: pick(learners) }] }));
  }
  if (voters.length > churnVotersMin) {
    choices.push(() => ({ changes: [{ type: 'remove', nodeId: pick(voters) }] }));
  }
  if (learners.length > 0 && voters.length >= churnVotersMin) {
    const transitions = ['auto', 'joint-implicit', 'joint-explicit'] as const;
    choices.push(() => ({
      changes: [
        { type: 'addVoter', nodeId: pick(learners) },
        { type: 'remove', nodeId: pick(voters) },
      ],
      transition: transitions[random.nextInt(transitions.length)]!,
    }));
  }
  if (choices.length === 0) return null;
  return choices[random.nextInt(choices.length)]!();
}

/** The configuration of the live node that has applied the most (they agree per index). */
export function latestConfig(cluster: RaftCluster): ConfigState | null {
  let best: { applied: number; config: ConfigState } | null = null;
  for (const node of cluster.nodes) {
    const status = node?.status();
    if (status === undefined) continue;
    if (best === null || status.appliedIndex > best.applied) {
      best = { applied: status.appliedIndex, config: status.config };
    }
  }
  return best?.config ?? null;
}

function range(count: number): NodeId[] {
  return Array.from({ length: count }, (_, i) => i);
}
