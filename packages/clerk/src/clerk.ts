// Clerk: the client library. It gives each write a sequence number kept across retries (so the
// servers' sessions apply it exactly once), follows leader hints, rotates over the servers on
// WrongLeader, timeouts and lost replies, and bounds every operation by a deadline. One operation
// at a time per clerk; many clerks may share a process. No I/O or waiting except via its ports.
import type { ClientReply, ClientRequest, ClientRequestKind } from '@kvraft/kv-service';
import { assert } from './assert.ts';
import type { ClerkErrorCode, ClerkResult } from './clerk-result.ts';
import { type ClerkOptions, type ResolvedClerkOptions, resolveClerkOptions } from './options.ts';
import type { ClerkRandom } from './ports.ts';

/** What a finished attempt means for the operation. */
type AttemptOutcome =
  | { readonly kind: 'done'; readonly reply: ClientReply & { ok: true } }
  | { readonly kind: 'retry' }
  | { readonly kind: 'renew-session' }
  | { readonly kind: 'give-up'; readonly error: ClerkErrorCode; readonly message?: string };

/** Mutable state of the operation in progress. */
interface Attempts {
  request: ClientRequest;
  /** Whether some attempt may have proposed the write (no answer, or Timeout). */
  mayHaveApplied: boolean;
  /** Attempts since the last backoff pause; a full rotation without success pauses. */
  sinceBackoff: number;
}

/** A KV client: Get/Put/Append with exactly-once writes and deadlines. */
export class Clerk {
  private readonly options: ResolvedClerkOptions;
  private clientIdValue: number;
  // Invariant: the seq of the last write issued under clientIdValue (0 before the first).
  private seq = 0;
  private leaderIndex = 0;
  private busy = false;

  /** A clerk with a fresh random client id. */
  constructor(options: ClerkOptions) {
    this.options = resolveClerkOptions(options);
    this.clientIdValue = randomClientId(this.options.prng);
  }

  /** This clerk's current client id (a new one is drawn after its session expired). */
  get clientId(): number {
    return this.clientIdValue;
  }

  /** Reads `key` ("" when missing); retried freely until the deadline, then a definite failure. */
  get(key: string): Promise<ClerkResult<string>> {
    return this.execute('get', key, undefined).then((result) =>
      result.ok ? { ok: true, value: result.value ?? '' } : result,
    );
  }

  /** Sets `key` to `value` exactly once, or reports indeterminate at the deadline. */
  put(key: string, value: string): Promise<ClerkResult<undefined>> {
    return this.write('put', key, value);
  }

  /** Appends `value` to `key` exactly once, or reports indeterminate at the deadline. */
  append(key: string, value: string): Promise<ClerkResult<undefined>> {
    return this.write('append', key, value);
  }

  private async write(
    kind: 'put' | 'append',
    key: string,
    value: string,
  ): Promise<ClerkResult<undefined>> {
    const result = await this.execute(kind, key, value);
    return result.ok ? { ok: true, value: undefined } : result;
  }

  private async execute(
    kind: ClientRequestKind,
    key: string,
    value: string | undefined,
  ): Promise<ClerkResult<string | undefined>> {
    assert(!this.busy, 'a clerk runs one operation at a time');
    this.busy = true;
    try {
      return await this.retryUntilDeadline(kind, key, value);
    } finally {
      this.busy = false;
    }
  }

  private async retryUntilDeadline(
    kind: ClientRequestKind,
    key: string,
    value: string | undefined,
  ): Promise<ClerkResult<string | undefined>> {
    const { clock, operationTimeoutMs } = this.options;
    const deadlineMs = clock.now() + operationTimeoutMs;
    const attempts: Attempts = {
      request: this.requestOf(kind, key, value),
      mayHaveApplied: false,
      sinceBackoff: 0,
    };
    for (;;) {
      const remainingMs = deadlineMs - clock.now();
      if (remainingMs <= 0) break;
      const outcome = await this.attempt(attempts, remainingMs);
      if (outcome.kind === 'done') return { ok: true, value: outcome.reply.value };
      if (outcome.kind === 'give-up') return this.failure(attempts, outcome.error, outcome.message);
      if (outcome.kind === 'renew-session') {
        this.renewSession();
        attempts.request = this.requestOf(kind, key, value);
        continue;
      }
      await this.pauseAfterRotation(attempts, deadlineMs);
    }
    return this.failure(attempts, 'Deadline', undefined);
  }

  private async attempt(attempts: Attempts, remainingMs: number): Promise<AttemptOutcome> {
    const { request } = attempts;
    const server = this.options.servers[this.leaderIndex]!;
    const timeoutMs = Math.min(this.options.attemptTimeoutMs, remainingMs);
    const reply = await this.options.transport.call(server, request, timeoutMs);
    attempts.sinceBackoff++;
    const write = request.kind !== 'get';
    if (reply === undefined) {
      if (write) attempts.mayHaveApplied = true;
      this.rotate(undefined);
      return { kind: 'retry' };
    }
    if (reply.ok) return { kind: 'done', reply };
    switch (reply.error) {
      case 'WrongLeader':
        this.rotate(reply.leaderHint);
        return { kind: 'retry' };
      case 'Timeout':
        if (write) attempts.mayHaveApplied = true;
        this.rotate(undefined);
        return { kind: 'retry' };
      case 'SessionExpired':
        // Nothing of this write can have applied: retry it at once under a fresh session.
        if (!attempts.mayHaveApplied) return { kind: 'renew-session' };
        return { kind: 'give-up', error: 'SessionExpired' };
      case 'BadRequest':
        return reply.message === undefined
          ? { kind: 'give-up', error: 'BadRequest' }
          : { kind: 'give-up', error: 'BadRequest', message: reply.message };
    }
  }

  private async pauseAfterRotation(attempts: Attempts, deadlineMs: number): Promise<void> {
    if (attempts.sinceBackoff < this.options.servers.length) return;
    attempts.sinceBackoff = 0;
    const pauseMs = Math.min(this.options.retryBackoffMs, deadlineMs - this.options.clock.now());
    if (pauseMs > 0) await this.options.clock.sleep(pauseMs);
  }

  private failure(
    attempts: Attempts,
    error: ClerkErrorCode,
    message: string | undefined,
  ): ClerkResult<string | undefined> {
    // A write that some attempt may have proposed may still apply: its outcome is unknown.
    if (attempts.mayHaveApplied) return { ok: false, indeterminate: true, error };
    if (message === undefined) return { ok: false, indeterminate: false, error };
    return { ok: false, indeterminate: false, error, message };
  }

  private requestOf(
    kind: ClientRequestKind,
    key: string,
    value: string | undefined,
  ): ClientRequest {
    const clientId = this.clientIdValue;
    if (kind === 'get') return { kind, key, clientId, seq: this.seq };
    assert(value !== undefined, `${kind} needs a value`);
    this.seq++;
    return { kind, key, value, clientId, seq: this.seq };
  }

  private renewSession(): void {
    this.clientIdValue = randomClientId(this.options.prng);
    this.seq = 0;
  }

  private rotate(leaderHint: number | undefined): void {
    const { servers } = this.options;
    const hinted = leaderHint === undefined ? -1 : servers.indexOf(leaderHint);
    this.leaderIndex = hinted >= 0 ? hinted : (this.leaderIndex + 1) % servers.length;
  }
}

/** Draws a random client id: a positive 53-bit safe integer. */
export function randomClientId(random: ClerkRandom): number {
  const high = random.nextUint32() >>> 11;
  const low = random.nextUint32();
  const id = high * 0x1_0000_0000 + low;
  return id === 0 ? 1 : id;
}
