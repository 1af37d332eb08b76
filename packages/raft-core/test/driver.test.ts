// Goal: the driver keeps the Ready contract: votes and acknowledgements leave only after the
// save they depend on is durable, a leader's AppendEntries may leave before its own save, and
// committed entries reach the service once, in order. Method: a RaftNode over hand-driven
// ports: a manual clock, a persister whose saves resolve when the test says, a capturing transport.
import {
  type Clock,
  createPrng,
  emptyHardState,
  type Message,
  type PersistedState,
  type Persister,
  type PersistUpdate,
  RaftNode,
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
  const node = await RaftNode.start({
    id,
    peers,
    prng: createPrng(id),
    persister,
    clock,
    transport: { send: (messages) => sent.push(...messages) },
    apply: (m) => void (m.kind === 'entry' && applied.push(m.entry.index)),
  });
  return { node, clock, persister, sent, applied };
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
