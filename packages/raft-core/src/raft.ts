// The Raft state machine (paper Figure 2 plus thesis §3.10, §6.2, §6.4, §9.6): `tick` and `step`
// change state and queue messages; nothing here does I/O, reads a clock or awaits. `step` applies
// the term rules first, then dispatches on role. RawNode wraps this with the Ready contract.
import { assert } from './assert.ts';
import type {
  AppendEntries,
  AppendEntriesReply,
  Heartbeat,
  HeartbeatReply,
  InstallSnapshot,
  InstallSnapshotReply,
  Message,
  RequestVote,
  RequestVoteReply,
} from './messages.ts';
import { type RaftOptions, type ResolvedRaftOptions, resolveRaftOptions } from './options.ts';
import { committedIndex, tallyVotes } from './quorum/majority.ts';
import { RaftLog } from './raft-log.ts';
import { ReadOnlyQueue, type ReadState } from './read-only.ts';
import { Progress } from './tracker/progress.ts';
import type { Entry, HardState, LogIndex, NodeId, Snapshot, Term } from './types.ts';

/** A node's role (PreCandidate is the PreVote phase of thesis §9.6). */
export type Role = 'follower' | 'precandidate' | 'candidate' | 'leader';

/** Why a proposal was refused. */
export type ProposeError = 'NotLeader' | 'TransferInProgress' | 'UncommittedBytesExceeded';

/** What a node restores from storage at boot. */
export interface RaftStorageState {
  readonly hardState: HardState;
  readonly snapshot: Snapshot | null;
  readonly entries: readonly Entry[];
}

/** The Raft state machine of one node. */
export class Raft {
  readonly options: ResolvedRaftOptions;
  readonly id: NodeId;
  readonly log: RaftLog;
  term: Term;
  votedFor: NodeId | null;
  role: Role = 'follower';
  leaderId: NodeId | null = null;
  /** Messages queued for the next Ready. */
  messages: Message[] = [];
  /** Reads confirmed by a majority, queued for the next Ready. */
  readStates: ReadState[] = [];
  /** Read contexts that failed (leadership lost), queued for the next Ready. */
  failedReads: number[] = [];
  private electionElapsedTicks = 0;
  private heartbeatElapsedTicks = 0;
  private randomizedElectionTimeoutTicks = 0;
  private votes = new Map<NodeId, boolean>();
  private progress = new Map<NodeId, Progress>();
  private readOnly: ReadOnlyQueue;
  /** Reads that arrived before this leader committed an entry of its own term. */
  private readsAwaitingCommit: number[] = [];
  private leadTransferee: NodeId | null = null;
  private transferElapsedTicks = 0;
  private uncommittedBytes = 0;
  /** Set by proposals; the broadcast happens once per Ready so bursts share messages. */
  private broadcastPending = false;
  /** Set by reads; one heartbeat round per Ready confirms all of them. */
  private heartbeatPending = false;

  constructor(options: RaftOptions, storage: RaftStorageState) {
    this.options = resolveRaftOptions(options);
    this.id = this.options.id;
    this.term = storage.hardState.term;
    this.votedFor = storage.hardState.votedFor;
    this.log = new RaftLog({ ...storage, commitIndex: storage.hardState.commitIndex });
    this.readOnly = new ReadOnlyQueue(this.id, this.options.peers.length);
    this.resetElectionTimeout();
  }

  /** The durable part of this node's state. */
  hardState(): HardState {
    return { term: this.term, votedFor: this.votedFor, commitIndex: this.log.commitIndex };
  }

  /** Advances logical time by one tick. */
  tick(): void {
    this.electionElapsedTicks++;
    if (this.role === 'leader') return this.tickLeader();
    if (this.electionElapsedTicks >= this.randomizedElectionTimeoutTicks) {
      this.electionElapsedTicks = 0;
      this.campaign(this.options.preVote ? 'preVote' : 'election');
    }
  }

