// The simulated network: labrpc's semantics (SCENARIOS.md §3) mapped onto Raft's one-way
// messages. Requests are counted as RPCs when they reach a handler and their bytes at send;
// replies count bytes on delivery. A message is delivered only if its link is enabled at send and
// at delivery and both its sender and target are still the incarnations that existed at send,
// so a crashed node's in-flight exchanges die with it. Nodes never share memory: every delivered
// message is a structured clone.
import {
  assert,
  isRequestMessage,
  type Message,
  messageBytes,
  type NodeId,
  type Prng,
  type Transport,
} from '@kvraft/raft-core';
import {
  assertFaults,
  faultsReliable,
  faultsUnreliable,
  longReorderingBaseMs,
  longReorderingRate,
  longReorderingSpreadMs,
  type NetworkFaults,
} from './network-faults.ts';
import type { Scheduler } from './scheduler.ts';

/** Why a message was not delivered. */
export type DropReason = 'link' | 'loss' | 'sender-gone' | 'target-gone';

/** What happened to one message, for transcripts and debugging. */
export type NetworkEvent =
  | { readonly kind: 'deliver'; readonly message: Message }
  | { readonly kind: 'drop'; readonly message: Message; readonly reason: DropReason };

/** Running totals of the network, as the original tester counts them. */
export interface NetworkStats {
  sentCount: number;
  deliveredCount: number;
  droppedCount: number;
  duplicatedCount: number;
  /** Request bytes at send (dropped included) plus reply bytes at delivery. */
  bytesTotal: number;
}

interface Endpoint {
  incarnation: number;
  present: boolean;
  receiver: ((message: Message) => void) | null;
  /** Requests that reached this node's handler (labrpc's per-server rpcCount). */
  rpcCount: number;
}

interface InFlight {
  readonly message: Message;
  readonly senderIncarnation: number;
  readonly targetIncarnation: number;
}

/** A deterministic message network between numbered nodes. */
export class SimNetwork {
  private faults: NetworkFaults = faultsReliable;
  private readonly endpoints: Endpoint[] = [];
  /** links[from][to]: whether messages from `from` to `to` pass. */
  private readonly links: boolean[][] = [];
  /** Totals since creation; tests subtract snapshots of it. */
  readonly stats: NetworkStats = {
    sentCount: 0,
    deliveredCount: 0,
    droppedCount: 0,
    duplicatedCount: 0,
    bytesTotal: 0,
  };
  /** Optional tap on every delivery and drop (the demo's transcript). */
  tap: ((event: NetworkEvent) => void) | null = null;

  /** A network of `nodeCount` nodes (ids 0..nodeCount-1), all links disabled, nobody present. */
  constructor(
    private readonly scheduler: Scheduler,
    private readonly prng: Prng,
    readonly nodeCount: number,
  ) {
    assert(Number.isSafeInteger(nodeCount) && nodeCount > 0, 'network: nodeCount must be > 0');
    for (let i = 0; i < nodeCount; i++) {
      this.endpoints.push({ incarnation: 0, present: false, receiver: null, rpcCount: 0 });
      this.links.push(new Array<boolean>(nodeCount).fill(false));
    }
  }

  /** Switches between labrpc's reliable and unreliable presets; keeps reordering/duplication. */
  setReliable(reliable: boolean): void {
    const preset = reliable ? faultsReliable : faultsUnreliable;
    const { longReordering, duplicationRate } = this.faults;
    this.setFaults({ ...preset, longReordering, duplicationRate });
  }

  /** Turns labrpc's long reordering of replies on or off. */
  setLongReordering(longReordering: boolean): void {
    this.setFaults({ ...this.faults, longReordering });
  }

  /** Replaces every fault knob at once. */
  setFaults(faults: NetworkFaults): void {
    assertFaults(faults);
    this.faults = faults;
  }

  /** The current fault knobs. */
  currentFaults(): NetworkFaults {
    return this.faults;
  }

  /** Enables or disables the directed link from → to. */
  setLink(from: NodeId, to: NodeId, enabled: boolean): void {
    this.endpoint(from);
    this.endpoint(to);
    this.links[from]![to] = enabled;
  }

  /** Whether the directed link from → to passes messages. */
  linkEnabled(from: NodeId, to: NodeId): boolean {
    return this.links[from]?.[to] === true;
  }

