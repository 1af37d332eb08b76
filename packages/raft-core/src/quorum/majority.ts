// Majority arithmetic (Raft §5.2, §5.4): vote tallies and the highest index a majority holds.
// Pure functions over plain maps, table-tested in test/quorum.test.ts.
import type { LogIndex, NodeId } from '../types.ts';

/** The outcome of counting votes so far. */
export type VoteResult = 'won' | 'lost' | 'pending';

/** Returns how many voters make a majority of `voterCount`. */
export function quorumSize(voterCount: number): number {
  return Math.floor(voterCount / 2) + 1;
}

/** Counts granted and rejected votes among `voters`. */
export function tallyVotes(
  voters: readonly NodeId[],
  votes: ReadonlyMap<NodeId, boolean>,
): VoteResult {
  let granted = 0;
  let rejected = 0;
  for (const voter of voters) {
    const vote = votes.get(voter);
    if (vote === true) granted++;
    if (vote === false) rejected++;
  }
  const quorum = quorumSize(voters.length);
  if (granted >= quorum) return 'won';
  if (rejected > voters.length - quorum) return 'lost';
  return 'pending';
}

/** Returns the highest index that a majority of voters have matched. */
export function committedIndex(matchIndexes: readonly LogIndex[]): LogIndex {
  if (matchIndexes.length === 0) return 0;
  const sorted = [...matchIndexes].sort((a, b) => b - a);
  return sorted[quorumSize(sorted.length) - 1]!;
}
