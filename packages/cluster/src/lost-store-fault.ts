// The storage-loss election (after "Protocol-Aware Recovery for
// Consensus-Based Storage", FAST 2018): stop a minority of followers (A), let the leader and the
// other followers (B) acknowledge writes without them, stop B and the leader, delete B's stores,
// and start A and B. Plain Raft lets A win with B's votes, and every write since A stopped is
// lost; a node that knows it lost acknowledged state must withhold its vote until the leader,
// which returns when the step ends, has caught it up.
import type { ClusterControl } from './cluster-control.ts';

/** The nodes the step took down, and how to run and undo it (a run-schedule AppliedFault). */
export interface LostStorePlan {
  readonly detail: string;
  readonly nodes: readonly number[];
  readonly hold: () => Promise<void>;
  readonly undo: () => Promise<void>;
}

/**
 * Plans the step on the current leader, or returns undefined when no node leads. `random`
 * picks which followers are A; the step lasts `durationMs`, half with A down, half without the
 * leader.
 */
export async function planLostStore(
  ctl: ClusterControl,
  durationMs: number,
  random: () => number,
  note: (detail: string) => void,
): Promise<LostStorePlan | undefined> {
  const leader = await ctl.leader();
  if (leader === undefined) return undefined;
  const followers = ctl.nodes().filter((n) => n !== leader);
  const shuffled = [...followers].sort(() => random() - 0.5);
  const stale = shuffled.slice(0, Math.floor((ctl.nodes().length - 1) / 2));
  const wiped = shuffled.slice(stale.length);
  const hold = async () => {
    for (const id of stale) await ctl.kill(id);
    await ctl.sleep(durationMs / 2);
    for (const id of [...wiped, leader]) await ctl.kill(id);
    for (const id of wiped) {
      const outcome = await ctl.damageDisk(id, 'delete-store');
      note(outcome.applied ? outcome.detail : `node ${id}: ${outcome.reason}`);
    }
    for (const id of [...stale, ...wiped]) await ctl.start(id);
    await ctl.sleep(durationMs / 2);
  };
  return {
    detail: `stale ${stale.join(',')}, store deleted on ${wiped.join(',')}, leader ${leader} away for the second half`,
    nodes: ctl.nodes(),
    hold,
    undo: async () => {
      for (const id of ctl.nodes()) await ctl.start(id);
    },
  };
}
