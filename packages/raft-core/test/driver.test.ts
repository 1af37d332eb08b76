// Goal: the driver keeps the Ready contract: votes and acknowledgements leave only after the
// save they depend on is durable, a leader's AppendEntries may leave before its own save, and
// committed entries reach the service once, in order. Method: a RaftNode over hand-driven
// ports: a manual clock, a persister whose saves resolve when the test says, a capturing transport.
import {
  type AppendEntriesReply,
  type Clock,
  createPrng,
  emptyHardState,
  type Leadership,
  type Message,
  type PersistedState,
  type Persister,
  type PersistUpdate,
  RaftNode,
  type RequestVoteReply,
  type TimerHandle,
} from '@kvraft/raft-core';
import { describe, expect, it } from 'vitest';

class ManualClock implements Clock {
  private timers: { at: number; callback: () => void; cancelled: boolean }[] = [];
  private nowMs = 0;
  now(): number {
    return this.nowMs;
  }
  setTimer(delayMs: number, callback: () => void): TimerHandle {
    const timer = { at: this.nowMs + delayMs, callback, cancelled: false };
    this.timers.push(timer);
    return {
      cancel: () => {
        timer.cancelled = true;
      },
    };
  }
  advance(ms: number): void {
    const target = this.nowMs + ms;
    for (;;) {
      const due = this.timers
        .filter((t) => !t.cancelled && t.at <= target)
        .sort((a, b) => a.at - b.at)[0];
      if (due === undefined) break;
      this.nowMs = due.at;
      due.cancelled = true;
      due.callback();
    }
    this.nowMs = target;
  }
}

class GatedPersister implements Persister {
  readonly saves: PersistUpdate[] = [];
  private gates: (() => void)[] = [];
  async load(): Promise<PersistedState> {
    return { hardState: emptyHardState, snapshot: null, entries: [] };
  }
  save(update: PersistUpdate): Promise<void> {
    this.saves.push(update);
    return new Promise((resolve) => this.gates.push(resolve));
  }
  releaseAll(): void {
    for (const gate of this.gates.splice(0)) gate();
  }
  raftStateSize(): number {
    return 0;
  }
  snapshotSize(): number {
    return 0;
  }
  async close(): Promise<void> {}
}

const settle = () => new Promise((resolve) => setImmediate(resolve));

async function startNode(id: number, peers: number[]) {
  const clock = new ManualClock();
  const persister = new GatedPersister();
  const sent: Message[] = [];
  const applied: number[] = [];
  const leaderships: Leadership[] = [];
  const node = await RaftNode.start({
    id,
    peers,
    prng: createPrng(id),
    persister,
    clock,
    transport: { send: (messages) => sent.push(...messages) },
    apply: (m) => void (m.kind === 'entry' && applied.push(m.entry.index)),
    onLeadershipChange: (leadership) => leaderships.push(leadership),
  });
  return { node, clock, persister, sent, applied, leaderships };
}

/** Node 1 asks node 2 for its vote in term 1. */
const voteRequestFrom1: Message = {
  type: 'RequestVote',
  from: 1,
  to: 2,
  term: 1,
  preVote: false,
  lastLogIndex: 0,
  lastLogTerm: 0,
  transfer: false,
};

/** Makes node 1 leader: ticks until it asks for (pre)votes, then grants them from node 2. */
async function electLeader({
  node,
  clock,
  persister,
  sent,
}: Awaited<ReturnType<typeof startNode>>) {
  for (let i = 0; i < 200 && node.status().role !== 'leader'; i++) {
    clock.advance(10);
    persister.releaseAll();
    await settle();
    for (const m of sent.splice(0)) {
      if (m.type !== 'RequestVote' || m.to !== 2) continue;
      node.receive({ ...voteGrant, term: m.term, preVote: m.preVote });
    }
    persister.releaseAll();
    await settle();
  }
  expect(node.status().role).toBe('leader');
  persister.releaseAll();
  await settle();
  // Acknowledge the no-op so both followers leave probe state (one append in flight at most).
  for (const m of sent.splice(0)) {
    if (m.type !== 'AppendEntries') continue;
    const matchIndex = m.prevLogIndex + m.entries.length;
    node.receive({ ...appendAck, from: m.to, term: m.term, matchIndex });
  }
  for (let i = 0; i < 3; i++) {
    await settle();
    persister.releaseAll();
  }
  await settle();
}

const appendAck: AppendEntriesReply = {
  type: 'AppendEntriesReply',
  from: 2,
  to: 1,
  term: 1,
  success: true,
  matchIndex: 0,
  rejectedIndex: 0,
  conflictTerm: 0,
  conflictIndex: 0,
};

const voteGrant: RequestVoteReply = {
  type: 'RequestVoteReply',
  from: 2,
  to: 1,
  term: 1,
  preVote: false,
  voteGranted: true,
};

