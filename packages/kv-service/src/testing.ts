// TEST ONLY entry point (`@kvraft/kv-service/testing`): starts a KvServer with deliberate bug
// switches so tests can prove the checkers catch them. Production code and CLIs import only the
// package root, which never exposes a way to turn a bug on. The switches are the server's own
// (KvServerBugs) and raft-core's (RaftBugs), which reach the node's Raft options only from here,
// through raft-core's testing entry.
import { type RaftBugs, raftBugNames, withRaftBugs } from '@kvraft/raft-core/testing/bugs';
import { type KvServer, type KvServerBugs, startKvServerWithBugs } from './kv-server.ts';
import type { KvServerOptions } from './options.ts';

export type { KvServerBugs } from './kv-server.ts';

/** The bug switches a test may turn on: the server's and its Raft node's. */
export type KvTestBugs = KvServerBugs & RaftBugs;

/** Starts a KvServer with the given bug switches on (all off when omitted). */
export function createKvServerForTesting(
  options: KvServerOptions,
  bugs: KvTestBugs = {},
): Promise<KvServer> {
  const raftBugs: Record<string, boolean> = {};
  for (const name of raftBugNames) if (bugs[name] === true) raftBugs[name] = true;
  if (Object.keys(raftBugs).length === 0) return startKvServerWithBugs(options, bugs);
  const raft = withRaftBugs({ ...options.raft }, raftBugs as RaftBugs);
  return startKvServerWithBugs({ ...options, raft }, bugs);
}
