// The Raft state machine (paper Figure 2 plus thesis §3.10, §4.3, §6.2, §6.4, §9.6): `tick` and
// `step` change state and queue messages; nothing here does I/O, reads a clock or awaits. `step`
// applies the term rules first, then dispatches on role. RawNode wraps this with the Ready contract.
// Membership (thesis §4.3): every quorum is counted by the ConfigTracker, and a configuration takes
// effect when its entry is applied (see advanceApplied), as in etcd-io/raft.
import { assert } from './assert.ts';
import { type RaftBugs, raftBugsOf } from './bugs.ts';
import {
  type ConfChange,
  type ConfChangeRefusal,
  changeConfig,
  leaveJoint,
  newVoters,
} from './confchange/changer.ts';
import { compareLogPositions, formatLogPosition, type LogPosition } from './log-position.ts';
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
import { RaftLog } from './raft-log.ts';
import { ReadOnlyQueue, type ReadState } from './read-only.ts';
import {
  bootstrapConfig,
  type ConfigState,
  decodeConfigState,
  encodeConfigState,
  isJoint,
  isVoterIn,
} from './tracker/config.ts';
import { ConfigTracker } from './tracker/config-tracker.ts';
import { Progress } from './tracker/progress.ts';
import type { Entry, HardState, LogIndex, NodeId, Snapshot, Term } from './types.ts';

/** A node's role (PreCandidate is the PreVote phase of thesis §9.6). */
export type Role = 'follower' | 'precandidate' | 'candidate' | 'leader';

/** Why a proposal was refused. */
export type ProposeError = 'NotLeader' | 'TransferInProgress' | 'UncommittedBytesExceeded';

/** Why a membership change was refused (the changer's reasons plus the leader's own). */
export type ConfChangeError =
  | 'NotLeader'
  | 'TransferInProgress'
  | 'UncommittedBytesExceeded'
  | 'ChangeInProgress'
  | 'LearnerNotCaughtUp'
  | ConfChangeRefusal;

/** The outcome of proposing a membership change: its entry's place and configuration, or why not. */
export type ConfChangeProposal =
  | { ok: true; index: LogIndex; term: Term; config: ConfigState }
  | { ok: false; error: ConfChangeError; nodeId?: NodeId };

/** What a node restores from storage at boot. */
export interface RaftStorageState {
  readonly hardState: HardState;
  readonly snapshot: Snapshot | null;
  readonly entries: readonly Entry[];
  /** The position the log must reach again before this node votes (see PersistedState). */
  readonly recovery?: LogPosition;
}

/** The Raft state machine of one node. */
export class Raft {
  readonly options: ResolvedRaftOptions;
  /** TEST ONLY: the deliberate bugs this node runs with (none in production; see bugs.ts). */
  readonly bugs: RaftBugs;
  readonly id: NodeId;
  readonly log: RaftLog;
  /** The active configuration (thesis §4.3), beside the progress of each member. */
  readonly tracker: ConfigTracker;
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
  /**
   * On a leader: the index of the newest entry that may be a configuration. A new change is
   * refused until the applied index reaches it, so at most one change is ever in flight (etcd).
   */
  private pendingConfIndex: LogIndex = 0;
  /**
   * On a leader: its log holds a configuration in which it votes in neither half (C_new without
   * it, so joint consensus is over and a proposal now would follow C_new). It then takes no
   * proposals, so once that configuration commits the new voters hold everything it has: they
   * can be elected, with its vote if they need it, even if it crashes before handing over.
   */
  private removalPending = false;
  /** A TimeoutNow arrived while a committed configuration was unapplied: campaign after it. */
  private transferCampaignPending = false;
  /** The configuration at index 0: `peers`, or nothing at all for a node that joins. */
  private readonly bootstrap: ConfigState;
  /** Set by proposals; the broadcast happens once per Ready so bursts share messages. */
  private broadcastPending = false;
  /** Set by reads; one heartbeat round per Ready confirms all of them. */
  private heartbeatPending = false;
  /**
   * Set while this node's store came back without entries it had acknowledged: the position its
   * log must reach again, from a leader, before it votes or campaigns (PersistedState.recovery).
   */
  private recoveryFloor: LogPosition | null;

