// KvServer: one node of the replicated KV service. It wires a RaftNode, the persister and the
// state machine, and serves ClientRequests. A write (or a log-mode read) is answered only once the
// entry applied at its index is the one it proposed (same term); reads default to ReadIndex.
// Membership changes (thesis §4.3) go through the log too (MemberChanges answers them).
// The only I/O is through the injected ports (Persister, Transport, Clock).
import {
  type ApplyMsg,
  assert,
  DeadlineQueue,
  type Entry,
  type Leadership,
  type LogIndex,
  type NodeId,
  type NodeStatus,
  type Persister,
  type PersistUpdate,
  RaftNode,
  type Snapshot,
  type Term,
  type TimerHandle,
} from '@kvraft/raft-core';
import { type Command, decodeCommand, encodeCommand } from './command-codec.ts';
import { KvStateMachine } from './kv-state-machine.ts';
import { MemberChanges } from './member-changes.ts';
import type { MemberChange, MemberChangeReply, MemberList } from './membership.ts';
import {
  type KvServerOptions,
  type ResolvedKvServerOptions,
  resolveKvServerOptions,
} from './options.ts';
import { type ClientReply, type ClientRequest, validateRequest } from './protocol.ts';
import { snapshotDue } from './snapshot-policy.ts';

/** TEST ONLY: deliberate bugs that prove the checkers can fail. Never reachable from a CLI. */
export interface KvServerBugs {
  /** Apply a retried write again instead of answering from its session. */
  readonly skipDuplicateDetection?: boolean;
  /** Serve Gets from local state on any node, without ReadIndex or the log. */
  readonly serveReadsLocally?: boolean;
  /** Answer a write as soon as it is proposed, before it commits. */
  readonly ackBeforeCommit?: boolean;
  /** Snapshots leave out the session table, so a restored replica forgets who wrote what. */
  readonly snapshotWithoutSessions?: boolean;
  /**
   * Answer a waiting client with whatever entry is applied at its proposal's index, even one a
   * later leader put there in another term, and keep waiting across leader changes (Log
   * Matching, Raft §5.3: only the same index and term identify the proposed entry).
   */
  readonly answerByIndexOnly?: boolean;
}

interface PendingProposal {
  readonly term: Term;
  readonly resolve: (reply: ClientReply) => void;
  readonly timer: TimerHandle;
}

interface ReadWaiter {
  readonly index: LogIndex;
  readonly resolve: (applied: boolean) => void;
  timer: TimerHandle;
}

const timeoutReply: ClientReply = { ok: false, error: 'Timeout' };
// Module-private key: the bug-enabled start is reachable only through `startKvServerWithBugs`,
// which only `testing.ts` re-exports.
const startWithBugsKey = Symbol('startWithBugs');

/** A KV server node: RaftNode + state machine + client request handling. */
export class KvServer {
  private readonly options: ResolvedKvServerOptions;
  private readonly bugs: KvServerBugs;
  private readonly machine: KvStateMachine;
  private raftNode: RaftNode | null = null;
  private readonly memberChanges: MemberChanges;
  private stopped = false;
  private readonly pending = new Map<LogIndex, PendingProposal>();
  private readWaiters: ReadWaiter[] = [];
  // One timer each for every waiting proposal and every waiting read, not one per request.
  private readonly proposalDeadlines: DeadlineQueue<LogIndex>;
  private readonly readDeadlines: DeadlineQueue<ReadWaiter>;
  // The index of a snapshot handed to Raft whose save has not completed yet (one at a time, so
  // a burst of applies above the threshold asks for one snapshot, not one per entry).
  private snapshotPendingIndex: LogIndex | null = null;

