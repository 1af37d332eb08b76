// The configuration tracker, beside the progress tracker (etcd's tracker.Config in our words): the
// active configuration, where in the log it came from, and the configurations of every index still
// retained, so a snapshot at any applied index records the configuration in force there.
// Invariant: history is sorted by index, history[0] is the configuration at the snapshot (or the
// bootstrap one at 0), and `config` is the last item: the configuration at the applied index.
import { assert } from '../assert.ts';
import { type JointVoters, jointCommittedIndex, jointVoteResult } from '../quorum/joint.ts';
import type { VoteResult } from '../quorum/majority.ts';
import type { LogIndex, NodeId } from '../types.ts';
import { assertConfigShape, type ConfigState, isVoterIn, memberIds } from './config.ts';

interface ConfigAtIndex {
  readonly index: LogIndex;
  readonly config: ConfigState;
}

/** The active configuration of one node and its quorum arithmetic. */
export class ConfigTracker {
  private history: ConfigAtIndex[];

  /** Starts from `config`, in force from `index` (a snapshot's index, or 0 for the bootstrap). */
  constructor(config: ConfigState, index: LogIndex) {
    assertConfigShape(config);
    this.history = [{ index, config }];
  }

  /** The configuration in force at the applied index. */
  get config(): ConfigState {
    return this.history[this.history.length - 1]!.config;
  }

  /** The index of the entry (or snapshot) the active configuration came from; 0 for bootstrap. */
  get configIndex(): LogIndex {
    return this.history[this.history.length - 1]!.index;
  }

  /** Both voter halves of the active configuration. */
  voters(): JointVoters {
    return { incoming: this.config.voters, outgoing: this.config.outgoingVoters };
  }

  /** Whether `id` votes in either half (so may campaign and counts toward quorums). */
  isVoter(id: NodeId): boolean {
    return isVoterIn(this.config, id);
  }

  /** Whether `id` is a voter of the incoming configuration (a valid transfer target). */
  isIncomingVoter(id: NodeId): boolean {
    return this.config.voters.includes(id);
  }

  /** Every member (voters of both halves and learners): whom a leader replicates to. */
  members(): NodeId[] {
    return memberIds(this.config);
  }

  /** Whether the active configuration has no member but `id` (a single-node cluster). */
  isOnlyMember(id: NodeId): boolean {
    const members = this.members();
    return members.length === 1 && members[0] === id;
  }

  /** Tallies votes with joint quorums (thesis §4.3): both halves must be won. */
  voteResult(votes: ReadonlyMap<NodeId, boolean>): VoteResult {
    return jointVoteResult(this.voters(), votes);
  }

  /** Whether `ids` hold a quorum of the active configuration (CheckQuorum, ReadIndex). */
  hasQuorum(ids: ReadonlySet<NodeId>): boolean {
    const votes = new Map<NodeId, boolean>();
    for (const id of ids) votes.set(id, true);
    return this.voteResult(votes) === 'won';
  }

  /** The highest index a quorum has matched, by `matchOf` per voter (Raft §5.4.2, joint). */
  committedIndex(matchOf: (id: NodeId) => LogIndex): LogIndex {
    assert(this.config.voters.length > 0, 'committedIndex without voters');
    return jointCommittedIndex(this.voters(), matchOf);
  }

  /** Makes `config`, from the entry at `index`, the active configuration. */
  apply(index: LogIndex, config: ConfigState): void {
    assert(index > this.configIndex, `config at ${index} is not after ${this.configIndex}`);
    assertConfigShape(config);
    this.history.push({ index, config });
  }

  /** Returns the configuration in force at `index` (at or after the oldest retained one). */
  configAt(index: LogIndex): ConfigState {
    assert(index >= this.history[0]!.index, `config at ${index} is compacted away`);
    let found = this.history[0]!;
    for (const item of this.history) if (item.index <= index) found = item;
    return found.config;
  }

  /** Forgets the configurations before `index` once the log is compacted there. */
  compact(index: LogIndex): void {
    const kept = this.history.filter((item) => item.index > index);
    this.history = [{ index, config: this.configAt(index) }, ...kept];
  }

  /** Replaces everything with a snapshot's configuration (Raft §7, thesis §4.3). */
  restore(index: LogIndex, config: ConfigState): void {
    assertConfigShape(config);
    this.history = [{ index, config }];
  }
}