  private tickLeader(): void {
    this.heartbeatElapsedTicks++;
    if (this.electionElapsedTicks >= this.options.electionTimeoutTicks) {
      this.electionElapsedTicks = 0;
      if (this.options.checkQuorum && !this.quorumActive()) {
        this.log_(`steps down: check-quorum lost the majority in term ${this.term}`);
        return this.becomeFollower(this.term, null);
      }
    }
    if (
      this.leadTransferee !== null &&
      ++this.transferElapsedTicks >= this.options.electionTimeoutTicks
    ) {
      this.log_(`aborts leadership transfer to ${this.leadTransferee}`);
      this.leadTransferee = null;
    }
    this.tickSnapshotProgress();
    if (this.heartbeatElapsedTicks >= this.options.heartbeatTicks) {
      this.heartbeatElapsedTicks = 0;
      this.broadcastHeartbeat();
    }
  }

  // A lost InstallSnapshot has no reply; after an election timeout, probe (and so resend) again.
  private tickSnapshotProgress(): void {
    for (const pr of this.progress.values()) {
      if (pr.state !== 'snapshot') continue;
      if (++pr.snapshotElapsedTicks >= this.options.electionTimeoutTicks)
        pr.becomeProbe(pr.nextIndex);
    }
  }

  private quorumActive(): boolean {
    let active = 1;
    for (const [peer, pr] of this.progress) {
      if (peer !== this.id && pr.recentActive) active++;
      pr.recentActive = false;
    }
    return active > this.options.peers.length / 2;
  }

  /** Appends a command to the leader's log; replication starts with the next Ready. */
  propose(
    data: Uint8Array,
  ): { ok: true; index: LogIndex; term: Term } | { ok: false; error: ProposeError } {
    if (this.role !== 'leader') return { ok: false, error: 'NotLeader' };
    if (this.leadTransferee !== null) return { ok: false, error: 'TransferInProgress' };
    if (this.uncommittedBytes + data.length > this.options.uncommittedBytesMax) {
      return { ok: false, error: 'UncommittedBytesExceeded' };
    }
    const index = this.appendOwn('command', data);
    return { ok: true, index, term: this.term };
  }

  private appendOwn(kind: Entry['kind'], data: Uint8Array): LogIndex {
    const index = this.log.lastIndex() + 1;
    this.log.append({ index, term: this.term, kind, data });
    this.uncommittedBytes += data.length;
    this.broadcastPending = true;
    if (this.options.peers.length === 1) this.broadcastPending = false;
    return index;
  }

  /** Sends the AppendEntries and heartbeats that proposals and reads since the last Ready need. */
  flushPending(): void {
    if (this.role !== 'leader') return;
    if (this.broadcastPending) {
      this.broadcastPending = false;
      for (const peer of this.otherPeers()) this.sendAppend(peer);
    }
    if (this.heartbeatPending) {
      this.heartbeatPending = false;
      this.broadcastHeartbeat();
    }
  }

  /** Whether flushPending would send anything. */
  hasPending(): boolean {
    return this.role === 'leader' && (this.broadcastPending || this.heartbeatPending);
  }

  /** Starts a linearizable read (thesis §6.4); the result arrives as a ReadState or failure. */
  readIndex(context: number): boolean {
    if (this.role !== 'leader') return false;
    if (this.log.term(this.log.commitIndex) !== this.term) {
      // Thesis §6.4 step 1: a new leader must commit its no-op before it knows the commit index.
      this.readsAwaitingCommit.push(context);
      return true;
    }
    this.registerRead(context);
    return true;
  }

  private registerRead(context: number): void {
    this.readOnly.add(context, this.log.commitIndex);
    if (this.options.peers.length === 1) {
      this.readStates.push(...this.readOnly.release());
      return;
    }
    // One heartbeat round per Ready confirms every read registered before it.
    this.heartbeatPending = true;
  }

