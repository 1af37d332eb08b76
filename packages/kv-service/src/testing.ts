// TEST ONLY entry point (`@kvraft/kv-service/testing`): starts a KvServer with deliberate bug
// switches so tests can prove the checkers catch them. Production code and CLIs import only the
// package root, which never exposes a way to turn a bug on.
import { type KvServer, type KvServerBugs, startKvServerWithBugs } from './kv-server.ts';
import type { KvServerOptions } from './options.ts';

export type { KvServerBugs } from './kv-server.ts';

/** Starts a KvServer with the given bug switches on (all off when omitted). */
export function createKvServerForTesting(
  options: KvServerOptions,
  bugs: KvServerBugs = {},
): Promise<KvServer> {
  return startKvServerWithBugs(options, bugs);
}
