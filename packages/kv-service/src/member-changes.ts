// MemberChanges: the server side of membership (thesis §4.3) for one KvServer. It proposes an
// operator's change at the leader, waits for the config entry to be applied in the term it was
// proposed (like a write), and reports every applied configuration to the embedding. One job:
// KvServer only forwards applied config entries and snapshots here.
import type {
  Clock,
  Entry,
  LogIndex,
  RaftNode,
  Snapshot,
  Term,
  TimerHandle,
} from '@kvraft/raft-core';
import { decodeConfigState } from '@kvraft/raft-core';
import {
  confChangeOf,
  type MemberChange,
  type MemberChangeReply,
  type MemberList,
  memberChangeErrorOf,
  memberListOf,
} from './membership.ts';

interface PendingChange {
  readonly term: Term;
  readonly resolve: (reply: MemberChangeReply) => void;
  readonly timer: TimerHandle;
}

/** What MemberChanges needs from its server. */
export interface MemberChangesOptions {
  readonly clock: Clock;
  /** How long a proposed change may wait to be applied before it ends with Timeout. */
  readonly timeoutMs: number;
  /** Receives the member list of every configuration this node applies. */
  readonly onMembersChanged?: ((members: MemberList) => void) | undefined;
}

const timeout: MemberChangeReply = { ok: false, error: 'Timeout' };

/** Membership changes in flight at one server, and the applied-configuration feed. */
export class MemberChanges {
  private readonly pending = new Map<LogIndex, PendingChange>();

  /** Creates the tracker of one server; nothing is pending. */
  constructor(private readonly options: MemberChangesOptions) {}

  /** The members of the configuration `node` has applied. */
  static membersOf(node: RaftNode): MemberList {
    const status = node.status();
    return memberListOf(status.config, status.configIndex);
  }

  /**
   * Proposes `change` at `node` if it leads, and resolves once the config entry is applied in
   * its term; `notLeader` builds the refusal with the leader hint. Never rejects.
   */
  propose(
    node: RaftNode,
    change: MemberChange,
    notLeader: () => MemberChangeReply,
  ): Promise<MemberChangeReply> {
    const status = node.status();
    if (status.role !== 'leader') return Promise.resolve(notLeader());
    const planned = confChangeOf(status.config, change);
    if (!planned.ok) return Promise.resolve(planned);
    const result = node.proposeConfChange(planned.change);
    if (!result.ok) {
      const error = memberChangeErrorOf(result.error);
      return Promise.resolve(error === 'NotLeader' ? notLeader() : { ok: false, error });
    }
    return new Promise((resolve) => {
      const timer = this.options.clock.setTimer(this.options.timeoutMs, () =>
        this.settle(result.index, timeout),
      );
      this.pending.set(result.index, { term: result.term, resolve, timer });
    });
  }

  /** Handles every applied entry: answers a change proposed at its index, reports configs. */
  onApplied(entry: Entry): void {
    const waiting = this.pending.get(entry.index);
    if (entry.kind !== 'config') {
      // Our config entry was overwritten by another leader's entry: it never happened.
      if (waiting !== undefined) this.settle(entry.index, notApplied);
      return;
    }
    const members = memberListOf(decodeConfigState(entry.data), entry.index);
    // Only the entry this node proposed carries its proposal term at this index (Log Matching).
    if (waiting !== undefined) {
      const ours = entry.term === waiting.term;
      this.settle(entry.index, ours ? { ok: true, index: entry.index, members } : notApplied);
    }
    this.options.onMembersChanged?.(members);
  }

  /** Handles an installed snapshot: changes it covers have an unknown outcome. */
  onSnapshotInstalled(snapshot: Snapshot): void {
    for (const index of [...this.pending.keys()]) {
      if (index <= snapshot.index) this.settle(index, timeout);
    }
    if (snapshot.config !== undefined) {
      this.options.onMembersChanged?.(memberListOf(snapshot.config, snapshot.index));
    }
  }

  /** Ends every waiting change with Timeout (the server stops; outcomes are unknown). */
  stop(): void {
    for (const index of [...this.pending.keys()]) this.settle(index, timeout);
  }

  private settle(index: LogIndex, reply: MemberChangeReply): void {
    const waiting = this.pending.get(index);
    if (waiting === undefined) return;
    this.pending.delete(index);
    waiting.timer.cancel();
    waiting.resolve(reply);
  }
}

const notApplied: MemberChangeReply = { ok: false, error: 'NotLeader' };
