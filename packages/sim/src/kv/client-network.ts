// The clerk↔server network of the kvraft tester (labrpc as config.go uses it, SCENARIOS.md §3):
// every clerk has its own end to every server, separate from the server↔server links, so
// partitions never cut clerks. Long delays are off: a call over a disabled end or to a deleted
// server fails after U[0, 99] ms. Unreliable: the request waits U[0, 26] ms, 10% of requests are
// dropped before the handler runs, 10% of replies after it ran. A call whose server was deleted or
// replaced, or whose end was disabled, while the handler ran gets no reply (checked every 100 ms
// and at the end), so a killed server never acknowledges anything.
import type { ClerkClock, ClientTransport } from '@kvraft/clerk';
import type { ClientReply, ClientRequest } from '@kvraft/kv-service';
import { assert, type Prng, type TimerHandle } from '@kvraft/raft-core';
import type { Scheduler } from '../scheduler.ts';

/** labrpc's kvraft-tester numbers. */
export const clientNetworkTiming = {
  /** A call over a disabled end or to a missing server fails after U[0, this) ms. */
  unreachableFailMsMax: 100,
  /** Unreliable: requests wait U[0, this] ms. */
  requestDelayMsMax: 26,
  requestLossRate: 0.1,
  replyLossRate: 0.1,
  /** How often a running handler's target is checked for death. */
  deadCheckMs: 100,
} as const;

/** A server's request handler. */
export type ClientHandler = (request: ClientRequest) => Promise<ClientReply>;

interface ServerSlot {
  handler: ClientHandler | null;
  incarnation: number;
}

/** The clerk-facing network: per-clerk ends to every server. */
export class ClientNetwork {
  private readonly servers: ServerSlot[] = [];
  /** enabled[clerk][server]: whether that clerk's end to that server is on. */
  private readonly enabled = new Map<number, boolean[]>();
  private reliable = true;
  /** Client RPCs that reached a handler. */
  rpcCount = 0;

  /** A network to `serverCount` servers, none registered yet. */
  constructor(
    private readonly scheduler: Scheduler,
    private readonly prng: Prng,
    readonly serverCount: number,
  ) {
    for (let i = 0; i < serverCount; i++) this.servers.push({ handler: null, incarnation: 0 });
  }

  /** Switches labrpc reliability for client calls. */
  setReliable(reliable: boolean): void {
    this.reliable = reliable;
  }

  /** Registers (or replaces) server `server`'s handler; existing ends reach the new one. */
  register(server: number, handler: ClientHandler): void {
    const slot = this.slot(server);
    slot.incarnation++;
    slot.handler = handler;
  }

  /** Deletes server `server`: calls in progress to it get no reply. */
  remove(server: number): void {
    const slot = this.slot(server);
    slot.incarnation++;
    slot.handler = null;
  }

  /** Creates clerk `clerk`'s ends (all disabled) and returns its transport. */
  addClerk(clerk: number): ClientTransport {
    assert(!this.enabled.has(clerk), `client network: clerk ${clerk} exists`);
    this.enabled.set(clerk, new Array<boolean>(this.serverCount).fill(false));
    return { call: (server, request, timeoutMs) => this.call(clerk, server, request, timeoutMs) };
  }

  /** Enables clerk `clerk`'s ends to exactly `servers` (config.go's ConnectClient). */
  connectClerk(clerk: number, servers: readonly number[]): void {
    const ends = this.enabled.get(clerk);
    assert(ends !== undefined, `client network: unknown clerk ${clerk}`);
    ends.fill(false);
    for (const server of servers) ends[server] = true;
  }

  /** A clerk clock on this network's virtual time. */
  clerkClock(): ClerkClock {
    return { now: () => this.scheduler.nowMs, sleep: (ms) => this.scheduler.sleep(ms) };
  }

  private slot(server: number): ServerSlot {
    const slot = this.servers[server];
    assert(slot !== undefined, `client network: unknown server ${server}`);
    return slot;
  }

  private endEnabled(clerk: number, server: number): boolean {
    return this.enabled.get(clerk)?.[server] === true;
  }

  private call(
    clerk: number,
    server: number,
    request: ClientRequest,
    timeoutMs: number,
  ): Promise<ClientReply | undefined> {
    return new Promise((resolve) => {
      let done = false;
      const timers: TimerHandle[] = [];
      const finish = (reply: ClientReply | undefined): void => {
        if (done) return;
        done = true;
        for (const timer of timers) timer.cancel();
        resolve(reply);
      };
      timers.push(this.scheduler.schedule(timeoutMs, () => finish(undefined)));
      const slot = this.slot(server);
      if (!this.endEnabled(clerk, server) || slot.handler === null) {
        const failMs = this.prng.nextInt(clientNetworkTiming.unreachableFailMsMax);
        timers.push(this.scheduler.schedule(failMs, () => finish(undefined)));
        return;
      }
      const delayMs = this.reliable
        ? 0
        : this.prng.nextInt(clientNetworkTiming.requestDelayMsMax + 1);
      timers.push(
        this.scheduler.schedule(delayMs, () =>
          this.dispatch(clerk, server, request, finish, timers, () => done),
        ),
      );
    });
  }

  private dispatch(
    clerk: number,
    server: number,
    request: ClientRequest,
    finish: (reply: ClientReply | undefined) => void,
    timers: TimerHandle[],
    isDone: () => boolean,
  ): void {
    if (!this.reliable && this.prng.nextFloat() < clientNetworkTiming.requestLossRate) {
      return finish(undefined);
    }
    const slot = this.slot(server);
    const handler = slot.handler;
    if (handler === null || !this.endEnabled(clerk, server)) return finish(undefined);
    const incarnation = slot.incarnation;
    const dead = (): boolean => slot.incarnation !== incarnation || !this.endEnabled(clerk, server);
    this.rpcCount++;
    const watch = (): void => {
      if (isDone()) return;
      if (dead()) return finish(undefined);
      timers.push(this.scheduler.schedule(clientNetworkTiming.deadCheckMs, watch));
    };
    timers.push(this.scheduler.schedule(clientNetworkTiming.deadCheckMs, watch));
    // Requests and replies are plain data with immutable strings: a shallow copy shares no state.
    handler({ ...request }).then(
      (reply) => {
        if (dead()) return finish(undefined);
        if (!this.reliable && this.prng.nextFloat() < clientNetworkTiming.replyLossRate) {
          return finish(undefined);
        }
        finish({ ...reply });
      },
      // A handler never rejects on bad input (it answers BadRequest): a rejection is a bug.
      (error: unknown) =>
        this.scheduler.fail(error instanceof Error ? error : new Error(String(error))),
    );
  }
}
