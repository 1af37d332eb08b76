// A TCP proxy for one directed link that understands kvraft's framing: every frame after the
// handshake can be dropped, duplicated, delayed (with jitter), held back behind the next frame
// (reordered), paced to a bandwidth cap, or cut. Handshake frames (hello, challenge, auth,
// welcome, refuse) always pass, so a fault looks like a bad network, not a broken peer.
// Invariant: frames of one direction leave in the order they arrive unless reordered on purpose.
import { connect, createServer, type Server, type Socket } from 'node:net';
import { type Endpoint, transportLimitsDefault } from '@kvraft/transport';
import { Unpackr } from 'msgpackr';
import { FrameSplitter } from './frame-splitter.ts';
import { type LinkFaults, linkFaultsNone } from './link-faults.ts';

/** What a proxy counted, summed over its connections and both directions. */
export interface ProxyStats {
  frames: number;
  dropped: number;
  duplicated: number;
  reordered: number;
  delayed: number;
  bytes: number;
}

/** Options of one proxy. */
export interface FaultProxyOptions {
  /** Where to listen (port 0 picks a free one). */
  readonly listen: Endpoint;
  /** Where to forward; read on every new connection, so it may be bound late. */
  readonly target: () => Endpoint;
  /** Uniform randomness in [0, 1) for the fault draws (seeded by the caller). */
  readonly random: () => number;
}

/** Frame kinds that set a connection up; never faulted. */
const handshakeKinds: ReadonlySet<string> = new Set([
  'hello',
  'challenge',
  'auth',
  'welcome',
  'refuse',
]);

/** Bytes a direction may hold back (delayed frames) before it drops new ones. */
const heldBytesMax = 64 * 1024 * 1024;

/** Longest a reordered frame waits for a successor before it is sent anyway. */
const reorderHoldMsMax = 100;

const unpackr = new Unpackr({ useRecords: false, mapsAsObjects: true });

/** One listening proxy; each accepted connection gets its own upstream connection. */
export class FaultProxy {
  private faults: LinkFaults = linkFaultsNone;
  private readonly sockets = new Set<Socket>();
  /** Counters since start. */
  readonly stats: ProxyStats = {
    frames: 0,
    dropped: 0,
    duplicated: 0,
    reordered: 0,
    delayed: 0,
    bytes: 0,
  };

  private constructor(
    private readonly server: Server,
    private readonly options: FaultProxyOptions,
    /** Where the proxy listens. */
    readonly endpoint: Endpoint,
  ) {}

  /** Starts listening; rejects when the port is taken. */
  static async listen(options: FaultProxyOptions): Promise<FaultProxy> {
    const server = createServer();
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(options.listen.port, options.listen.host, () => resolve());
    });
    const address = server.address();
    if (address === null || typeof address !== 'object') throw new Error('proxy has no address');
    const proxy = new FaultProxy(server, options, {
      host: options.listen.host,
      port: address.port,
    });
    server.on('connection', (socket) => proxy.accept(socket));
    return proxy;
  }

  /** Replaces the link's faults; frames already held keep their release times. */
  setFaults(faults: LinkFaults): void {
    this.faults = faults;
  }

  /** The link's current faults. */
  currentFaults(): LinkFaults {
    return this.faults;
  }

  /** Stops listening and closes every connection. */
  async close(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private accept(downstream: Socket): void {
    const upstream = connect(this.options.target());
    for (const socket of [downstream, upstream]) {
      this.sockets.add(socket);
      socket.setNoDelay(true);
      socket.on('error', () => undefined);
      socket.on('close', () => {
        this.sockets.delete(socket);
        downstream.destroy();
        upstream.destroy();
      });
    }
    this.pipe(downstream, upstream);
    this.pipe(upstream, downstream);
  }

  // Forwards one direction frame by frame, through the faults in force when each frame arrives.
  private pipe(from: Socket, to: Socket): void {
    const splitter = new FrameSplitter(transportLimitsDefault.frameBytesMax);
    const lane = new FrameLane(to);
    from.on('data', (chunk: Buffer) => {
      let frames: Buffer[];
      try {
        frames = splitter.push(chunk);
      } catch {
        from.destroy();
        return;
      }
      for (const frame of frames) this.forward(frame, lane);
    });
    from.on('close', () => lane.close());
  }

  private forward(frame: Buffer, lane: FrameLane): void {
    this.stats.frames++;
    this.stats.bytes += frame.length;
    if (isHandshake(frame)) {
      lane.send(frame, 0, false);
      return;
    }
    const faults = this.faults;
    const random = this.options.random;
    if (faults.cut || random() < faults.dropRate || lane.heldBytes > heldBytesMax) {
      this.stats.dropped++;
      return;
    }
    const delayMs = faults.delayMs + random() * faults.jitterMs + lane.pacingMs(frame, faults);
    if (delayMs > 0) this.stats.delayed++;
    const reorder = random() < faults.reorderRate;
    if (reorder) this.stats.reordered++;
    lane.send(frame, delayMs, reorder);
    if (random() < faults.duplicateRate) {
      this.stats.duplicated++;
      lane.send(frame, delayMs, false);
    }
  }
}