  /** Begins handing leadership to `target` (thesis §3.10); returns false when not possible. */
  transferLeadership(target: NodeId): boolean {
    if (this.role !== 'leader' || target === this.id || !this.progress.has(target)) return false;
    this.leadTransferee = target;
    this.transferElapsedTicks = 0;
    this.log_(`starts leadership transfer to ${target}`);
    const pr = this.progress.get(target)!;
    if (pr.matchIndex === this.log.lastIndex()) this.send({ type: 'TimeoutNow', to: target });
    else this.sendAppend(target);
    return true;
  }

  /** Discards the log up to `index`, which the state machine has captured in `data`. */
  compact(index: LogIndex, data: Uint8Array): void {
    this.log.compact(index, data);
  }

  /** Handles one incoming message. */
  step(m: Message): void {
    if (m.to !== this.id) return;
    if (m.term > this.term && !this.stepHigherTerm(m)) return;
    if (m.term < this.term) return this.stepLowerTerm(m);
    switch (m.type) {
      case 'RequestVote':
        return this.handleRequestVote(m);
      case 'RequestVoteReply':
        return this.handleVoteReply(m);
      case 'AppendEntries':
        return this.handleAppendEntries(m);
      case 'Heartbeat':
        return this.handleHeartbeat(m);
      case 'InstallSnapshot':
        return this.handleInstallSnapshot(m);
      case 'TimeoutNow':
        if (this.role !== 'leader') this.campaign('transfer');
        return;
      default:
        if (this.role === 'leader') this.stepLeader(m);
    }
  }

  // Returns whether the message should be processed further.
  private stepHigherTerm(m: Message): boolean {
    if (m.type === 'RequestVote') {
      // Thesis §6.2/§9.6: while a leader is known to be alive, ignore disruptive candidates.
      const inLease =
        this.options.checkQuorum &&
        this.leaderId !== null &&
        this.electionElapsedTicks < this.options.electionTimeoutTicks;
      if (inLease && !m.transfer) return false;
      if (m.preVote) return true;
    }
    if (m.type === 'RequestVoteReply' && m.preVote && m.voteGranted) return true;
    const leader =
      m.type === 'AppendEntries' || m.type === 'Heartbeat' || m.type === 'InstallSnapshot';
    this.becomeFollower(m.term, leader ? m.from : null);
    return true;
  }

  private stepLowerTerm(m: Message): void {
    // A stale leader must learn the newer term, or with PreVote/CheckQuorum it could stay stuck.
    if (m.type === 'AppendEntries' || m.type === 'Heartbeat' || m.type === 'InstallSnapshot') {
      this.send({ type: 'HeartbeatReply', to: m.from, readContext: 0 });
    } else if (m.type === 'RequestVote' && m.preVote) {
      this.send({ type: 'RequestVoteReply', to: m.from, preVote: true, voteGranted: false });
    }
  }

  private handleRequestVote(m: RequestVote): void {
    const canVote =
      this.votedFor === m.from ||
      (this.votedFor === null && this.leaderId === null) ||
      (m.preVote && m.term > this.term);
    const grant = canVote && this.log.isUpToDate(m.lastLogIndex, m.lastLogTerm);
    if (grant && !m.preVote) {
      this.electionElapsedTicks = 0;
      this.votedFor = m.from;
    }
    // A granted PreVote answers in the candidate's future term; a refusal carries ours.
    const term = grant ? m.term : this.term;
    this.messages.push({
      type: 'RequestVoteReply',
      from: this.id,
      to: m.from,
      term,
      preVote: m.preVote,
      voteGranted: grant,
    });
  }

  private handleVoteReply(m: RequestVoteReply): void {
    const expected = m.preVote ? 'precandidate' : 'candidate';
    if (this.role !== expected) return;
    this.votes.set(m.from, m.voteGranted);
    const result = tallyVotes(this.options.peers, this.votes);
    if (result === 'lost') return this.becomeFollower(this.term, null);
    if (result !== 'won') return;
    if (m.preVote) this.campaign('election');
    else this.becomeLeader();
  }

