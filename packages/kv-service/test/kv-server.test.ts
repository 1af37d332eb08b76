// Goal: the KvServer's own rules around Raft: a proposal waiting at a leader that is deposed is
// answered Timeout as soon as the driver reports the change, with no poll and no time passing.
// Method: one KvServer (node 1 of 3) over ports the test drives by hand: an instant persister,
// a capturing transport, a clock whose timers never fire; votes and acks are fed as messages.
import {
  type Clock,
  createPrng,
  emptyHardState,
  type Message,
  type PersistedState,
  type Persister,
} from '@kvraft/raft-core';
import { describe, expect, it } from 'vitest';
import { type ClientReply, KvServer } from '../src/index.ts';

const frozenClock: Clock = { now: () => 0, setTimer: () => ({ cancel: () => {} }) };

const instantPersister: Persister = {
  load: async (): Promise<PersistedState> => ({
    hardState: emptyHardState,
    snapshot: null,
    entries: [],
  }),
  save: async () => {},
  raftStateSize: () => 0,
  snapshotSize: () => 0,
  close: async () => {},
};

const settle = () => new Promise((resolve) => setImmediate(resolve));

/** Starts node 1 and makes it leader by granting its (pre)votes from node 2. */
async function startLeader(): Promise<{ server: KvServer; sent: Message[] }> {
  const sent: Message[] = [];
  const server = await KvServer.start({
    id: 1,
    peers: [1, 2, 3],
    prng: createPrng(1),
    persister: instantPersister,
    transport: { send: (messages) => sent.push(...messages) },
    clock: frozenClock,
    maxraftstate: -1,
    raft: { electionTimeoutTicks: 1_000_000, heartbeatTicks: 10 },
  });
  server.receive({ type: 'TimeoutNow', from: 2, to: 1, term: 0 });
  for (let round = 0; round < 4 && server.raftStatus()?.role !== 'leader'; round++) {
    await settle();
    for (const m of sent.splice(0)) {
      if (m.type !== 'RequestVote' || m.to !== 2) continue;
      server.receive({
        type: 'RequestVoteReply',
        from: 2,
        to: 1,
        term: m.term,
        preVote: m.preVote,
        voteGranted: true,
      });
    }
  }
  expect(server.raftStatus()?.role).toBe('leader');
  return { server, sent };
}

describe('KvServer', () => {
  it('answers Timeout at once when its leader is deposed while a write waits', async () => {
    const { server } = await startLeader();
    let reply: ClientReply | undefined;
    void server.handle({ kind: 'put', key: 'k', value: 'v', clientId: 7, seq: 1 }).then((r) => {
      reply = r;
    });
    await settle();
    expect(reply).toBeUndefined();
    server.receive({ type: 'Heartbeat', from: 3, to: 1, term: 9, leaderCommit: 0, readContext: 0 });
    await settle();
    expect(reply).toEqual({ ok: false, error: 'Timeout' });
    server.stop();
  });
});
