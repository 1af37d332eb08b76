// Goal: peer links follow the applied configurations (thesis §4.3): an added member with an
// address gets a link, a member dropped from the configuration loses it, bootstrap members
// without an address keep their --peers link, and this node's removal is reported exactly once,
// and only after a configuration listed it (a joining node replays older ones first). Method:
// PeerMembership over a recording fake of the links.
import type { MemberList } from '@kvraft/kv-service';
import { type Endpoint, silentLogger } from '@kvraft/transport';
import { describe, expect, it } from 'vitest';
import { PeerMembership } from '../src/peer-membership.ts';

function fakeLinks(initial: [number, Endpoint][]) {
  const links = new Map(initial);
  return {
    links,
    addPeer: (id: number, endpoint: Endpoint) => void links.set(id, endpoint),
    removePeer: (id: number) => void links.delete(id),
    peerEndpoints: () => new Map(links),
  };
}

const list = (configIndex: number, members: [number, string, 'voter' | 'learner'][]) =>
  ({
    configIndex,
    joint: false,
    members: members.map(([id, address, role]) => ({ id, address, role })),
  }) satisfies MemberList;

describe('PeerMembership', () => {
  it('adds, keeps and removes links as configurations apply, and reports removal once', () => {
    const e = (port: number) => ({ host: '127.0.0.1', port });
    const links = fakeLinks([
      [1, e(7001)],
      [2, e(7002)],
    ]);
    let removals = 0;
    const membership = new PeerMembership(3, links, silentLogger, () => removals++);
    // A joining node 3 replays a configuration from before it was added: no removal.
    membership.apply(
      list(1, [
        [1, '', 'voter'],
        [2, '', 'voter'],
      ]),
    );
    expect(removals).toBe(0);
    membership.apply(
      list(2, [
        [1, '', 'voter'],
        [2, '', 'voter'],
        [3, '127.0.0.1:7003', 'learner'],
        [4, '127.0.0.1:7004', 'learner'],
      ]),
    );
    expect([...links.links.keys()].sort()).toEqual([1, 2, 4]);
    membership.apply(
      list(3, [
        [2, '', 'voter'],
        [3, '127.0.0.1:7003', 'voter'],
        [4, '127.0.0.1:7004', 'voter'],
      ]),
    );
    expect([...links.links.keys()].sort()).toEqual([2, 4]);
    expect(removals).toBe(0);
    const without = list(4, [
      [2, '', 'voter'],
      [4, '127.0.0.1:7004', 'voter'],
    ]);
    membership.apply(without);
    membership.apply(without);
    expect(removals).toBe(1);
  });

  it('ignores an empty configuration (a joining node before its first one)', () => {
    const links = fakeLinks([[1, { host: '127.0.0.1', port: 7001 }]]);
    const membership = new PeerMembership(2, links, silentLogger, () => {
      throw new Error('not removed');
    });
    membership.apply(list(0, []));
    expect([...links.links.keys()]).toEqual([1]);
  });
});