describe('RaftNode driver', () => {
  it('sends a vote only after the term and vote are durable', async () => {
    const { node, persister, sent } = await startNode(2, [1, 2, 3]);
    node.receive(voteRequestFrom1);
    await settle();
    expect(persister.saves.map((s) => s.hardState?.votedFor)).toEqual([1]);
    expect(sent).toEqual([]);
    persister.releaseAll();
    await settle();
    expect(sent.map((m) => m.type)).toEqual(['RequestVoteReply']);
  });

  it('acknowledges appended entries only after they are durable', async () => {
    const { node, persister, sent } = await startNode(2, [1, 2, 3]);
    const entry = { index: 1, term: 1, kind: 'command' as const, data: new Uint8Array([7]) };
    node.receive({
      type: 'AppendEntries',
      from: 1,
      to: 2,
      term: 1,
      prevLogIndex: 0,
      prevLogTerm: 0,
      entries: [entry],
      leaderCommit: 0,
    });
    await settle();
    expect(persister.saves[0]?.entries).toEqual([entry]);
    expect(sent).toEqual([]);
    persister.releaseAll();
    await settle();
    expect(sent).toMatchObject([{ type: 'AppendEntriesReply', success: true, matchIndex: 1 }]);
  });

  it("sends a leader's AppendEntries before its own save is durable (thesis §10.2.1)", async () => {
    const started = await startNode(1, [1, 2, 3]);
    await electLeader(started);
    const { node, persister, sent } = started;
    sent.length = 0;
    expect(node.propose(new Uint8Array([9])).ok).toBe(true);
    await settle();
    const save = persister.saves[persister.saves.length - 1];
    expect(save?.entries?.map((e) => e.data[0])).toEqual([9]);
    // The save is still pending, yet both followers already have the entry on its way.
    expect(sent.filter((m) => m.type === 'AppendEntries').map((m) => m.to)).toEqual([2, 3]);
  });

  it('applies a committed entry without waiting for a save of the commit index', async () => {
    const started = await startNode(1, [1, 2, 3]);
    await electLeader(started);
    const { node, persister, sent, applied } = started;
    sent.length = 0;
    expect(node.propose(new Uint8Array([9])).ok).toBe(true);
    await settle();
    persister.releaseAll();
    await settle();
    const savesBefore = persister.saves.length;
    const append = sent.find((m) => m.type === 'AppendEntries');
    expect(append?.type).toBe('AppendEntries');
    if (append?.type !== 'AppendEntries') return;
    const matchIndex = append.prevLogIndex + append.entries.length;
    node.receive({ ...appendAck, from: append.to, term: append.term, matchIndex });
    await settle();
    // Committed and applied with no save in between (nothing is released here).
    expect(applied).toContain(matchIndex);
    expect(persister.saves.length).toBe(savesBefore);
  });

  it('reports each leadership change from the Ready, and a deposed leader at once', async () => {
    const started = await startNode(1, [1, 2, 3]);
    await electLeader(started);
    const { node, leaderships } = started;
    expect(leaderships.map((l) => l.role)).toEqual(['precandidate', 'candidate', 'leader']);
    expect(leaderships[2]).toEqual({ role: 'leader', leaderId: 1, term: 1 });
    node.receive({ type: 'Heartbeat', from: 3, to: 1, term: 4, leaderCommit: 0, readContext: 0 });
    await settle();
    expect(leaderships[3]).toEqual({ role: 'follower', leaderId: 3, term: 4 });
  });

  it("sends a leader's next AppendEntries while its previous save still runs", async () => {
    const started = await startNode(1, [1, 2, 3]);
    await electLeader(started);
    const { node, sent } = started;
    sent.length = 0;
    expect(node.propose(new Uint8Array([1])).ok).toBe(true);
    await settle();
    expect(node.propose(new Uint8Array([2])).ok).toBe(true);
    await settle();
    // Nothing was released: both Readys are in flight, and both appends are on their way.
    const appended = sent.flatMap((m) =>
      m.type === 'AppendEntries' && m.to === 2 ? m.entries : [],
    );
    expect(appended.map((e) => e.data[0])).toEqual([1, 2]);
  });

  it('acknowledges a duplicate append only after the earlier save holding its entries', async () => {
    const { node, persister, sent } = await startNode(2, [1, 2, 3]);
    const entry = { index: 1, term: 1, kind: 'command' as const, data: new Uint8Array([7]) };
    const append = {
      type: 'AppendEntries' as const,
      from: 1,
      to: 2,
      term: 1,
      prevLogIndex: 0,
      prevLogTerm: 0,
      entries: [entry],
      leaderCommit: 0,
    };
    node.receive(append);
    await settle();
    node.receive(append);
    await settle();
    expect(sent).toEqual([]);
    persister.releaseAll();
    await settle();
    persister.releaseAll();
    await settle();
    expect(sent.map((m) => m.type)).toEqual(['AppendEntriesReply', 'AppendEntriesReply']);
  });

  it('lets a single-node leader commit and apply its proposals in order', async () => {
    const { node, clock, persister, applied } = await startNode(1, [1]);
    for (let i = 0; i < 100 && node.status().role !== 'leader'; i++) {
      clock.advance(10);
      persister.releaseAll();
      await settle();
    }
    expect(node.status().role).toBe('leader');
    const results = [1, 2, 3].map((b) => node.propose(new Uint8Array([b])));
    expect(results.every((r) => r.ok)).toBe(true);
    for (let i = 0; i < 5; i++) {
      persister.releaseAll();
      await settle();
    }
    expect(applied).toEqual([1, 2, 3, 4]);
    // The three proposals of one synchronous burst shared one save.
    expect(persister.saves.filter((s) => (s.entries?.length ?? 0) === 3)).toHaveLength(1);
  });

  it('stops sending, saving and applying once stopped', async () => {
    const { node, persister, sent } = await startNode(2, [1, 2, 3]);
    node.stop();
    node.receive(voteRequestFrom1);
    await settle();
    expect(persister.saves).toEqual([]);
    expect(sent).toEqual([]);
    expect(node.propose(new Uint8Array([1])).ok).toBe(false);
  });
});
