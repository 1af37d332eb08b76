// Goal: kv-service's bug switches reach a real node only through the test-only gate: no
// variable means no bugs, bugs without the gate phrase are refused (a production start never
// runs broken), unknown names are refused, and the gate turns exactly the named switches on.
// Method: the pure gate function, and the compiled kvraft-server started with bugs but no gate,
// which must exit at once with the reason and without listening.
import { spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  TestOnlyGateError,
  testOnlyBugs,
  testOnlyGateEnv,
  testOnlyGatePhrase,
} from '../src/test-only-bugs.ts';

describe('testOnlyBugs', () => {
  it('turns nothing on without the variable', () => {
    expect(testOnlyBugs({})).toBeUndefined();
    expect(testOnlyBugs({ KVRAFT_TEST_ONLY_BUGS: '' })).toBeUndefined();
  });

  it('refuses bugs without the gate and unknown bug names', () => {
    expect(() => testOnlyBugs({ KVRAFT_TEST_ONLY_BUGS: 'ackBeforeCommit' })).toThrow(
      TestOnlyGateError,
    );
    const gate = { [testOnlyGateEnv]: testOnlyGatePhrase };
    expect(() => testOnlyBugs({ ...gate, KVRAFT_TEST_ONLY_BUGS: 'fly' })).toThrow(
      /unknown bug fly/,
    );
  });

  it('turns on exactly the named switches when the gate is open', () => {
    const env = {
      [testOnlyGateEnv]: testOnlyGatePhrase,
      KVRAFT_TEST_ONLY_BUGS: 'ackBeforeCommit,serveReadsLocally',
    };
    expect(testOnlyBugs(env)).toEqual({ ackBeforeCommit: true, serveReadsLocally: true });
  });

  it('makes a production kvraft-server refuse to start with bugs and no gate', () => {
    const entry = join(import.meta.dirname, '..', 'dist', 'cli', 'main.js');
    const result = spawnSync(
      process.execPath,
      [
        entry,
        '--id',
        '1',
        '--listen',
        '127.0.0.1:1',
        '--peers',
        '1=127.0.0.1:1',
        '--persister',
        'memory',
        '--data-dir',
        join(tmpdir(), 'kvraft-gate-test-unused'),
      ],
      {
        encoding: 'utf8',
        timeout: 30_000,
        env: {
          ...process.env,
          KVRAFT_CLUSTER_SECRET: 's',
          KVRAFT_TEST_ONLY_BUGS: 'ackBeforeCommit',
        },
      },
    );
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/refusing to start a node with test-only bugs/);
  });
});
