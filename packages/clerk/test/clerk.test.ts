// Goal: the clerk's retry contract. Method: a scripted fake transport answers each call from a
// queue and records what was sent, on a fake clock that only moves when the clerk waits.
import type { ClientReply, ClientRequest } from '@kvraft/kv-service';
import { describe, expect, it } from 'vitest';
import { Clerk, type ClerkClock, type ClientTransport } from '../src/index.ts';

type Script = (server: number, request: ClientRequest) => ClientReply | undefined;

interface Fake {
  readonly clerk: Clerk;
  readonly calls: Array<{ server: number; request: ClientRequest; timeoutMs: number }>;
  readonly clock: { nowMs: number };
}

function fakeClerk(script: Script, operationTimeoutMs = 10_000): Fake {
  let random = 1;
  const clock = { nowMs: 0 };
  const calls: Fake['calls'] = [];
  const transport: ClientTransport = {
    call: async (server, request, timeoutMs) => {
      calls.push({ server, request, timeoutMs });
      const reply = script(server, request);
      // An unanswered call costs its whole timeout; an answered one costs 1 ms.
      clock.nowMs += reply === undefined ? timeoutMs : 1;
      return reply;
    },
  };
  const clerkClock: ClerkClock = {
    now: () => clock.nowMs,
    sleep: async (ms) => {
      clock.nowMs += ms;
    },
  };
  const clerk = new Clerk({
    servers: [10, 11, 12],
    transport,
    clock: clerkClock,
    prng: {
      nextUint32: () => {
        random = (random * 1103515245 + 12345) >>> 0;
        return random;
      },
    },
    operationTimeoutMs,
    attemptTimeoutMs: 500,
  });
  return { clerk, calls, clock };
}

describe('Clerk', () => {
  it('draws a positive 53-bit client id', () => {
    const { clerk } = fakeClerk(() => ({ ok: true }));
    expect(Number.isSafeInteger(clerk.clientId) && clerk.clientId > 0).toBe(true);
  });

  it('keeps the seq across retries of one write and advances it for the next', async () => {
    let n = 0;
    const { clerk, calls } = fakeClerk(() => (n++ < 2 ? undefined : { ok: true }));
    expect(await clerk.append('k', 'a')).toEqual({ ok: true, value: undefined });
    expect(await clerk.append('k', 'b')).toEqual({ ok: true, value: undefined });
    expect(calls.map((call) => call.request.seq)).toEqual([1, 1, 1, 2]);
    expect(new Set(calls.map((call) => call.request.clientId)).size).toBe(1);
  });

  it('rotates on WrongLeader and follows a leader hint', async () => {
    const { clerk, calls } = fakeClerk((server) => {
      if (server === 10) return { ok: false, error: 'WrongLeader', leaderHint: 12 };
      if (server === 12) return { ok: true, value: 'v' };
      return { ok: false, error: 'WrongLeader' };
    });
    expect(await clerk.get('k')).toEqual({ ok: true, value: 'v' });
    expect(calls.map((call) => call.server)).toEqual([10, 12]);
    await clerk.get('k');
    expect(calls[2]?.server).toBe(12);
  });

  it('rotates on Timeout and on no answer', async () => {
    let n = 0;
    const { clerk, calls } = fakeClerk(() => {
      n++;
      if (n === 1) return { ok: false, error: 'Timeout' };
      if (n === 2) return undefined;
      return { ok: true };
    });
    await clerk.put('k', 'v');
    expect(calls.map((call) => call.server)).toEqual([10, 11, 12]);
  });

  it('reports a write as indeterminate when its deadline passes with an unknown outcome', async () => {
    const { clerk } = fakeClerk(() => undefined, 2000);
    expect(await clerk.append('k', 'a')).toEqual({
      ok: false,
      indeterminate: true,
      error: 'Deadline',
    });
  });

  it('reports a definite failure when no attempt could have proposed the write', async () => {
    const { clerk } = fakeClerk(() => ({ ok: false, error: 'WrongLeader' }), 1000);
    expect(await clerk.append('k', 'a')).toEqual({
      ok: false,
      indeterminate: false,
      error: 'Deadline',
    });
  });

  it('fails a get at its deadline definitely (a read has no effect)', async () => {
    const { clerk } = fakeClerk(() => undefined, 1000);
    expect(await clerk.get('k')).toMatchObject({ ok: false, indeterminate: false });
  });

  it('bounds each attempt by the time left before the deadline', async () => {
    const { clerk, calls } = fakeClerk(() => undefined, 1200);
    await clerk.get('k');
    expect(calls.map((call) => call.timeoutMs)).toEqual([500, 500, 200]);
  });

  it('pauses after a full rotation without success, so retries never spin', async () => {
    const { clerk, calls, clock } = fakeClerk(() => ({ ok: false, error: 'WrongLeader' }), 100);
    await clerk.get('k');
    // Each rotation: 3 calls of 1 ms, then a 20 ms pause.
    expect(calls.length).toBeLessThan(20);
    expect(clock.nowMs).toBeGreaterThanOrEqual(100);
  });

  it('renews its session and retries when the first answer is SessionExpired', async () => {
    let n = 0;
    const { clerk, calls } = fakeClerk(() =>
      n++ === 0 ? { ok: false, error: 'SessionExpired' } : { ok: true },
    );
    const firstId = clerk.clientId;
    expect(await clerk.append('k', 'a')).toEqual({ ok: true, value: undefined });
    expect(clerk.clientId).not.toBe(firstId);
    expect(calls[1]?.request).toMatchObject({ clientId: clerk.clientId, seq: 1 });
  });

  it('reports SessionExpired after an unknown attempt as indeterminate', async () => {
    let n = 0;
    const { clerk } = fakeClerk(() =>
      n++ === 0 ? undefined : { ok: false, error: 'SessionExpired' },
    );
    expect(await clerk.append('k', 'a')).toMatchObject({ ok: false, indeterminate: true });
  });

  it('refuses two operations at once', async () => {
    const { clerk } = fakeClerk(() => ({ ok: true }));
    const first = clerk.get('a');
    await expect(clerk.get('b')).rejects.toThrow(/one operation at a time/);
    await first;
  });
});
