// What every server applied, as the original tester's appliers record it (config.go's logs,
// lastApplied and checkLogs). Histories survive restarts; the snapshot applier replaces a
// server's history when it installs a snapshot. Any inconsistency is a failure of the run.
import { type ApplyMsg, AssertionError, type LogIndex, type NodeId } from '@kvraft/raft-core';
import {
  type AppliedValue,
  decodeCommand,
  decodeTesterSnapshot,
  encodeTesterSnapshot,
} from './command-codec.ts';

/** The tester takes a snapshot after every index i with (i + 1) % snapshotInterval == 0. */
export const snapshotInterval = 10;

/** Hands a snapshot of applied state to the server's Raft (`RaftNode.snapshot`). */
export type TakeSnapshot = (index: LogIndex, data: Uint8Array) => void;

/** Every server's applied history and the checks the original appliers run on each ApplyMsg. */
export class AppliedLogs {
  /** logs[i] maps index → value applied there by server i (null for a no-op). */
  readonly logs: Array<Map<LogIndex, AppliedValue>> = [];
  /** The snapshot applier's lastApplied per server; reset to 0 at each restart. */
  readonly lastApplied: LogIndex[] = [];
  /** The highest index any server applied. */
  maxIndex: LogIndex = 0;

  /** Tracks `serverCount` servers; `fail` records an apply error (it stops the run). */
  constructor(
    serverCount: number,
    private readonly fail: (error: Error) => void,
  ) {
    for (let i = 0; i < serverCount; i++) {
      this.logs.push(new Map());
      this.lastApplied.push(0);
    }
  }

  /** The plain applier (2A–2C): in order, no gaps, consistent with every server; ignores snapshots. */
  applyPlain(server: NodeId, message: ApplyMsg): void {
    if (message.kind !== 'entry') return;
    const { index } = message.entry;
    const prevOk = this.record(server, index, appliedValueOf(message));
    if (index > 1 && !prevOk) this.error(`server ${server} apply out of order ${index}`);
  }

  /** The snapshot applier (2D): exact lastApplied + 1 order, and a snapshot every 10 indexes. */
  applySnapshotting(server: NodeId, message: ApplyMsg, takeSnapshot: TakeSnapshot): void {
    if (message.kind === 'snapshot') {
      // Raft must never hand over a snapshot older than what the service already applied.
      const lastApplied = this.lastApplied[server]!;
      if (message.snapshot.index < lastApplied) {
        this.error(
          `server ${server} snapshot ${message.snapshot.index} is behind applied ${lastApplied}`,
        );
        return;
      }
      this.ingestSnapshot(server, message.snapshot.data, message.snapshot.index);
      return;
    }
    const { index } = message.entry;
    const expected = this.lastApplied[server]! + 1;
    if (index !== expected) {
      this.error(`server ${server} apply out of order, expected index ${expected}, got ${index}`);
      return;
    }
    const prevOk = this.record(server, index, appliedValueOf(message));
    if (index > 1 && !prevOk) this.error(`server ${server} apply out of order ${index}`);
    this.lastApplied[server] = index;
    if ((index + 1) % snapshotInterval === 0)
      takeSnapshot(index, this.snapshotBytes(server, index));
  }

  /** Loads a tester snapshot into server's history; `expectedIndex` -1 skips the index check. */
  ingestSnapshot(server: NodeId, data: Uint8Array, expectedIndex: LogIndex | -1): void {
    const snapshot = decodeTesterSnapshot(data);
    if (expectedIndex !== -1 && snapshot.index !== expectedIndex) {
      this.error(`server ${server} snapshot doesn't match SnapshotIndex ${expectedIndex}`);
      return;
    }
    const log = new Map<LogIndex, AppliedValue>();
    snapshot.values.forEach((value, index) => {
      if (index > 0) log.set(index, value);
    });
    this.logs[server] = log;
    this.lastApplied[server] = snapshot.index;
  }

  /** How many servers applied `index`, and the value; fails if two servers disagree. */
  nCommitted(index: LogIndex): { count: number; value: AppliedValue | undefined } {
    let count = 0;
    let value: AppliedValue | undefined;
    this.logs.forEach((log, server) => {
      if (!log.has(index)) return;
      const applied = log.get(index)!;
      if (count > 0 && applied !== value) {
        throw new AssertionError(
          `committed values do not match: index ${index}, ${String(value)}, ${String(applied)} (server ${server})`,
        );
      }
      count++;
      value = applied;
    });
    return { count, value };
  }

  private record(server: NodeId, index: LogIndex, value: AppliedValue): boolean {
    this.logs.forEach((log, other) => {
      if (log.has(index) && log.get(index) !== value) {
        this.error(
          `commit index=${index} server=${server} ${String(value)} != server=${other} ${String(log.get(index))}`,
        );
      }
    });
    const log = this.logs[server]!;
    const prevOk = log.has(index - 1);
    log.set(index, value);
    if (index > this.maxIndex) this.maxIndex = index;
    return prevOk;
  }

  private snapshotBytes(server: NodeId, index: LogIndex): Uint8Array {
    const log = this.logs[server]!;
    const values: AppliedValue[] = [null];
    for (let i = 1; i <= index; i++) values.push(log.get(i) ?? null);
    return encodeTesterSnapshot({ index, values });
  }

  private error(message: string): void {
    this.fail(new AssertionError(`apply error: ${message}`));
  }
}

function appliedValueOf(message: ApplyMsg & { kind: 'entry' }): AppliedValue {
  // No-ops and configuration entries carry no tester command.
  return message.entry.kind === 'command' ? decodeCommand(message.entry.data) : null;
}