  private constructor(options: ResolvedKvServerOptions, bugs: KvServerBugs) {
    this.options = options;
    this.bugs = bugs;
    this.memberChanges = new MemberChanges({
      clock: options.clock,
      timeoutMs: options.proposalTimeoutMs,
      onMembersChanged: options.onMembersChanged,
    });
    this.machine = new KvStateMachine({
      sessionsMax: options.sessionsMax,
      valueBytesMax: options.limitsResolved.valueBytesMax,
      skipDuplicateDetection: bugs.skipDuplicateDetection ?? false,
      snapshotWithoutSessions: bugs.snapshotWithoutSessions ?? false,
    });
    const { clock, proposalTimeoutMs: timeoutMs } = options;
    this.proposalDeadlines = new DeadlineQueue({
      clock,
      timeoutMs,
      expire: (index) => this.settleProposal(index, timeoutReply),
    });
    this.readDeadlines = new DeadlineQueue({
      clock,
      timeoutMs,
      expire: (expired) => {
        this.readWaiters = this.readWaiters.filter((waiter) => waiter !== expired);
        expired.resolve(false);
      },
    });
  }

  /** Starts a server: restores the snapshot and remaining log from the persister, joins Raft. */
  static start(options: KvServerOptions): Promise<KvServer> {
    return KvServer[startWithBugsKey](options, {});
  }

  /** Starts a server with test-only bug switches (see `startKvServerWithBugs`). */
  static async [startWithBugsKey](options: KvServerOptions, bugs: KvServerBugs): Promise<KvServer> {
    const server = new KvServer(resolveKvServerOptions(options), bugs);
    const resolved = server.options;
    const node = await RaftNode.start({
      ...resolved.raft,
      id: resolved.id,
      peers: resolved.peers,
      prng: resolved.prng,
      persister: server.watchSnapshotSaves(resolved.persister),
      transport: resolved.transport,
      clock: resolved.clock,
      tickMs: resolved.tickMs,
      readTimeoutMs: resolved.proposalTimeoutMs,
      apply: (message) => server.onApply(message),
      onLeadershipChange: (leadership) => server.onLeadershipChange(leadership),
    });
    if (server.stopped) node.stop();
    server.raftNode = node;
    return server;
  }

  /** Delivers a Raft message from a peer. */
  receive(message: Parameters<RaftNode['receive']>[0]): void {
    this.raftNode?.receive(message);
  }

  /** Serves one client request; never throws for bad input (BadRequest). */
  async handle(request: ClientRequest): Promise<ClientReply> {
    const problem = validateRequest(request, this.options.limitsResolved);
    if (problem !== undefined) return { ok: false, error: 'BadRequest', message: problem };
    if (this.stopped || this.raftNode === null) return { ok: false, error: 'WrongLeader' };
    if (request.kind === 'get' && this.options.readMode === 'readindex') {
      return this.serveRead(request.key);
    }
    return this.proposeAndWait(commandOf(request));
  }

  /** The members of the configuration this node has applied (thesis §4.3); null before start. */
  members(): MemberList | null {
    return this.raftNode === null ? null : MemberChanges.membersOf(this.raftNode);
  }

  /**
   * Proposes a membership change at this node, which must lead: resolves once its config entry
   * is applied in the term it was proposed, with the members right after. Never rejects: refusals
   * are typed, and `Timeout` means the outcome is unknown (list the members to find out).
   */
  changeMembership(change: MemberChange): Promise<MemberChangeReply> {
    const node = this.raftNode;
    if (this.stopped || node === null) return Promise.resolve({ ok: false, error: 'NotLeader' });
    return this.memberChanges.propose(node, change, () => {
      const reply = this.wrongLeader();
      const hint = !reply.ok && reply.error === 'WrongLeader' ? reply.leaderHint : undefined;
      return hint === undefined
        ? { ok: false, error: 'NotLeader' }
        : { ok: false, error: 'NotLeader', leaderHint: hint };
    });
  }

  /** This node's Raft status (term, role, indexes); for harnesses and status displays. */
  raftStatus(): NodeStatus | null {
    return this.raftNode?.status() ?? null;
  }

  /** Starts handing leadership to voter `target` (thesis §3.10); false if it cannot begin here. */
  transferLeadership(target: NodeId): boolean {
    return !this.stopped && (this.raftNode?.transferLeadership(target) ?? false);
  }

  /** On the leader, each member's match index (thesis §3.5); empty on other roles. */
  matchIndexes(): ReadonlyMap<NodeId, LogIndex> {
    return this.raftNode?.matchIndexes() ?? new Map();
  }

  /** The index the state machine has applied. */
  get appliedIndex(): LogIndex {
    return this.machine.appliedIndex;
  }