  /** Brings up a new incarnation of node `id` and returns its transport; it receives nothing yet. */
  add(id: NodeId): Transport {
    const endpoint = this.endpoint(id);
    endpoint.incarnation++;
    endpoint.present = true;
    endpoint.receiver = null;
    const incarnation = endpoint.incarnation;
    return { send: (messages) => this.sendAll(id, incarnation, messages) };
  }

  /** Starts delivering node `id`'s messages to `receiver` (its current incarnation). */
  listen(id: NodeId, receiver: (message: Message) => void): void {
    const endpoint = this.endpoint(id);
    assert(endpoint.present, `network: node ${id} is not present`);
    endpoint.receiver = receiver;
  }

  /** Deletes node `id` from the network: its in-flight messages, both ways, are lost. */
  remove(id: NodeId): void {
    const endpoint = this.endpoint(id);
    endpoint.incarnation++;
    endpoint.present = false;
    endpoint.receiver = null;
  }

  /** Requests that reached node `id`'s handler so far. */
  rpcCount(id: NodeId): number {
    return this.endpoint(id).rpcCount;
  }

  /** Requests that reached any handler so far. */
  rpcTotal(): number {
    let total = 0;
    for (const endpoint of this.endpoints) total += endpoint.rpcCount;
    return total;
  }

  private endpoint(id: NodeId): Endpoint {
    const endpoint = this.endpoints[id];
    assert(endpoint !== undefined, `network: unknown node ${id}`);
    return endpoint;
  }

  private sendAll(from: NodeId, incarnation: number, messages: readonly Message[]): void {
    if (this.endpoint(from).incarnation !== incarnation) return;
    for (const message of messages) this.send(from, message);
  }

  private send(from: NodeId, message: Message): void {
    assert(message.from === from, `network: node ${from} sent a message from ${message.from}`);
    const target = this.endpoint(message.to);
    this.stats.sentCount++;
    const request = isRequestMessage(message);
    if (request) this.stats.bytesTotal += messageBytes(message);
    const inFlight: InFlight = {
      message,
      senderIncarnation: this.endpoint(from).incarnation,
      targetIncarnation: target.incarnation,
    };
    this.transmit(inFlight, request);
    if (this.faults.duplicationRate > 0 && this.prng.nextFloat() < this.faults.duplicationRate) {
      this.stats.duplicatedCount++;
      this.transmit(inFlight, request);
    }
  }

  private transmit(inFlight: InFlight, request: boolean): void {
    const { message } = inFlight;
    if (!this.linkEnabled(message.from, message.to)) {
      this.drop(message, 'link');
      return;
    }
    const faults = this.faults;
    const lossRate = request ? faults.requestLossRate : faults.replyLossRate;
    const delayMs = request ? this.requestDelayMs(faults) : this.replyDelayMs(faults);
    const lost = lossRate > 0 && this.prng.nextFloat() < lossRate;
    if (lost) {
      this.drop(message, 'loss');
      return;
    }
    const copy = structuredClone(message);
    this.scheduler.schedule(delayMs, () => this.deliver({ ...inFlight, message: copy }, request));
  }

  private requestDelayMs(faults: NetworkFaults): number {
    if (faults.requestDelayMsMax === 0) return 0;
    return this.prng.nextInt(faults.requestDelayMsMax + 1);
  }

  private replyDelayMs(faults: NetworkFaults): number {
    if (faults.longReordering && this.prng.nextFloat() < longReorderingRate) {
      const spreadMs = this.prng.nextInt(longReorderingSpreadMs);
      return longReorderingBaseMs + this.prng.nextInt(spreadMs + 1);
    }
    if (faults.replyDelayMsMax === 0) return 0;
    return this.prng.nextInt(faults.replyDelayMsMax + 1);
  }

  private deliver(inFlight: InFlight, request: boolean): void {
    const { message } = inFlight;
    const sender = this.endpoint(message.from);
    const target = this.endpoint(message.to);
    if (!this.linkEnabled(message.from, message.to)) {
      this.drop(message, 'link');
      return;
    }
    if (sender.incarnation !== inFlight.senderIncarnation) {
      this.drop(message, 'sender-gone');
      return;
    }
    if (target.incarnation !== inFlight.targetIncarnation || target.receiver === null) {
      this.drop(message, 'target-gone');
      return;
    }
    if (request) target.rpcCount++;
    if (!request) this.stats.bytesTotal += messageBytes(message);
    this.stats.deliveredCount++;
    this.tap?.({ kind: 'deliver', message });
    target.receiver(message);
  }

  private drop(message: Message, reason: DropReason): void {
    this.stats.droppedCount++;
    this.tap?.({ kind: 'drop', message, reason });
  }
}
