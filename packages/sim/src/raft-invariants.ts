// Raft's safety properties (paper Figure 3), checked after every simulator event against the
// live nodes: Election Safety (one leader per term), Log Matching, Leader Completeness, State
// Machine Safety (one committed entry per index), per-incarnation monotonic commit indexes, and
// configuration agreement (thesis §4.3): every node that has applied index i holds the same
// configuration there, and it is the one its own log's last config entry at or below i names.
// Apply-side checks (exact order, same command per index) live in AppliedLogs. Checks are
// incremental: a node's log is rescanned only from the first entry that changed.
import {
  AssertionError,
  type ConfigState,
  configKey,
  decodeConfigState,
  type Entry,
  type LogIndex,
  type NodeId,
  type Term,
} from '@kvraft/raft-core';
import type { RaftCluster } from './raft-cluster.ts';

interface NodeView {
  readonly generation: number;
  commitIndex: LogIndex;
  /** The retained log as last checked (entry objects, compared by identity). */
  checked: readonly Entry[];
  checkedSnapshotIndex: LogIndex;
  leaderTerm: Term;
  /** The configuration and applied index last checked (compared by identity to skip work). */
  checkedConfig: ConfigState | null;
  checkedAppliedIndex: LogIndex;
}

interface EntryFact {
  readonly key: string;
  readonly prevTerm: Term;
}

/** Checks Raft's safety invariants over a cluster; `check()` throws AssertionError on a violation. */
export class RaftInvariants {
  private readonly views: Array<NodeView | null>;
  private readonly leaderOfTerm = new Map<Term, NodeId>();
  /** Every (index, term) ever seen in any log: its content and the term before it. */
  private readonly entries = new Map<string, EntryFact>();
  /**
   * Every index known committed: its term and content, and the lowest term of a node that
   * reported it committed (the entry was committed in that term or earlier).
   */
  private readonly committed = new Map<LogIndex, { term: Term; key: string; byTerm: Term }>();
  /** The configuration every node reported at each applied index (canonical keys). */
  private readonly configAt = new Map<LogIndex, string>();
  private readonly configKeys = new WeakMap<ConfigState, string>();
  /** Checks run so far. */
  checkCount = 0;
  /** The highest index known committed anywhere; a ReadIndex started now must return at least this. */
  maxCommittedIndex: LogIndex = 0;

  /** Watches `cluster`'s nodes; call `check()` after every event. */
  constructor(private readonly cluster: RaftCluster) {
    this.views = cluster.nodes.map(() => null);
  }

  /** Runs every invariant over every live node. */
  check(): void {
    this.checkCount++;
    for (let i = 0; i < this.cluster.n; i++) this.checkNode(i);
  }

  private checkNode(i: NodeId): void {
    const node = this.cluster.nodes[i];
    if (node === null || node === undefined) return;
    const generation = this.cluster.generation(i);
    let view = this.views[i];
    if (view === null || view === undefined || view.generation !== generation) {
      view = {
        generation,
        commitIndex: 0,
        checked: [],
        checkedSnapshotIndex: -1,
        leaderTerm: -1,
        checkedConfig: null,
        checkedAppliedIndex: -1,
      };
      this.views[i] = view;
    }
    const status = node.status();
    const entries = node.logEntries();
    violation(
      status.commitIndex >= view.commitIndex,
      () => `node ${i}: commitIndex fell from ${view.commitIndex} to ${status.commitIndex}`,
    );
    violation(
      status.commitIndex <= status.lastIndex,
      () => `node ${i}: commitIndex ${status.commitIndex} beyond lastIndex ${status.lastIndex}`,
    );
    this.checkLog(i, view, entries, status.snapshotIndex, status.snapshotTerm);
    if (status.config !== view.checkedConfig || status.appliedIndex !== view.checkedAppliedIndex) {
      this.checkConfig(i, status, status.config !== view.checkedConfig ? entries : null);
      view.checkedConfig = status.config;
      view.checkedAppliedIndex = status.appliedIndex;
    }
    if (status.commitIndex > view.commitIndex) {
      const range = { from: view.commitIndex, to: status.commitIndex, term: status.term };
      this.recordCommitted(i, entries, status.snapshotIndex, range);
      view.commitIndex = status.commitIndex;
    }
    if (status.role === 'leader' && view.leaderTerm !== status.term) {
      view.leaderTerm = status.term;
      this.checkNewLeader(i, status.term, entries, status.snapshotIndex, status.lastIndex);
    }
  }

  private checkLog(
    i: NodeId,
    view: NodeView,
    entries: readonly Entry[],
    snapshotIndex: LogIndex,
    snapshotTerm: Term,
  ): void {
    let first = 0;
    if (view.checkedSnapshotIndex === snapshotIndex) {
      const common = Math.min(entries.length, view.checked.length);
      while (first < common && entries[first] === view.checked[first]) first++;
      if (first === entries.length && first === view.checked.length) return;
    }
    for (let p = first; p < entries.length; p++) {
      const entry = entries[p]!;
      violation(
        entry.index === snapshotIndex + 1 + p,
        () => `node ${i}: log not contiguous at position ${p} (index ${entry.index})`,
      );
      const prevTerm = p === 0 ? snapshotTerm : entries[p - 1]!.term;
      this.checkEntry(i, entry, prevTerm);
    }
    view.checked = entries.slice();
    view.checkedSnapshotIndex = snapshotIndex;
  }