  private handleAppendEntries(m: AppendEntries): void {
    this.followLeader(m.from);
    const reply = { type: 'AppendEntriesReply', to: m.from } as const;
    if (m.prevLogIndex < this.log.commitIndex) {
      // Everything up to commitIndex matches the leader already (Leader Completeness).
      this.send({ ...reply, ...this.successReply(this.log.commitIndex) });
      return;
    }
    const result = this.log.maybeAppend(m.prevLogIndex, m.prevLogTerm, m.entries);
    if (!result.ok) {
      this.send({
        ...reply,
        success: false,
        matchIndex: 0,
        rejectedIndex: m.prevLogIndex,
        conflictTerm: result.conflictTerm,
        conflictIndex: result.conflictIndex,
      });
      return;
    }
    this.log.commitTo(Math.min(m.leaderCommit, result.lastNewIndex));
    this.send({ ...reply, ...this.successReply(result.lastNewIndex) });
  }

  private successReply(matchIndex: LogIndex) {
    return { success: true, matchIndex, rejectedIndex: 0, conflictTerm: 0, conflictIndex: 0 };
  }

  private handleHeartbeat(m: Heartbeat): void {
    this.followLeader(m.from);
    // The leader sends min(our matchIndex, its commitIndex), so this never passes our log.
    this.log.commitTo(Math.min(m.leaderCommit, this.log.lastIndex()));
    this.send({ type: 'HeartbeatReply', to: m.from, readContext: m.readContext });
  }

  private handleInstallSnapshot(m: InstallSnapshot): void {
    this.followLeader(m.from);
    const { snapshot } = m;
    if (snapshot.index <= this.log.commitIndex) {
      // Never move backwards: we already have (and may have applied) everything it covers.
    } else if (this.log.term(snapshot.index) === snapshot.term) {
      this.log.commitTo(snapshot.index);
    } else {
      this.log_(`installs snapshot at index ${snapshot.index} term ${snapshot.term}`);
      this.log.restore(snapshot);
    }
    this.send({ type: 'InstallSnapshotReply', to: m.from, lastIndex: this.log.lastIndex() });
  }

  private followLeader(leaderId: NodeId): void {
    // Election Safety (Raft §5.2): two leaders in one term is a bug, never an operating error.
    assert(this.role !== 'leader', `two leaders in term ${this.term}: ${this.id} and ${leaderId}`);
    if (this.role !== 'follower') this.becomeFollower(this.term, leaderId);
    this.leaderId = leaderId;
    this.electionElapsedTicks = 0;
  }

  private stepLeader(
    m: AppendEntriesReply | HeartbeatReply | InstallSnapshotReply | RequestVoteReply,
  ): void {
    const pr = this.progress.get(m.from);
    if (pr === undefined) return;
    pr.recentActive = true;
    if (m.type === 'AppendEntriesReply') return this.handleAppendReply(m, pr);
    if (m.type === 'HeartbeatReply') return this.handleHeartbeatReply(m, pr);
    if (m.type === 'InstallSnapshotReply' && pr.state === 'snapshot') {
      pr.becomeProbe(pr.pendingSnapshotIndex + 1);
      this.sendAppend(m.from);
    }
  }

  private handleAppendReply(m: AppendEntriesReply, pr: Progress): void {
    if (!m.success) return this.handleRejection(m, pr);
    if (!pr.maybeUpdate(m.matchIndex)) {
      this.sendAppend(m.from);
      return;
    }
    if (pr.state === 'probe' || pr.state === 'snapshot') pr.becomeReplicate();
    if (this.maybeCommit()) this.releaseReadsAwaitingCommit();
    if (m.from === this.leadTransferee && pr.matchIndex === this.log.lastIndex()) {
      this.send({ type: 'TimeoutNow', to: m.from });
    }
    this.sendAppend(m.from);
  }