/** One direction's outgoing frames: a FIFO of release times that never go back, one timer. */
class FrameLane {
  private lastReleaseMs = 0;
  private heldBack: Buffer | null = null;
  private closed = false;
  // Invariant: releaseMs is non-decreasing along the queue, so FIFO order is release order.
  private readonly queue: { frames: Buffer[]; releaseMs: number }[] = [];
  private timer: NodeJS.Timeout | null = null;
  /** Bytes of frames waiting for their release time. */
  heldBytes = 0;

  constructor(private readonly to: Socket) {}

  /** Extra delay that keeps this direction under the bandwidth cap. */
  pacingMs(frame: Buffer, faults: LinkFaults): number {
    if (faults.bandwidthBytesPerSecond <= 0) return 0;
    const busyUntilMs = Math.max(this.lastReleaseMs, performance.now());
    const transmitMs = (frame.length / faults.bandwidthBytesPerSecond) * 1000;
    return busyUntilMs + transmitMs - performance.now();
  }

  /** Sends `frame` after `delayMs`, or holds it behind the next frame when `reorder`. */
  send(frame: Buffer, delayMs: number, reorder: boolean): void {
    if (this.closed) return;
    if (reorder && this.heldBack === null) {
      // Held behind the next frame, but never longer than reorderHoldMsMax on a quiet link.
      this.heldBack = frame;
      setTimeout(() => {
        if (this.heldBack !== frame) return;
        this.heldBack = null;
        this.enqueue([frame], 0);
      }, reorderHoldMsMax);
      return;
    }
    const frames = this.heldBack === null ? [frame] : [frame, this.heldBack];
    this.heldBack = null;
    this.enqueue(frames, delayMs);
  }

  close(): void {
    this.closed = true;
    if (this.timer !== null) clearTimeout(this.timer);
  }

  private enqueue(frames: Buffer[], delayMs: number): void {
    const releaseMs = Math.max(performance.now() + delayMs, this.lastReleaseMs);
    this.lastReleaseMs = releaseMs;
    for (const frame of frames) this.heldBytes += frame.length;
    this.queue.push({ frames, releaseMs });
    this.pump();
  }

  private pump(): void {
    const now = performance.now();
    while (this.queue.length > 0 && this.queue[0]!.releaseMs <= now) {
      for (const frame of this.queue.shift()!.frames) {
        this.heldBytes -= frame.length;
        if (!this.to.destroyed) this.to.write(frame);
      }
    }
    if (this.timer !== null || this.queue.length === 0 || this.closed) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      this.pump();
    }, this.queue[0]!.releaseMs - now);
  }
}

// Peeks at a frame's `kind` (the payload is a msgpack map); undecodable frames count as data.
function isHandshake(frame: Buffer): boolean {
  try {
    const value = unpackr.unpack(frame.subarray(4)) as { kind?: unknown } | null;
    return typeof value?.kind === 'string' && handshakeKinds.has(value.kind);
  } catch {
    return false;
  }
}