  /** The state machine, read-only use (inspection in tests). */
  get stateMachine(): KvStateMachine {
    return this.machine;
  }

  /** Stops the node: Raft stops, waiting requests end with Timeout (their outcome is unknown). */
  stop(): void {
    if (this.stopped) return;
    this.stopped = true;
    this.raftNode?.stop();
    this.memberChanges.stop();
    for (const index of [...this.pending.keys()]) this.settleProposal(index, timeoutReply);
    for (const waiter of this.readWaiters) {
      waiter.timer.cancel();
      waiter.resolve(false);
    }
    this.readWaiters = [];
    this.proposalDeadlines.clear();
    this.readDeadlines.clear();
  }

  private async serveRead(key: string): Promise<ClientReply> {
    if (this.bugs.serveReadsLocally) return this.machine.readReply(key);
    const node = this.raftNode;
    assert(node !== null, 'serveRead before start');
    const read = await node.readIndex();
    if (!read.ok) return read.error === 'Timeout' ? timeoutReply : this.wrongLeader();
    const applied = await this.waitApplied(read.index);
    if (!applied) return timeoutReply;
    // Thesis §6.4: leadership was confirmed after the read arrived and applied >= readIndex.
    return this.machine.readReply(key);
  }

  private proposeAndWait(command: Command): Promise<ClientReply> {
    const node = this.raftNode;
    assert(node !== null, 'propose before start');
    const result = node.propose(encodeCommand(command));
    if (!result.ok) return Promise.resolve(this.wrongLeader());
    if (this.bugs.ackBeforeCommit && command.kind !== 'get') return Promise.resolve({ ok: true });
    // A stale waiter at this index proposed an entry that has since been overwritten.
    if (this.pending.has(result.index)) this.settleProposal(result.index, timeoutReply);
    return new Promise((resolve) => {
      const timer = this.proposalDeadlines.add(result.index);
      this.pending.set(result.index, { term: result.term, resolve, timer });
    });
  }

  private wrongLeader(): ClientReply {
    const leaderId = this.raftNode?.status().leaderId ?? null;
    if (leaderId === null || leaderId === this.options.id)
      return { ok: false, error: 'WrongLeader' };
    return { ok: false, error: 'WrongLeader', leaderHint: leaderId };
  }

  private waitApplied(index: LogIndex): Promise<boolean> {
    if (this.machine.appliedIndex >= index) return Promise.resolve(true);
    return new Promise((resolve) => {
      const waiter: ReadWaiter = { index, resolve, timer: { cancel: () => {} } };
      waiter.timer = this.readDeadlines.add(waiter);
      this.readWaiters.push(waiter);
    });
  }

  private onApply(message: ApplyMsg): void {
    if (this.stopped) return;
    try {
      if (message.kind === 'snapshot') this.installSnapshot(message.snapshot);
      else this.applyEntry(message.entry);
    } catch (error) {
      if (error instanceof Error) this.options.onFatal?.(error);
      throw error;
    }
    this.wakeReaders();
  }

  private applyEntry(entry: Entry): void {
    let reply: ClientReply = { ok: false, error: 'WrongLeader' };
    if (entry.kind === 'noop' || entry.kind === 'config') {
      // Raft adopted a config entry's configuration already; the state machine only moves on.
      this.machine.applyNoop(entry.index);
    } else {
      const decoded = decodeCommand(entry.data);
      // Servers validate before proposing, so a bad command in the log is a bug, not input.
      assert(decoded.ok, `server ${this.options.id}: undecodable entry ${entry.index}`);
      reply = this.machine.apply(entry.index, decoded.command);
    }
    const waiting = this.pending.get(entry.index);
    if (waiting !== undefined) {
      // Only the entry this node proposed carries its proposal term at this index (Log Matching).
      // TEST ONLY bug answerByIndexOnly: any command at this index counts as ours.
      const sameTerm = entry.term === waiting.term || this.bugs.answerByIndexOnly === true;
      const ours = entry.kind === 'command' && sameTerm;
      this.settleProposal(entry.index, ours ? reply : { ok: false, error: 'WrongLeader' });
    }
    this.memberChanges.onApplied(entry);
    this.maybeSnapshot(entry.index);
  }