  // Configuration agreement per index (thesis §4.3). A node that joined with no configuration
  // and has not yet applied one (voters empty, from index 0) has nothing to agree on yet.
  private checkConfig(
    i: NodeId,
    status: { config: ConfigState; configIndex: LogIndex; appliedIndex: LogIndex },
    entries: readonly Entry[] | null,
  ): void {
    const { config, configIndex, appliedIndex } = status;
    if (configIndex === 0 && config.voters.length === 0) return;
    const key = this.keyOf(config);
    const known = this.configAt.get(appliedIndex);
    if (known === undefined) this.configAt.set(appliedIndex, key);
    violation(
      known === undefined || known === key,
      () =>
        `node ${i}: configuration at applied index ${appliedIndex} is ${key}, elsewhere ${known}`,
    );
    // The log check runs when the configuration object changed (a new one was adopted).
    if (entries === null) return;
    let last: Entry | undefined;
    for (const entry of entries) {
      if (entry.index > appliedIndex) break;
      if (entry.kind === 'config') last = entry;
    }
    if (last === undefined) return;
    const fromLog = last;
    violation(
      configIndex === fromLog.index && configKey(decodeConfigState(fromLog.data)) === key,
      () =>
        `node ${i}: applied configuration from index ${configIndex} is not its log's config entry ${fromLog.index}`,
    );
  }

  private keyOf(config: ConfigState): string {
    let key = this.configKeys.get(config);
    if (key === undefined) {
      key = configKey(config);
      this.configKeys.set(config, key);
    }
    return key;
  }

  // Log Matching (Raft §5.3): entries with equal index and term hold the same command and
  // follow the same term, so by induction the logs agree on the whole prefix.
  private checkEntry(i: NodeId, entry: Entry, prevTerm: Term): void {
    const id = `${entry.index}:${entry.term}`;
    const key = entryKey(entry);
    const known = this.entries.get(id);
    if (known === undefined) {
      this.entries.set(id, { key, prevTerm });
      return;
    }
    violation(known.key === key, () => `node ${i}: Log Matching: entry ${id} has two contents`);
    violation(
      known.prevTerm === prevTerm,
      () =>
        `node ${i}: Log Matching: entry ${id} follows term ${prevTerm}, elsewhere ${known.prevTerm}`,
    );
  }

  // State Machine Safety: one entry per committed index, ever.
  private recordCommitted(
    i: NodeId,
    entries: readonly Entry[],
    snapshotIndex: LogIndex,
    range: { from: LogIndex; to: LogIndex; term: Term },
  ): void {
    for (let index = Math.max(range.from, snapshotIndex) + 1; index <= range.to; index++) {
      const entry = entries[index - snapshotIndex - 1];
      if (entry === undefined) continue;
      const key = entryKey(entry);
      const known = this.committed.get(index);
      if (index > this.maxCommittedIndex) this.maxCommittedIndex = index;
      if (known === undefined) {
        this.committed.set(index, { term: entry.term, key, byTerm: range.term });
        continue;
      }
      known.byTerm = Math.min(known.byTerm, range.term);
      violation(
        known.term === entry.term && known.key === key,
        () => `node ${i}: index ${index} committed as term ${known.term} and as term ${entry.term}`,
      );
    }
  }

  // Election Safety and Leader Completeness (Raft §5.2, §5.4).
  private checkNewLeader(
    i: NodeId,
    term: Term,
    entries: readonly Entry[],
    snapshotIndex: LogIndex,
    lastIndex: LogIndex,
  ): void {
    const other = this.leaderOfTerm.get(term);
    violation(
      other === undefined || other === i,
      () => `term ${term} has two leaders: ${other} and ${i}`,
    );
    this.leaderOfTerm.set(term, i);
    for (const [index, fact] of this.committed) {
      // Only entries committed in an earlier term bind this leader: a stale leader elected by
      // a delayed vote in a lower term may lack entries committed in later terms.
      if (index <= snapshotIndex || fact.byTerm >= term) continue;
      violation(
        index <= lastIndex,
        () => `leader ${i} of term ${term} lacks committed index ${index} (lastIndex ${lastIndex})`,
      );
      const entry = entries[index - snapshotIndex - 1]!;
      violation(
        entry.term === fact.term && entryKey(entry) === fact.key,
        () => `leader ${i} of term ${term} holds a different entry at committed index ${index}`,
      );
    }
  }
}

function violation(condition: boolean, message: () => string): void {
  if (!condition) throw new AssertionError(`invariant violated: ${message()}`);
}

const keyChunk = 4096;

/** A string that identifies an entry's kind and data (equal keys mean equal contents). */
function entryKey(entry: Entry): string {
  const { data } = entry;
  let key = entry.kind;
  for (let start = 0; start < data.length; start += keyChunk) {
    key += String.fromCharCode(...data.subarray(start, start + keyChunk));
  }
  return key;
}