  constructor(options: RaftOptions, storage: RaftStorageState) {
    this.options = resolveRaftOptions(options);
    this.bugs = raftBugsOf(options);
    this.id = this.options.id;
    this.term = storage.hardState.term;
    this.votedFor = storage.hardState.votedFor;
    this.log = new RaftLog({ ...storage, commitIndex: storage.hardState.commitIndex });
    this.bootstrap = bootstrapConfig(this.options.peers, this.options.addresses);
    const snapshot = storage.snapshot;
    this.tracker = new ConfigTracker(snapshot?.config ?? this.bootstrap, snapshot?.index ?? 0);
    this.readOnly = new ReadOnlyQueue(this.id, (acks) => this.tracker.hasQuorum(acks));
    this.recoveryFloor = storage.recovery ?? null;
    this.maybeEndRecovery();
    if (this.recoveryFloor !== null) {
      this.log_(
        `lost acknowledged entries: withholds its vote until its log reaches ${formatLogPosition(this.recoveryFloor)}`,
      );
    }
    this.resetElectionTimeout();
  }

  /** Whether this node is catching up on entries its store lost; it neither votes nor campaigns. */
  get recovering(): boolean {
    return this.recoveryFloor !== null;
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
      // A learner, a removed node, or a voter with a configuration still to apply waits without
      // restarting its timer, so its lease on a silent leader lapses and it answers candidates
      // (a promoted learner that has not applied its promotion yet is asked for its vote).
      if (!this.promotable()) return;
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
    // A removed leader keeps trying to hand over, to another voter if the last one timed out.
    if (this.leadTransferee === null && !this.tracker.isVoter(this.id)) this.handOverAfterRemoval();
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

  // Thesis §6.2 with §4.3: the members heard from this round must form a (joint) quorum.
  private quorumActive(): boolean {
    const active = new Set<NodeId>([this.id]);
    for (const [peer, pr] of this.progress) {
      if (peer !== this.id && pr.recentActive) active.add(peer);
      pr.recentActive = false;
    }
    return this.tracker.hasQuorum(active);
  }

  /** Appends a command to the leader's log; replication starts with the next Ready. */
  propose(
    data: Uint8Array,
  ): { ok: true; index: LogIndex; term: Term } | { ok: false; error: ProposeError } {
    if (this.role !== 'leader') return { ok: false, error: 'NotLeader' };
    if (this.leadTransferee !== null || this.removalPending) {
      return { ok: false, error: 'TransferInProgress' };
    }
    if (this.uncommittedBytes + data.length > this.options.uncommittedBytesMax) {
      return { ok: false, error: 'UncommittedBytesExceeded' };
    }
    const index = this.appendOwn('command', data);
    return { ok: true, index, term: this.term };
  }

  private appendOwn(kind: Entry['kind'], data: Uint8Array): LogIndex {
    if (kind === 'config') this.removalPending = !isVoterIn(decodeConfigState(data), this.id);
    const index = this.log.lastIndex() + 1;
    this.log.append({ index, term: this.term, kind, data });
    this.uncommittedBytes += data.length;
    this.broadcastPending = !this.tracker.isOnlyMember(this.id);
    return index;
  }

  /**
   * Appends a membership change (thesis §4.3) as a config entry carrying the whole next
   * configuration. Refused while an earlier change is not yet applied (pendingConfIndex), while a
   * transfer runs, or when a would-be voter lags by more than `promoteLagEntriesMax` entries.
   */
  proposeConfChange(change: ConfChange): ConfChangeProposal {
    if (this.role !== 'leader') return { ok: false, error: 'NotLeader' };
    if (this.leadTransferee !== null) return { ok: false, error: 'TransferInProgress' };
    if (this.pendingConfIndex > this.log.appliedIndex) {
      return { ok: false, error: 'ChangeInProgress' };
    }
    const next = changeConfig(this.tracker.config, change);
    if (!next.ok) return next;
    for (const id of newVoters(this.tracker.config, next.config)) {
      const matchIndex = id === this.id ? this.log.lastIndex() : this.progress.get(id)?.matchIndex;
      const lagEntries = this.log.lastIndex() - (matchIndex ?? 0);
      if (lagEntries > this.options.promoteLagEntriesMax) {
        return { ok: false, error: 'LearnerNotCaughtUp', nodeId: id };
      }
    }
    const data = encodeConfigState(next.config);
    if (this.uncommittedBytes + data.length > this.options.uncommittedBytesMax) {
      return { ok: false, error: 'UncommittedBytesExceeded' };
    }
    const index = this.appendOwn('config', data);
    this.pendingConfIndex = index;
    this.log_(`proposes config at index ${index}`);
    return { ok: true, index, term: this.term, config: next.config };
  }

  /** Sends the AppendEntries and heartbeats that proposals and reads since the last Ready need. */
  flushPending(): void {
    if (this.role !== 'leader') return;
    if (this.broadcastPending) {
      this.broadcastPending = false;
      for (const peer of this.otherMembers()) this.sendAppend(peer);
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
    if (this.bugs.readIndexWithoutQuorum) {
      // TEST ONLY bug: skips thesis §6.4 steps 1–3 (own-term commit, heartbeat round).
      this.readStates.push({ context, index: this.log.commitIndex });
      return true;
    }
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
    if (this.tracker.hasQuorum(new Set([this.id]))) {
      this.readStates.push(...this.readOnly.release());
      return;
    }
    // One heartbeat round per Ready confirms every read registered before it.
    this.heartbeatPending = true;
  }

  /** Begins handing leadership to `target` (thesis §3.10); returns false when not possible. */
  transferLeadership(target: NodeId): boolean {
    if (this.role !== 'leader' || target === this.id || !this.progress.has(target)) return false;
    // Only a voter of the incoming configuration can lead it; a learner never campaigns.
    if (!this.tracker.isIncomingVoter(target)) return false;
    this.leadTransferee = target;
    this.transferElapsedTicks = 0;
    this.log_(`starts leadership transfer to ${target}`);
    const pr = this.progress.get(target)!;
    if (pr.matchIndex === this.log.lastIndex()) this.send({ type: 'TimeoutNow', to: target });
    else this.sendAppend(target);
    return true;
  }

  /**
   * On a leader, each member's match index as the leader knows it (thesis §3.5; its own is its
   * last index); empty on any other role, whose view would be stale.
   */
  matchIndexes(): ReadonlyMap<NodeId, LogIndex> {
    if (this.role !== 'leader') return new Map();
    const view = new Map([...this.progress].map(([id, pr]) => [id, pr.matchIndex]));
    view.set(this.id, this.log.lastIndex());
    return view;
  }

  /** Discards the log up to `index`, which the state machine has captured in `data`. */
  compact(index: LogIndex, data: Uint8Array): void {
    // The snapshot records the configuration in force at its own index, not the newest one.
    this.log.compact(index, data, this.tracker.configAt(index));
    this.tracker.compact(index);
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
        return this.handleTimeoutNow();
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

  // Thesis §3.10. A voter that still has a committed configuration to apply may not campaign yet
  // (promotable); it keeps the request and campaigns once it has applied it (advanceApplied).
  private handleTimeoutNow(): void {
    if (this.role === 'leader') return;
    if (this.tracker.isVoter(this.id) && this.hasUnappliedConfig()) {
      this.log_('defers the transfer campaign until its committed configuration is applied');
      this.transferCampaignPending = true;
      return;
    }
    this.campaign('transfer');
  }

  private handleRequestVote(m: RequestVote): void {
    const canVote =
      this.reachesRecoveryFloor(m.lastLogIndex, m.lastLogTerm) &&
      (this.votedFor === m.from ||
        (this.votedFor === null && this.leaderId === null) ||
        (m.preVote && m.term > this.term));
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

  // A node whose store lost entries it acknowledged could vote for a candidate missing a
  // committed entry it helped commit (Alagappan et al., FAST 2018). Raft's up-to-date check
  // (§5.4.1) needs only the voter's last position, so checked against the floor (the last
  // position it had acknowledged) it is the vote the node would have cast before the loss.
  private reachesRecoveryFloor(lastLogIndex: LogIndex, lastLogTerm: Term): boolean {
    if (this.recoveryFloor === null) return true;
    const candidate = { index: lastLogIndex, term: lastLogTerm };
    return compareLogPositions(candidate, this.recoveryFloor) >= 0;
  }

  private handleVoteReply(m: RequestVoteReply): void {
    const expected = m.preVote ? 'precandidate' : 'candidate';
    if (this.role !== expected) return;
    this.votes.set(m.from, m.voteGranted);
    // Thesis §4.3: only voters count, and in joint consensus both halves must be won.
    const result = this.tracker.voteResult(this.votes);
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
        recovering: this.recoveryFloor !== null,
      });
      return;
    }
    this.log.commitTo(Math.min(m.leaderCommit, result.lastNewIndex));
    this.maybeEndRecovery();
    this.send({ ...reply, ...this.successReply(result.lastNewIndex) });
  }

  private successReply(matchIndex: LogIndex) {
    return {
      success: true,
      matchIndex,
      rejectedIndex: 0,
      conflictTerm: 0,
      conflictIndex: 0,
      recovering: this.recoveryFloor !== null,
    };
  }

  // Recovery ends once the log is back at (or past) what the node had acknowledged: from then on
  // its vote is as well-informed as it was before the store lost entries.
  private maybeEndRecovery(): void {
    if (this.recoveryFloor === null) return;
    const position = { index: this.log.lastIndex(), term: this.log.lastTerm() };
    if (compareLogPositions(position, this.recoveryFloor) < 0) return;
    this.log_(`caught up to ${formatLogPosition(this.recoveryFloor)}: votes again`);
    this.recoveryFloor = null;
  }

  private handleHeartbeat(m: Heartbeat): void {
    this.followLeader(m.from);
    // The leader sends min(our matchIndex, its commitIndex), so this never passes our log. A
    // recovering node's matchIndex at the leader may predate its loss, so it commits only
    // through AppendEntries, whose consistency check covers what it commits.
    if (this.recoveryFloor === null) {
      this.log.commitTo(Math.min(m.leaderCommit, this.log.lastIndex()));
    }
    const recovering = this.recoveryFloor === null ? {} : { recovering: true };
    this.send({ type: 'HeartbeatReply', to: m.from, readContext: m.readContext, ...recovering });
  }

  private handleInstallSnapshot(m: InstallSnapshot): void {
    this.followLeader(m.from);
    const { snapshot } = m;
    if (snapshot.index <= this.log.commitIndex) {
      // Never move backwards: we already have (and may have applied) everything it covers.
      if (this.bugs.installStaleSnapshot) this.reinstallStaleSnapshot(snapshot);
    } else if (this.log.term(snapshot.index) === snapshot.term) {
      this.log.commitTo(snapshot.index);
    } else {
      this.log_(`installs snapshot at index ${snapshot.index} term ${snapshot.term}`);
      this.log.restore(snapshot);
    }
    this.maybeEndRecovery();
    this.send({ type: 'InstallSnapshotReply', to: m.from, lastIndex: this.log.lastIndex() });
  }

  // TEST ONLY bug (installStaleSnapshot): hands a snapshot the log already covers to the state
  // machine, so advanceApplied rewinds the applied index to it and the entries after it are
  // applied again (Raft §7 says to discard such a snapshot). Only when its index is at or above
  // this node's own snapshot, so the retained log still holds every entry to apply again.
  private reinstallStaleSnapshot(snapshot: Snapshot): void {
    if (snapshot.index < this.log.snapshotIndex || this.log.pendingApplySnapshot !== null) return;
    this.log_(`reinstalls covered snapshot at index ${snapshot.index} (test-only bug)`);
    this.log.pendingApplySnapshot = snapshot;
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
    if (m.recovering === true && m.rejectedIndex <= pr.matchIndex && pr.state !== 'snapshot') {
      // Not stale: the follower's store lost entries it had acknowledged, so what it matches is
      // unknown again; probing from scratch finds it (a stale matchIndex would stall it forever).
      this.log_(`${m.from} lost entries it acknowledged through ${pr.matchIndex}: probes again`);
      pr.forgetMatch();
    }
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
    // A recovering follower's matchIndex may predate its loss (FAST'18): with no new entries to
    // send, only a probe lets it reject and be caught up.
    if (pr.matchIndex < this.log.lastIndex() || m.recovering === true) {
      this.sendAppend(m.from, { sendIfEmpty: true });
    }
    if (m.readContext > 0) this.readStates.push(...this.readOnly.ack(m.from, m.readContext));
  }

  /** Recomputes the commit index from matchIndex (Raft §5.4.2); returns whether it advanced. */
  maybeCommit(): boolean {
    if (this.role !== 'leader') return false;
    // Thesis §4.3: in joint consensus an entry commits only on majorities of both halves.
    const index = this.tracker.committedIndex((peer) =>
      peer === this.id ? this.log.persistedIndex : (this.progress.get(peer)?.matchIndex ?? 0),
    );
    const before = this.log.commitIndex;
    // TEST ONLY bug: counting replicas alone commits an earlier term's entry (Raft §5.4.2,
    // Figure 8); correct Raft commits only an entry of the current term by counting.
    const term = this.bugs.commitEarlierTermByCount ? this.log.term(index) : this.term;
    if (term === undefined || !this.log.maybeCommit(index, term)) return false;
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
    for (const peer of this.otherMembers()) {
      const pr = this.progress.get(peer)!;
      const leaderCommit = Math.min(pr.matchIndex, this.log.commitIndex);
      this.send({ type: 'Heartbeat', to: peer, leaderCommit, readContext });
    }
  }

  private campaign(kind: 'preVote' | 'election' | 'transfer'): void {
    if (!this.promotable()) return;
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
    if (this.tracker.voteResult(this.votes) === 'won') {
      return preVote ? this.campaign('election') : this.becomeLeader();
    }
    for (const peer of this.tracker.members()) {
      if (peer === this.id || !this.tracker.isVoter(peer)) continue;
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
      this.transferCampaignPending = false;
    }
    if (this.role === 'leader') this.failPendingReads();
    if (this.role !== 'follower') this.log_(`becomes follower in term ${term}`);
    this.role = 'follower';
    this.leaderId = leaderId;
    this.leadTransferee = null;
    this.removalPending = false;
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
    this.syncProgress();
    this.uncommittedBytes = 0;
    // Any entry past the applied index may be a configuration: wait for all of them (etcd).
    this.pendingConfIndex = this.log.lastIndex();
    this.removalPending = this.lastConfigExcludesSelf();
    this.log_(`becomes leader in term ${this.term}`);
    // Raft §8: a no-op commits earlier terms' entries and lets ReadIndex know the commit index.
    this.appendOwn('noop', new Uint8Array(0));
    this.maybeCommit();
  }

  // Keeps one Progress per member of the active configuration: new members start probing after
  // the last index, removed ones are forgotten (their replies are ignored from now on).
  private syncProgress(): void {
    const members = this.tracker.members();
    for (const peer of [...this.progress.keys()]) {
      if (!members.includes(peer)) this.progress.delete(peer);
    }
    for (const peer of members) {
      if (this.progress.has(peer)) continue;
      const pr = new Progress(this.log.lastIndex() + 1, this.options.inflightMessagesMax);
      pr.recentActive = true;
      this.progress.set(peer, pr);
    }
  }

  // Whether the newest config entry past the applied index leaves this node out of the voters.
  private lastConfigExcludesSelf(): boolean {
    for (let index = this.log.lastIndex(); index > this.log.appliedIndex; index--) {
      if (index <= this.log.snapshotIndex) break;
      const entry = this.log.entry(index);
      if (entry.kind === 'config') return !isVoterIn(decodeConfigState(entry.data), this.id);
    }
    return false;
  }

  // Only a voter campaigns (a learner or a removed node never does), and not while a committed
  // configuration is still unapplied: it could change who must vote (etcd's hup check).
  private promotable(): boolean {
    return (
      this.tracker.isVoter(this.id) && !this.hasUnappliedConfig() && this.recoveryFloor === null
    );
  }

  private hasUnappliedConfig(): boolean {
    const from = Math.max(this.log.appliedIndex, this.log.snapshotIndex) + 1;
    for (let index = from; index <= this.log.commitIndex; index++) {
      if (this.log.entry(index).kind === 'config') return true;
    }
    return false;
  }

  /**
   * Moves the applied index over what this Ready hands to the state machine, adopting the
   * configuration of each snapshot and config entry on the way. Applying, rather than appending
   * (thesis §4.1), is when a configuration takes effect, as in etcd-io/raft: the configuration
   * is then a function of the applied prefix, so it is the same on every replica at every applied
   * index and a snapshot records it exactly; pendingConfIndex keeps this safe by allowing one
   * change in flight, and promotable() keeps a node from campaigning on a stale configuration.
   */
  advanceApplied(snapshot: Snapshot | null, entries: readonly Entry[]): void {
    let changed = false;
    if (snapshot !== null) {
      this.tracker.restore(snapshot.index, snapshot.config ?? this.bootstrap);
      this.log.appliedIndex = snapshot.index;
      changed = true;
    }
    for (const entry of entries) {
      assert(entry.index === this.log.appliedIndex + 1, `apply skips to ${entry.index}`);
      this.log.appliedIndex = entry.index;
      if (entry.kind !== 'config') continue;
      this.tracker.apply(entry.index, decodeConfigState(entry.data));
      changed = true;
    }
    if (this.role !== 'leader') return this.maybeDeferredTransferCampaign();
    if (changed) this.onLeaderConfigChanged();
    if (this.role === 'leader') this.maybeAutoLeave();
  }

  private maybeDeferredTransferCampaign(): void {
    if (!this.transferCampaignPending || this.hasUnappliedConfig()) return;
    this.transferCampaignPending = false;
    this.campaign('transfer');
  }

  private onLeaderConfigChanged(): void {
    this.syncProgress();
    if (this.leadTransferee !== null && !this.tracker.isIncomingVoter(this.leadTransferee)) {
      this.log_(`aborts leadership transfer to ${this.leadTransferee}: no longer a voter`);
      this.leadTransferee = null;
    }
    // Fewer or different voters may commit more now, which also releases waiting reads.
    if (this.maybeCommit()) this.releaseReadsAwaitingCommit();
    for (const read of this.readOnly.release()) this.readStates.push(read);
    if (!this.tracker.isVoter(this.id)) this.handOverAfterRemoval();
  }

  // Thesis §4.2.2 with §3.10: a leader outside C_new (removed or demoted, now applied, so
  // committed) keeps replicating without counting itself and hands leadership to the most
  // caught-up voter by a leadership transfer: it takes no proposals meanwhile, and steps down
  // when that voter's election reaches it. Stepping down at once would strand entries only this
  // node holds: the voters could then elect nobody whose log is as up-to-date (found by the swarm).
  private handOverAfterRemoval(): void {
    if (this.leadTransferee !== null) return;
    let successor: NodeId | undefined;
    for (const id of this.tracker.config.voters) {
      const match = this.progress.get(id)?.matchIndex ?? -1;
      if (successor === undefined || match > this.progress.get(successor)!.matchIndex) {
        successor = id;
      }
    }
    if (successor === undefined) return;
    this.log_(`hands over: not a voter of the configuration at index ${this.tracker.configIndex}`);
    this.transferLeadership(successor);
  }

  // Thesis §4.3: once C_old,new is applied, the leader proposes C_new by itself (etcd's
  // auto-leave); a new leader does so once it has applied everything it inherited.
  private maybeAutoLeave(): void {
    const config = this.tracker.config;
    if (!isJoint(config) || !config.autoLeave) return;
    if (this.pendingConfIndex > this.log.appliedIndex) return;
    const next = leaveJoint(config);
    assert(next.ok, 'a joint config can always be left');
    const index = this.appendOwn('config', encodeConfigState(next.config));
    this.pendingConfIndex = index;
    this.log_(`proposes leaving the joint config at index ${index}`);
  }

  private resetElectionTimeout(): void {
    const base = this.options.electionTimeoutTicks;
    this.randomizedElectionTimeoutTicks = base + this.options.prng.nextInt(base);
  }

  // A leader replicates to every member it tracks: voters of both halves and learners.
  private otherMembers(): NodeId[] {
    return [...this.progress.keys()].filter((peer) => peer !== this.id);
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