  private installSnapshot(snapshot: Snapshot): void {
    // A snapshot never moves the state machine backwards.
    if (snapshot.index <= this.machine.appliedIndex) return;
    const restored = this.machine.restore(snapshot.index, snapshot.data);
    assert(
      restored.ok,
      `server ${this.options.id}: refusing snapshot: ${restored.ok || restored.error}`,
    );
    if (this.snapshotPendingIndex !== null && this.snapshotPendingIndex <= snapshot.index) {
      this.snapshotPendingIndex = null;
    }
    // Proposals covered by a snapshot may or may not have been ours: their outcome is unknown.
    for (const index of [...this.pending.keys()]) {
      if (index <= snapshot.index) this.settleProposal(index, timeoutReply);
    }
    this.memberChanges.onSnapshotInstalled(snapshot);
  }

  private maybeSnapshot(index: LogIndex): void {
    const { maxraftstate, persister } = this.options;
    if (maxraftstate < 0 || this.snapshotPendingIndex !== null || this.raftNode === null) return;
    const raftStateBytes = persister.raftStateSize();
    const { snapshotLogRatioMin } = this.options;
    const snapshotBytes = persister.snapshotSize();
    if (!snapshotDue({ maxraftstate, snapshotLogRatioMin, raftStateBytes, snapshotBytes })) return;
    if (index <= this.raftNode.status().snapshotIndex) return;
    this.snapshotPendingIndex = index;
    this.raftNode.snapshot(index, this.machine.snapshot());
  }

  // Wraps the persister so the server learns when its snapshot is durable (and the Raft state
  // size reflects the compaction); only then may it ask for the next one.
  private watchSnapshotSaves(persister: Persister): Persister {
    return {
      load: () => persister.load(),
      raftStateSize: () => persister.raftStateSize(),
      snapshotSize: () => persister.snapshotSize(),
      close: () => persister.close(),
      save: async (update: PersistUpdate) => {
        await persister.save(update);
        const saved = update.snapshot?.index;
        if (saved !== undefined && this.snapshotPendingIndex !== null) {
          if (saved >= this.snapshotPendingIndex) this.snapshotPendingIndex = null;
        }
      },
    };
  }

  private settleProposal(index: LogIndex, reply: ClientReply): void {
    const waiting = this.pending.get(index);
    if (waiting === undefined) return;
    this.pending.delete(index);
    waiting.timer.cancel();
    waiting.resolve(reply);
  }

  private wakeReaders(): void {
    if (this.readWaiters.length === 0) return;
    const applied = this.machine.appliedIndex;
    const ready = this.readWaiters.filter((waiter) => waiter.index <= applied);
    if (ready.length === 0) return;
    this.readWaiters = this.readWaiters.filter((waiter) => waiter.index > applied);
    for (const waiter of ready) {
      waiter.timer.cancel();
      waiter.resolve(true);
    }
  }

  // The driver reports each change of role, leader or term from the Ready. Once this node no
  // longer leads in a proposal's term, the proposal gets Timeout at once (it may still commit
  // under the new leader, so the outcome is unknown) and the clerk retries elsewhere with the
  // same seq.
  private onLeadershipChange({ role, term, leaderId }: Leadership): void {
    if (this.stopped) return;
    // TEST ONLY bug answerByIndexOnly: waiters outlive the term they proposed in.
    for (const [index, waiting] of this.bugs.answerByIndexOnly ? [] : [...this.pending]) {
      if (role !== 'leader' || term !== waiting.term) this.settleProposal(index, timeoutReply);
    }
    this.options.onLeadershipChange?.({ role, term, leaderId });
  }
}

/** TEST ONLY: starts a server with bug switches; re-exported only by `@kvraft/kv-service/testing`. */
export function startKvServerWithBugs(
  options: KvServerOptions,
  bugs: KvServerBugs,
): Promise<KvServer> {
  return KvServer[startWithBugsKey](options, bugs);
}

function commandOf(request: ClientRequest): Command {
  if (request.kind === 'get') return { kind: 'get', key: request.key };
  assert(request.value !== undefined, 'validated writes carry a value');
  const { kind, key, value, clientId, seq } = request;
  return { kind, key, value, clientId, seq };
}
