// TEST ONLY entry point (`@kvraft/raft-core/testing/bugs`, also re-exported by `/testing`): the
// deliberate Raft bug switches (bugs.ts) and a helper that sets them on Raft options, for the
// simulator's tests that prove their checks catch each one. It imports no test runner, so a
// simulator may load it; production code never imports it, so no production start sets a bug.
import { type RaftBugs, raftBugsKey } from '../bugs.ts';
import type { RaftOptions } from '../options.ts';

export { type RaftBugs, raftBugsKey } from '../bugs.ts';

/** Every Raft bug switch's name, in a fixed order (for gates, flags and reports). */
export const raftBugNames = [
  'readIndexWithoutQuorum',
  'commitEarlierTermByCount',
  'replyVoteBeforeSave',
  'installStaleSnapshot',
] as const satisfies ReadonlyArray<keyof RaftBugs>;

/** Returns a copy of `options` with the given bug switches on (`options` is not changed). */
export function withRaftBugs<T extends Partial<RaftOptions>>(options: T, bugs: RaftBugs): T {
  return { ...options, [raftBugsKey]: bugs };
}
