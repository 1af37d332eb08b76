// Goal: a node serves membership through the admin protocol (thesis §4.3): the member list with
// the leader's match index, a node started with `join` added as a learner, promoted and then
// serving as a voter, a removed node stopping by itself, leadership transferred (thesis §3.10),
// and every refusal typed (not leader with a hint, unknown member, learner as transfer target,
// removing the last voter). A data dir records that it joined and which cluster it belongs to.
// Method: nodes started in this process with startNode on 127.0.0.1 (memory persister, real
// TCP), driven through TcpClientTransport's admin calls; every wait is bounded.
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Endpoint, formatEndpoint, TcpClientTransport } from '@kvraft/transport';
import { afterEach, describe, expect, it } from 'vitest';
import { claimDataDir, DataDirIdentityError } from '../src/data-dir-identity.ts';
import { type KvNode, startNode } from '../src/start-node.ts';

const secret = 'membership test secret';
const nodes: KvNode[] = [];
const clients: TcpClientTransport[] = [];
afterEach(async () => {
  for (const client of clients.splice(0)) client.close();
  await Promise.all(nodes.splice(0).map((node) => node.stop()));
});

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return typeof address === 'object' && address !== null ? address.port : 0;
}

async function endpoints(count: number): Promise<Map<number, Endpoint>> {
  const map = new Map<number, Endpoint>();
  for (let id = 1; id <= count; id++) map.set(id, { host: '127.0.0.1', port: await freePort() });
  return map;
}

async function start(id: number, peers: Map<number, Endpoint>, join = false): Promise<KvNode> {
  const node = await startNode({ id, peers, clusterSecret: secret, persister: 'memory', join });
  nodes.push(node);
  return node;
}

function client(servers: Map<number, Endpoint>): TcpClientTransport {
  const transport = new TcpClientTransport({ servers });
  clients.push(transport);
  return transport;
}

async function until<T>(probe: () => T | undefined, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const value = probe();
    if (value !== undefined) return value;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error(`not reached within ${timeoutMs} ms`);
}

const leaderOf = (running: KvNode[]) => () => running.find((n) => n.status().role === 'leader')?.id;

describe('membership through the admin protocol', () => {
  it('adds a joining node as a learner, promotes it, removes the leader, and moves leadership', async () => {
    const peers = await endpoints(4);
    const first = new Map([...peers].filter(([id]) => id <= 3));
    const three = [await start(1, first), await start(2, first), await start(3, first)];
    const leader = await until(leaderOf(three));
    const admin = client(peers);
    const listed = await admin.admin(leader, { kind: 'members' }, 2000);
    expect(listed?.members.members.map((m) => [m.id, m.role])).toEqual([
      [1, 'voter'],
      [2, 'voter'],
      [3, 'voter'],
    ]);
    expect(listed?.members.members.every((m) => m.matchIndex !== null && m.address !== '')).toBe(
      true,
    );
    const fourth = await start(4, peers, true);
    expect(fourth.status().role).toBe('follower');
    const address = formatEndpoint(peers.get(4)!);
    const change = { kind: 'addLearner' as const, id: 4, address };
    const added = await admin.admin(leader, { kind: 'member-change', change }, 5000);
    expect(added?.outcome.ok, JSON.stringify(added)).toBe(true);
    await until(() =>
      fourth.status().appliedIndex >= three[0]!.status().commitIndex ? 1 : undefined,
    );
    const promote = { kind: 'promote' as const, id: 4 };
    const promoted = await admin.admin(leader, { kind: 'member-change', change: promote }, 5000);
    expect(promoted?.outcome.ok, JSON.stringify(promoted)).toBe(true);
    // The leader removes itself: it applies its own removal, hands over, and stops by itself.
    const old = three.find((n) => n.id === leader)!;
    const remove = { kind: 'remove' as const, id: leader };
    const removed = await admin.admin(leader, { kind: 'member-change', change: remove }, 5000);
    expect(removed?.outcome.ok, JSON.stringify(removed)).toBe(true);
    let stopped = false;
    void old.removed.then(() => {
      stopped = true;
    });
    await until(() => (stopped ? true : undefined));
    expect(await admin.admin(leader, { kind: 'status' }, 500)).toBeUndefined();
    const rest = three.filter((n) => n !== old).concat(fourth);
    const next = await until(leaderOf(rest));
    const target = next === 4 ? rest[0]!.id : 4;
    const moved = await admin.admin(next, { kind: 'transfer-leader', id: target }, 8000);
    expect(moved?.outcome, JSON.stringify(moved)).toEqual({ ok: true, leaderId: target });
    const after = await admin.admin(target, { kind: 'members' }, 2000);
    expect(after?.members.leaderId).toBe(target);
    expect(after?.members.members.map((m) => m.id)).toEqual(
      [1, 2, 3, 4].filter((id) => id !== leader),
    );
  }, 40_000);

  it('refuses with typed reasons: not leader (with hint), unknown member, learner target, last voter', async () => {
    const peers = await endpoints(2);
    const solo = new Map([[1, peers.get(1)!]]);
    await start(1, solo);
    await until(() => (nodes[0]!.status().role === 'leader' ? 1 : undefined));
    await start(2, peers, true);
    const admin = client(peers);
    const change = { kind: 'addLearner' as const, id: 2, address: formatEndpoint(peers.get(2)!) };
    expect((await admin.admin(1, { kind: 'member-change', change }, 5000))?.outcome.ok).toBe(true);
    const toLearner = await admin.admin(1, { kind: 'transfer-leader', id: 2 }, 2000);
    expect(toLearner?.outcome).toMatchObject({ ok: false, error: 'NotVoter' });
    const unknown = { kind: 'promote' as const, id: 9 };
    const unknownReply = await admin.admin(1, { kind: 'member-change', change: unknown }, 2000);
    expect(unknownReply?.outcome).toMatchObject({ ok: false, error: 'UnknownMember' });
    const last = { kind: 'remove' as const, id: 1 };
    const lastReply = await admin.admin(1, { kind: 'member-change', change: last }, 2000);
    expect(lastReply?.outcome).toMatchObject({ ok: false, error: 'RemovesLastVoter' });
    await until(() => (nodes[1]!.status().leaderId === 1 ? 1 : undefined));
    const atLearner = await admin.admin(2, { kind: 'member-change', change: unknown }, 2000);
    expect(atLearner?.outcome).toEqual({ ok: false, error: 'NotLeader', leaderHint: 1 });
    const transferAtLearner = await admin.admin(2, { kind: 'transfer-leader', id: 1 }, 2000);
    expect(transferAtLearner?.outcome).toEqual({ ok: false, error: 'NotLeader', leaderHint: 1 });
  }, 30_000);
});

describe('the data dir identity of a joining node', () => {
  it('records that it joined, keeps that on restart, and refuses another cluster', () => {
    const dir = mkdtempSync(join(tmpdir(), 'kvraft-identity-'));
    try {
      expect(claimDataDir(dir, { cluster: 'a', nodeId: 4, joined: true }).joined).toBe(true);
      expect(claimDataDir(dir, { cluster: 'a', nodeId: 4, joined: false }).joined).toBe(true);
      expect(() => claimDataDir(dir, { cluster: 'b', nodeId: 4 })).toThrow(DataDirIdentityError);
      const other = join(dir, 'other');
      expect(claimDataDir(other, { cluster: 'a', nodeId: 1 }).joined).toBe(false);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
