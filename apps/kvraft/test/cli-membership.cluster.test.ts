// Goal: the compiled bin's `member` and `transfer-leader` commands parse their arguments, reach
// the leader through --servers, print the member table or JSON, and end with the documented
// exit codes: 0 done, 1 refused (with the reason), 2 no leader reachable. Method: a
// ProcessCluster of three memory-persister nodes on 127.0.0.1 and `node dist/main.js` children
// (build first); every child has a timeout.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ProcessCluster } from '@kvraft/cluster';
import type { MembersReport } from '@kvraft/transport';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const bin = join(dirname(fileURLToPath(import.meta.url)), '..', 'dist', 'main.js');
const dir = mkdtempSync(join(tmpdir(), 'kvraft-cli-member-'));
let cluster: ProcessCluster;

beforeAll(async () => {
  cluster = await ProcessCluster.start({ nodes: 3, persister: 'memory', dir, secret: 'cli' });
  expect(await cluster.waitForLeader(20_000)).toBeDefined();
}, 30_000);
afterAll(async () => {
  await cluster?.stop();
  rmSync(dir, { recursive: true, force: true });
});

function kvraft(servers: string, ...args: string[]) {
  const run = spawnSync(process.execPath, [bin, ...args, '--servers', servers], {
    encoding: 'utf8',
    timeout: 30_000,
  });
  return { code: run.status, out: run.stdout, err: run.stderr };
}

describe('kvraft member and transfer-leader (the bin)', () => {
  it('lists, refuses with reasons, removes, transfers, and exits 2 without a leader', () => {
    const servers = cluster.serversFlag();
    const list = kvraft(servers, 'member', 'list');
    expect(list.code, list.err).toBe(0);
    expect(list.out).toMatch(/^3 +127\.0\.0\.1:\d+ +voter +\d+$/m);
    const unknown = kvraft(servers, 'member', 'promote', '9');
    expect(unknown.code).toBe(1);
    expect(unknown.err).toContain('UnknownMember: no member has that id');
    const badId = kvraft(servers, 'member', 'remove', 'x');
    expect(badId.code).not.toBe(0);
    expect(kvraft(servers, 'member', 'remove', '3').code).toBe(0);
    expect(kvraft(servers, 'transfer-leader', '3').err).toContain('UnknownMember');
    const moved = kvraft(servers, 'transfer-leader', '2');
    expect(moved.code, moved.err).toBe(0);
    expect(moved.out).toContain('transfer-leader: node 2 leads');
    const json = kvraft(servers, 'member', 'list', '--json');
    const report = JSON.parse(json.out) as MembersReport;
    expect(report.leaderId).toBe(2);
    expect(report.members.map((m) => m.id)).toEqual([1, 2]);
    const nobody = kvraft('1=127.0.0.1:1', 'member', 'remove', '2', '--timeout-ms', '300');
    expect(nobody.code).toBe(2);
  }, 60_000);
});
