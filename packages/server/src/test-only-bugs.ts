// TEST ONLY: the one way a real node runs with kv-service's deliberate bug switches, so the
// nemesis can prove it catches them. A node turns bugs on only when KVRAFT_TEST_ONLY_BUGS names
// them and KVRAFT_TEST_ONLY_GATE holds the gate phrase; a production start (no gate) that finds
// KVRAFT_TEST_ONLY_BUGS set refuses to start, rather than ignore it or quietly run broken.
import { KvServer, type KvServerOptions } from '@kvraft/kv-service';
import { createKvServerForTesting, type KvTestBugs } from '@kvraft/kv-service/testing';

/** The variable naming the bug switches to turn on (comma-separated). */
export const testOnlyBugsEnv = 'KVRAFT_TEST_ONLY_BUGS';
/** The variable that must hold `testOnlyGatePhrase` for bugs to be honoured. */
export const testOnlyGateEnv = 'KVRAFT_TEST_ONLY_GATE';
/** The gate phrase: long and explicit, so nobody sets it by accident. */
export const testOnlyGatePhrase = 'this-node-runs-deliberate-bugs-for-a-test';

/** The bug switches a node accepts: kv-service's, then raft-core's (through kv-service/testing). */
export const testOnlyBugNames = [
  'skipDuplicateDetection',
  'serveReadsLocally',
  'ackBeforeCommit',
  'snapshotWithoutSessions',
  'answerByIndexOnly',
  'readIndexWithoutQuorum',
  'commitEarlierTermByCount',
  'replyVoteBeforeSave',
  'installStaleSnapshot',
] as const satisfies ReadonlyArray<keyof KvTestBugs>;

/** A start refused because of the test-only variables. */
export class TestOnlyGateError extends Error {
  override readonly name = 'TestOnlyGateError';
}

/**
 * The bug switches `env` asks for: undefined when none (every production start), the switches
 * when the gate is open; throws TestOnlyGateError for bugs without the gate or unknown names.
 */
export function testOnlyBugs(
  env: Readonly<Record<string, string | undefined>>,
): KvTestBugs | undefined {
  if (
    env['KVRAFT_TEST_ONLY_DISK_FAULTS'] !== undefined &&
    env[testOnlyGateEnv] !== testOnlyGatePhrase
  ) {
    throw new TestOnlyGateError(
      `KVRAFT_TEST_ONLY_DISK_FAULTS is set but ${testOnlyGateEnv} is not: refusing to start`,
    );
  }
  const named = env[testOnlyBugsEnv];
  if (named === undefined || named === '') return undefined;
  if (env[testOnlyGateEnv] !== testOnlyGatePhrase) {
    throw new TestOnlyGateError(
      `${testOnlyBugsEnv} is set but ${testOnlyGateEnv} is not: refusing to start a node with test-only bugs`,
    );
  }
  const bugs: Record<string, boolean> = {};
  for (const name of named.split(',')) {
    if (!(testOnlyBugNames as readonly string[]).includes(name)) {
      throw new TestOnlyGateError(
        `${testOnlyBugsEnv}: unknown bug ${name}; known: ${testOnlyBugNames.join(', ')}`,
      );
    }
    bugs[name] = true;
  }
  return bugs as KvTestBugs;
}

/** Starts the KV service, with the test-only bugs of this process's environment if any. */
export function startKvService(options: KvServerOptions): Promise<KvServer> {
  const bugs = testOnlyBugs(process.env);
  return bugs === undefined ? KvServer.start(options) : createKvServerForTesting(options, bugs);
}
