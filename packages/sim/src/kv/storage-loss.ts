// The schedule that loses acknowledged writes in plain Raft: stop follower A; append
// 25 items through the other two; stop both; wipe B's store (a flipped record found at open, or
// a deleted store); start A and B. B, trusting its empty store, votes for A, whose log lacks the
// 25 appends, and once the old leader returns its log is overwritten by A's. With the ack
// watermark B knows it lost what it acknowledged and withholds its vote until it has caught up
// (Alagappan et al., "Protocol-Aware Recovery for Consensus-Based Storage", FAST 2018), so no
// leader exists until the old leader is back, and it holds every append (Raft §5.4.1).
import { AssertionError, type NodeId } from '@kvraft/raft-core';
import { appendItem, checkClientAppends } from './append-checks.ts';
import type { KvCluster } from './kv-cluster.ts';
import { kvTiming } from './kv-timing.ts';

/** What the schedule observed before its final check. */
export interface WipedVoterOutcome {
  /** The node stopped first, that missed the appends (A). */
  readonly lagging: NodeId;
  /** The node whose store was wiped (B). */
  readonly wiped: NodeId;
  /** The leader while only A and B ran, or null when none was elected. */
  readonly leaderWithoutData: NodeId | null;
  /** Whether B's storage protection found the loss at boot. */
  readonly lossDetected: boolean;
}

/** The schedule's append count (the 25). */
export const wipedVoterAppends = 25;

/**
 * Runs the schedule on a 3-server cluster, then reads the key with every server up and throws
 * AssertionError if any acknowledged append is missing; `observe` sees what happened first.
 */
export async function wipedVoterSchedule(
  cfg: KvCluster,
  observe: (outcome: WipedVoterOutcome) => void = () => {},
): Promise<void> {
  if (cfg.n !== 3) throw new AssertionError('wipedVoterSchedule: needs 3 servers');
  const leader = await awaitLeader(cfg);
  const [lagging, wiped] = cfg.all().filter((i) => i !== leader) as [NodeId, NodeId];
  cfg.shutdownServer(lagging);
  const ck = cfg.makeClerk();
  for (let j = 0; j < wipedVoterAppends; j++) await ck.mustAppend('k', appendItem(0, j));
  cfg.shutdownServer(leader);
  cfg.shutdownServer(wiped);
  await cfg.damageStore(wiped, { kind: 'wipe' });
  const lossesBefore = cfg.detectedLosses.length;
  await cfg.startServer(lagging);
  await cfg.startServer(wiped);
  cfg.connectAll();
  await cfg.sleep(5 * kvTiming.electionTimeoutMs);
  observe({
    lagging,
    wiped,
    leaderWithoutData: cfg.leader(),
    lossDetected: cfg.detectedLosses.slice(lossesBefore).some((loss) => loss.node === wiped),
  });
  await cfg.startServer(leader);
  cfg.connectAll();
  const value = await ck.mustGet('k');
  checkClientAppends(0, value, wipedVoterAppends);
}

async function awaitLeader(cfg: KvCluster): Promise<NodeId> {
  for (let waitedMs = 0; waitedMs < 10 * kvTiming.electionTimeoutMs; waitedMs += 50) {
    const leader = cfg.leader();
    if (leader !== null) return leader;
    await cfg.sleep(50);
  }
  throw new AssertionError('wipedVoterSchedule: no leader elected');
}
