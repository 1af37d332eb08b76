// The nemesis's network: one FaultProxy per directed peer link (i dials j through proxy i→j) and
// one per client link (clients reach node i through client proxy i). Each node's peer map points
// at its own outbound proxies, so a one-way cut or a lossy link affects exactly one direction.
// The control path (status probes, /metrics) goes straight to the nodes, never through here.
import type { Endpoint } from '@kvraft/transport';
import { FaultProxy, type ProxyStats } from './fault-proxy.ts';
import { type LinkFaults, linkFaultsNone } from './link-faults.ts';

/** A directed peer link: `from` sends to `to`. */
export interface Link {
  readonly from: number;
  readonly to: number;
}

/** Options of a mesh. */
export interface ProxyMeshOptions {
  readonly nodeIds: readonly number[];
  /** Each node's real endpoint, read when a proxy accepts a connection. */
  readonly target: (id: number) => Endpoint;
  /** Uniform randomness in [0, 1), shared by every proxy. */
  readonly random: () => number;
  /** Ports to listen on, in order (peer links first, then client links); default any free. */
  readonly ports?: readonly number[];
}

/** Every proxy of a cluster and the faults currently set on each. */
export class ProxyMesh {
  private readonly blocked = new Set<string>();
  private linkFaults = linkFaultsNone;
  private clientFaults = linkFaultsNone;

  private constructor(
    private readonly nodeIds: readonly number[],
    private readonly peers: ReadonlyMap<string, FaultProxy>,
    private readonly clients: ReadonlyMap<number, FaultProxy>,
  ) {}

  /** Starts every proxy; on any failure closes those already listening and rethrows. */
  static async start(options: ProxyMeshOptions): Promise<ProxyMesh> {
    const peers = new Map<string, FaultProxy>();
    const clients = new Map<number, FaultProxy>();
    const started: FaultProxy[] = [];
    const nextPort = portSource(options.ports);
    const open = async (to: number): Promise<FaultProxy> => {
      const listen = { host: '127.0.0.1', port: nextPort() };
      const proxy = await FaultProxy.listen({
        listen,
        target: () => options.target(to),
        random: options.random,
      });
      started.push(proxy);
      return proxy;
    };
    try {
      for (const from of options.nodeIds) {
        for (const to of options.nodeIds) {
          if (from !== to) peers.set(linkKey({ from, to }), await open(to));
        }
      }
      for (const id of options.nodeIds) clients.set(id, await open(id));
    } catch (error) {
      await Promise.all(started.map((proxy) => proxy.close()));
      throw error;
    }
    return new ProxyMesh(options.nodeIds, peers, clients);
  }

  /** Node `id`'s peer map: itself at `own`, every other node through its outbound proxy. */
  peerMapFor(id: number, own: Endpoint): Map<number, Endpoint> {
    const map = new Map<number, Endpoint>();
    for (const to of this.nodeIds) {
      map.set(to, to === id ? own : this.peers.get(linkKey({ from: id, to }))!.endpoint);
    }
    return map;
  }

  /** The endpoints clients use: node id → its client proxy. */
  clientEndpoints(): Map<number, Endpoint> {
    return new Map([...this.clients].map(([id, proxy]) => [id, proxy.endpoint]));
  }

  /** Cuts exactly `links` (and heals every other peer link). */
  block(links: readonly Link[]): void {
    this.blocked.clear();
    for (const link of links) this.blocked.add(linkKey(link));
    this.apply();
  }

  /** Sets the faults of every peer link, and of client links when `clients` is true. */
  setFaults(faults: LinkFaults, clients: boolean): void {
    this.linkFaults = faults;
    this.clientFaults = clients ? faults : linkFaultsNone;
    this.apply();
  }

  /** Heals every link: no cuts, no faults. */
  heal(): void {
    this.blocked.clear();
    this.linkFaults = linkFaultsNone;
    this.clientFaults = linkFaultsNone;
    this.apply();
  }

  /** The directed peer links cut now. */
  blockedLinks(): Link[] {
    return [...this.blocked].map((key) => {
      const [from, to] = key.split('>').map(Number);
      return { from: from!, to: to! };
    });
  }

  /** Counters summed over every proxy. */
  stats(): ProxyStats {
    const total: ProxyStats = {
      frames: 0,
      dropped: 0,
      duplicated: 0,
      reordered: 0,
      delayed: 0,
      bytes: 0,
    };
    for (const proxy of [...this.peers.values(), ...this.clients.values()]) {
      for (const key of Object.keys(total) as (keyof ProxyStats)[]) total[key] += proxy.stats[key];
    }
    return total;
  }

  /** Closes every proxy. */
  async close(): Promise<void> {
    await Promise.all([...this.peers.values(), ...this.clients.values()].map((p) => p.close()));
  }

  private apply(): void {
    for (const [key, proxy] of this.peers) {
      const cut = this.blocked.has(key);
      proxy.setFaults(cut ? { ...this.linkFaults, cut: true } : this.linkFaults);
    }
    for (const proxy of this.clients.values()) proxy.setFaults(this.clientFaults);
  }
}

function linkKey(link: Link): string {
  return `${link.from}>${link.to}`;
}

// Hands out the given ports in order, then 0 (any free port).
function portSource(ports: readonly number[] | undefined): () => number {
  let next = 0;
  return () => ports?.[next++] ?? 0;
}