  private handleRejection(m: AppendEntriesReply, pr: Progress): void {
    // Ignore rejections of messages we no longer care about (reordered or duplicated replies).
    if (pr.state === 'replicate' && m.rejectedIndex <= pr.matchIndex) return;
    if (pr.state === 'probe' && m.rejectedIndex !== pr.nextIndex - 1) return;
    if (pr.state === 'snapshot') return;
    let next = m.conflictIndex;
    if (m.conflictTerm > 0) {
      const ours = this.log.lastIndexOfTerm(m.conflictTerm, m.rejectedIndex);
      if (ours !== undefined) next = ours + 1;
    }
    pr.becomeProbe(Math.max(1, Math.min(next, m.rejectedIndex)));
    this.sendAppend(m.from);
  }

  private handleHeartbeatReply(m: HeartbeatReply, pr: Progress): void {
    pr.probeSent = false;
    // A lost AppendEntries in replicate state would otherwise stall the window for good:
    // free a slot and probe the tail; a follower missing it rejects and we back up.
    pr.freeFirstInflightIfFull();
    if (pr.matchIndex < this.log.lastIndex()) this.sendAppend(m.from, { sendIfEmpty: true });
    if (m.readContext > 0) this.readStates.push(...this.readOnly.ack(m.from, m.readContext));
  }

  /** Recomputes the commit index from matchIndex (Raft §5.4.2); returns whether it advanced. */
  maybeCommit(): boolean {
    if (this.role !== 'leader') return false;
    const matches = this.options.peers.map((peer) =>
      peer === this.id ? this.log.persistedIndex : this.progress.get(peer)!.matchIndex,
    );
    const before = this.log.commitIndex;
    if (!this.log.maybeCommit(committedIndex(matches), this.term)) return false;
    this.uncommittedBytes = Math.max(0, this.uncommittedBytes - this.committedBytes(before));
    return true;
  }

  private committedBytes(before: LogIndex): number {
    let bytes = 0;
    for (let i = Math.max(before + 1, this.log.firstIndex()); i <= this.log.commitIndex; i++) {
      bytes += this.log.entry(i).data.length;
    }
    return bytes;
  }

  private releaseReadsAwaitingCommit(): void {
    if (this.readsAwaitingCommit.length === 0) return;
    if (this.log.term(this.log.commitIndex) !== this.term) return;
    for (const context of this.readsAwaitingCommit.splice(0)) this.registerRead(context);
  }

  private sendAppend(peer: NodeId, { sendIfEmpty = false } = {}): void {
    const pr = this.progress.get(peer)!;
    if (pr.isPaused()) return;
    const prevLogIndex = pr.nextIndex - 1;
    const prevLogTerm = this.log.term(prevLogIndex);
    if (prevLogTerm === undefined) return this.sendSnapshot(peer, pr);
    const entries =
      pr.nextIndex <= this.log.lastIndex()
        ? this.log.slice(pr.nextIndex, this.log.lastIndex(), this.options.appendBytesMax)
        : [];
    if (pr.state === 'replicate' && entries.length === 0 && !sendIfEmpty) return;
    this.send({
      type: 'AppendEntries',
      to: peer,
      prevLogIndex,
      prevLogTerm,
      entries,
      leaderCommit: this.log.commitIndex,
    });
    pr.sent(prevLogIndex + entries.length, entries.length);
  }

  private sendSnapshot(peer: NodeId, pr: Progress): void {
    const snapshot = this.log.snapshot;
    assert(snapshot !== null, 'follower is behind a compacted log but there is no snapshot');
    this.log_(`sends snapshot at index ${snapshot.index} to ${peer}`);
    pr.becomeSnapshot(snapshot.index);
    this.send({ type: 'InstallSnapshot', to: peer, snapshot });
  }

