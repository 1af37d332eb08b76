// Joint quorums (thesis §4.3): during joint consensus an election or a commit needs a majority of
// C_old and, separately, a majority of C_new. An empty half never blocks (it is how a simple
// configuration is a joint one with nothing outgoing), exactly as in etcd's JointConfig.
import type { LogIndex, NodeId } from '../types.ts';
import { committedIndex, tallyVotes, type VoteResult } from './majority.ts';

/** The two voter sets of a (possibly joint) configuration; `outgoing` is empty when not joint. */
export interface JointVoters {
  readonly incoming: readonly NodeId[];
  readonly outgoing: readonly NodeId[];
}

/** Counts votes in both halves: won only if both are won, lost if either is lost. */
export function jointVoteResult(
  voters: JointVoters,
  votes: ReadonlyMap<NodeId, boolean>,
): VoteResult {
  const incoming = halfVoteResult(voters.incoming, votes);
  const outgoing = halfVoteResult(voters.outgoing, votes);
  if (incoming === 'lost' || outgoing === 'lost') return 'lost';
  if (incoming === 'won' && outgoing === 'won') return 'won';
  return 'pending';
}

/** The highest index both halves' majorities have matched (`matchOf` gives each voter's match). */
export function jointCommittedIndex(
  voters: JointVoters,
  matchOf: (id: NodeId) => LogIndex,
): LogIndex {
  const incoming = halfCommittedIndex(voters.incoming, matchOf);
  const outgoing = halfCommittedIndex(voters.outgoing, matchOf);
  return Math.min(incoming, outgoing);
}

function halfVoteResult(voters: readonly NodeId[], votes: ReadonlyMap<NodeId, boolean>) {
  // An empty half has no say: it neither blocks a win nor causes a loss.
  if (voters.length === 0) return 'won';
  return tallyVotes(voters, votes);
}

function halfCommittedIndex(voters: readonly NodeId[], matchOf: (id: NodeId) => LogIndex) {
  if (voters.length === 0) return Number.POSITIVE_INFINITY;
  return committedIndex(voters.map(matchOf));
}
