// The driver's round trips per operation, with the disk and network replaced by fixed waits so
// the figure shows the schedule (which waits run one after the other) rather than this
// machine's load: three RaftNodes in one process, a save costs `fsyncMs` of timer wait, a
// message takes one macrotask. A closed loop of clients proposes and waits for the leader to
// apply. Prints ops/s, p50/p99 latency and saves per operation; asserts nothing.
// Run: npx tsx --conditions=@kvraft/source bench/src/driver-rounds.ts [fsyncMs] [clients]
import { MemoryPersister } from '@kvraft/persister-memory';
import { type Clock, createPrng, type Message, type NodeId, RaftNode } from '@kvraft/raft-core';

const fsyncMs = Number(process.argv[2] ?? 4);
const clients = Number(process.argv[3] ?? 1);
/** Wall-clock budget of the measured phase. */
const durationMs = 5000;
/** Upper bound on operations per run, whatever the speed. */
const operationsMax = 50_000;

const clock: Clock = {
  now: () => performance.now(),
  setTimer(delayMs, callback) {
    const timer = setTimeout(callback, delayMs);
    return { cancel: () => clearTimeout(timer) };
  },
};

const ids: NodeId[] = [1, 2, 3];
const nodes = new Map<NodeId, RaftNode>();
const waiters = new Map<number, () => void>();
let saves = 0;

async function start(id: NodeId): Promise<RaftNode> {
  const persister = new MemoryPersister({
    saveDelay: () => {
      if (id === leaderId()) saves++;
      return new Promise((resolve) => setTimeout(resolve, fsyncMs));
    },
  });
  return RaftNode.start({
    id,
    peers: ids,
    prng: createPrng(id),
    persister,
    clock,
    transport: {
      send: (messages: readonly Message[]) =>
        setImmediate(() => {
          for (const m of messages) nodes.get(m.to)?.receive(m);
        }),
    },
    apply: (applied) => {
      if (applied.kind !== 'entry' || id !== leaderId()) return;
      waiters.get(applied.entry.index)?.();
      waiters.delete(applied.entry.index);
    },
  });
}

function leaderId(): NodeId | undefined {
  return ids.find((id) => nodes.get(id)?.status().role === 'leader');
}

async function client(latenciesMs: number[], deadlineMs: number): Promise<void> {
  while (clock.now() < deadlineMs && latenciesMs.length < operationsMax) {
    const leader = nodes.get(leaderId() ?? 0);
    const result = leader?.propose(new Uint8Array(16));
    if (result === undefined || !result.ok) {
      await new Promise((resolve) => setTimeout(resolve, 10));
      continue;
    }
    const startedMs = clock.now();
    await new Promise<void>((resolve) => waiters.set(result.index, resolve));
    latenciesMs.push(clock.now() - startedMs);
  }
}

for (const id of ids) nodes.set(id, await start(id));
for (let i = 0; i < 500 && leaderId() === undefined; i++) {
  await new Promise((resolve) => setTimeout(resolve, 10));
}
const latenciesMs: number[] = [];
saves = 0;
const deadlineMs = clock.now() + durationMs;
await Promise.all(Array.from({ length: clients }, () => client(latenciesMs, deadlineMs)));
latenciesMs.sort((a, b) => a - b);
const at = (q: number) => latenciesMs[Math.floor(q * (latenciesMs.length - 1))] ?? 0;
console.log(
  `driver rounds: fsync ${fsyncMs} ms, ${clients} client(s): ${(latenciesMs.length / (durationMs / 1000)).toFixed(0)} ops/s, ` +
    `p50 ${at(0.5).toFixed(1)} ms, p99 ${at(0.99).toFixed(1)} ms, ` +
    `leader saves per op ${(saves / Math.max(1, latenciesMs.length)).toFixed(2)}`,
);
for (const node of nodes.values()) node.stop();
process.exit(0);
