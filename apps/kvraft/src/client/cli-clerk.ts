// The clerk a client command runs: TCP (or TLS) to the servers, the real clock, crypto client
// ids, and a record of whether the answered Get found its key. Built here rather than through
// @kvraft/cluster, so `kvraft get` loads no process-cluster or fault-proxy code.
import { randomInt } from 'node:crypto';
import { Clerk, type ClientTransport } from '@kvraft/clerk';
import type { ClientReply, ClientRequest } from '@kvraft/kv-service';
import { type ClientTlsOptions, type Endpoint, TcpClientTransport } from '@kvraft/transport';

/** Options of a CLI clerk. */
export interface CliClerkOptions {
  readonly servers: ReadonlyMap<number, Endpoint>;
  readonly operationTimeoutMs: number;
  readonly tls?: ClientTlsOptions;
}

/**
 * Passes calls through and remembers the `found` bit of the last successful Get reply. A clerk
 * runs one operation at a time and returns on the first successful reply, so after `get()` the
 * bit belongs to the reply the clerk returned.
 */
export class FoundTrackingTransport implements ClientTransport {
  /** Whether the last answered Get found its key; undefined if the server did not say. */
  lastFound: boolean | undefined;

  /** Wraps `inner`. */
  constructor(private readonly inner: ClientTransport) {}

  /** Sends one request through the wrapped transport. */
  async call(
    server: number,
    request: ClientRequest,
    timeoutMs: number,
  ): Promise<ClientReply | undefined> {
    const reply = await this.inner.call(server, request, timeoutMs);
    if (reply?.ok === true && request.kind === 'get') this.lastFound = reply.found;
    return reply;
  }
}

/** Creates a clerk for one CLI operation; `close()` ends its connections. */
export function createCliClerk(options: CliClerkOptions): {
  clerk: Clerk;
  found: FoundTrackingTransport;
  close: () => void;
} {
  const transport = new TcpClientTransport({
    servers: options.servers,
    ...(options.tls === undefined ? {} : { tls: options.tls }),
  });
  const found = new FoundTrackingTransport(transport);
  const clerk = new Clerk({
    servers: [...options.servers.keys()],
    transport: found,
    clock: {
      now: () => performance.now(),
      sleep: (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)),
    },
    prng: { nextUint32: () => randomInt(2 ** 32) },
    operationTimeoutMs: options.operationTimeoutMs,
  });
  return { clerk, found, close: () => transport.close() };
}
