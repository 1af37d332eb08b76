// A Clerk over TCP with the real clock and crypto randomness, for the CLI's client commands,
// the demo's workers and the cluster tests.
import { randomInt } from 'node:crypto';
import { Clerk, type ClientTransport } from '@kvraft/clerk';
import { type Endpoint, TcpClientTransport } from '@kvraft/transport';

/** The clerk's clock: monotonic time, and sleeping on a real timer. */
export const realClerkClock = {
  now: () => performance.now(),
  sleep: (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)),
};

/** Crypto-backed randomness for client ids. */
export const cryptoRandom = { nextUint32: () => randomInt(2 ** 32) };

/** Creates a clerk talking to `servers` (node id → endpoint) and the transport it uses. */
export function createTcpClerk(
  servers: ReadonlyMap<number, Endpoint>,
  timeouts: { operationTimeoutMs?: number; attemptTimeoutMs?: number } = {},
): { clerk: Clerk; transport: TcpClientTransport } {
  const transport = new TcpClientTransport({ servers });
  const port: ClientTransport = transport;
  const clerk = new Clerk({
    servers: [...servers.keys()],
    transport: port,
    clock: realClerkClock,
    prng: cryptoRandom,
    ...timeouts,
  });
  return { clerk, transport };
}
