// ReadIndex (thesis §6.4): a leader records its commit index for each read, then confirms it is
// still leader by a heartbeat round acknowledged by a quorum (of both halves when joint, §4.3);
// only then may the read be served
// once the state machine has applied up to that index. Contexts are increasing numbers.
import { assert } from './assert.ts';
import type { LogIndex, NodeId } from './types.ts';

/** A read that a majority has confirmed: serve it once applied >= index. */
export interface ReadState {
  readonly context: number;
  readonly index: LogIndex;
}

interface PendingRead {
  readonly context: number;
  readonly index: LogIndex;
  readonly acks: Set<NodeId>;
}

/** The queue of reads waiting for a majority to confirm leadership. */
export class ReadOnlyQueue {
  private readonly pending: PendingRead[] = [];

  /** `hasQuorum` judges a set of acknowledgements by the active (possibly joint) configuration. */
  constructor(
    private readonly selfId: NodeId,
    private readonly hasQuorum: (acks: ReadonlySet<NodeId>) => boolean,
  ) {}

  /** Registers a read at `index`; contexts must increase. */
  add(context: number, index: LogIndex): void {
    const last = this.pending[this.pending.length - 1];
    assert(last === undefined || last.context < context, 'read contexts must increase');
    this.pending.push({ context, index, acks: new Set([this.selfId]) });
  }

  /** The newest registered context, or 0 when nothing waits. */
  lastContext(): number {
    return this.pending[this.pending.length - 1]?.context ?? 0;
  }

  /** Records a heartbeat acknowledgement and returns the reads that are now confirmed. */
  ack(from: NodeId, context: number): ReadState[] {
    for (const read of this.pending) {
      if (read.context > context) break;
      read.acks.add(from);
    }
    return this.release();
  }

  /** Returns the confirmed reads from the front of the queue, in order. */
  release(): ReadState[] {
    let confirmed = 0;
    // A later read confirmed implies every earlier one is too: leadership held at a later time.
    this.pending.forEach((read, i) => {
      if (this.hasQuorum(read.acks)) confirmed = i + 1;
    });
    return this.pending.splice(0, confirmed).map(({ context, index }) => ({ context, index }));
  }

  /** Drops every pending read (leadership lost); returns their contexts. */
  clear(): number[] {
    return this.pending.splice(0).map((read) => read.context);
  }
}