  private broadcastHeartbeat(): void {
    this.heartbeatPending = false;
    const readContext = this.readOnly.lastContext();
    for (const peer of this.otherPeers()) {
      const pr = this.progress.get(peer)!;
      const leaderCommit = Math.min(pr.matchIndex, this.log.commitIndex);
      this.send({ type: 'Heartbeat', to: peer, leaderCommit, readContext });
    }
  }

  private campaign(kind: 'preVote' | 'election' | 'transfer'): void {
    if (!this.options.peers.includes(this.id)) return;
    const preVote = kind === 'preVote';
    if (preVote) {
      this.role = 'precandidate';
      this.leaderId = null;
    } else {
      this.becomeFollower(this.term + 1, null);
      this.role = 'candidate';
      this.votedFor = this.id;
    }
    this.votes = new Map([[this.id, true]]);
    this.resetElectionTimeout();
    this.log_(
      `starts ${preVote ? 'a pre-vote' : 'an election'} for term ${this.term + (preVote ? 1 : 0)}`,
    );
    if (tallyVotes(this.options.peers, this.votes) === 'won') {
      return preVote ? this.campaign('election') : this.becomeLeader();
    }
    for (const peer of this.otherPeers()) {
      this.messages.push({
        type: 'RequestVote',
        from: this.id,
        to: peer,
        term: this.term + (preVote ? 1 : 0),
        preVote,
        lastLogIndex: this.log.lastIndex(),
        lastLogTerm: this.log.lastTerm(),
        transfer: kind === 'transfer',
      });
    }
  }

  private becomeFollower(term: Term, leaderId: NodeId | null): void {
    if (term > this.term) {
      this.term = term;
      this.votedFor = null;
    }
    if (this.role === 'leader') this.failPendingReads();
    if (this.role !== 'follower') this.log_(`becomes follower in term ${term}`);
    this.role = 'follower';
    this.leaderId = leaderId;
    this.leadTransferee = null;
    this.electionElapsedTicks = 0;
    this.resetElectionTimeout();
  }

  private failPendingReads(): void {
    this.failedReads.push(...this.readOnly.clear(), ...this.readsAwaitingCommit.splice(0));
  }

  private becomeLeader(): void {
    assert(this.role === 'candidate', 'only a candidate becomes leader');
    this.role = 'leader';
    this.leaderId = this.id;
    this.heartbeatElapsedTicks = 0;
    this.electionElapsedTicks = 0;
    this.progress = new Map();
    for (const peer of this.options.peers) {
      const pr = new Progress(this.log.lastIndex() + 1, this.options.inflightMessagesMax);
      pr.recentActive = true;
      this.progress.set(peer, pr);
    }
    this.uncommittedBytes = 0;
    this.log_(`becomes leader in term ${this.term}`);
    // Raft §8: a no-op commits earlier terms' entries and lets ReadIndex know the commit index.
    this.appendOwn('noop', new Uint8Array(0));
    if (this.options.peers.length === 1) this.maybeCommit();
  }

  private resetElectionTimeout(): void {
    const base = this.options.electionTimeoutTicks;
    this.randomizedElectionTimeoutTicks = base + this.options.prng.nextInt(base);
  }

  private otherPeers(): NodeId[] {
    return this.options.peers.filter((peer) => peer !== this.id);
  }

  private send(message: DistributiveOmit<Message, 'from' | 'term'>): void {
    this.messages.push({ ...message, from: this.id, term: this.term } as Message);
  }

  private log_(line: string): void {
    this.options.logger(`${this.id}: ${line}`);
  }

  /** Called when storage confirmed the log up to persistedIndex: the leader counts itself. */
  onPersisted(): void {
    if (this.maybeCommit()) this.releaseReadsAwaitingCommit();
  }

  /** Read-only view of per-follower progress, for status and tests. */
  progressOf(peer: NodeId): Progress | undefined {
    return this.progress.get(peer);
  }
}

type DistributiveOmit<T, K extends keyof T> = T extends unknown ? Omit<T, K> : never;
