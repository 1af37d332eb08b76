// TEST ONLY: deliberate Raft bugs that prove the simulator's checks can fail. A node turns one on
// only through the symbol-keyed option `raftBugsKey`, which the package root never exports: it is
// reachable from `@kvraft/raft-core/testing` alone, so no production start can set it. Every
// switch keeps the core pure and deterministic, and every assertion stays on.
import type { RaftOptions } from './options.ts';

/** TEST ONLY: the deliberate bugs a Raft node can run with (all off when absent). */
export interface RaftBugs {
  /**
   * A leader answers ReadIndex at once with its commit index, without the heartbeat round that
   * confirms it still leads (thesis §6.4 steps 1–3), so a deposed leader serves stale reads.
   */
  readonly readIndexWithoutQuorum?: boolean;
  /**
   * A leader commits an earlier term's entry once a majority stores it, without the current-term
   * check of Raft §5.4.2 (the Figure 8 bug): a later leader may overwrite it.
   */
  readonly commitEarlierTermByCount?: boolean;
  /**
   * A vote (RequestVoteReply) leaves before the term and vote it grants are durable (Raft §5.2,
   * Figure 2 "before responding to RPCs"): a crash forgets the vote, and it may vote twice.
   */
  readonly replyVoteBeforeSave?: boolean;
  /**
   * A follower hands an InstallSnapshot it already covers (index at or below its commit index) to
   * the state machine anyway and rewinds its applied index to it (Raft §7 says discard it), so
   * the entries after that snapshot are applied twice over newer state.
   */
  readonly installStaleSnapshot?: boolean;
}

/** TEST ONLY: the option key under which a node's RaftBugs travel in RaftOptions. */
export const raftBugsKey: unique symbol = Symbol('kvraft.raftBugs');

/** No bugs: what every production node runs with. */
export const noRaftBugs: RaftBugs = Object.freeze({});

/** The bugs `options` asks for (none unless a testing entry set `raftBugsKey`). */
export function raftBugsOf(options: RaftOptions): RaftBugs {
  return options[raftBugsKey] ?? noRaftBugs;
}
