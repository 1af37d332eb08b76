// A recorded clerk: the tester's Get/Put/Append wrappers. Each call is recorded in the cluster's
// history (ok / fail / info from the clerk's typed result) and counted; with the default infinite
// deadline every operation ends ok, as the original clerks' retry-forever loops do.
import type { Clerk, ClerkResult } from '@kvraft/clerk';
import { AssertionError } from '@kvraft/raft-core';
import type { KvOutcome } from './kv-history.ts';

/** What a TestClerk needs of its cluster. */
export interface TestClerkHost {
  readonly history: {
    invoke(process: number, f: string, key: string, value?: string): (outcome: KvOutcome) => void;
  };
  opCount: number;
}

/** A clerk whose every operation is recorded; results are typed, never thrown. */
export class TestClerk {
  /** Wraps `clerk`, which uses clerk end set `id` of the client network. */
  constructor(
    private readonly host: TestClerkHost,
    readonly id: number,
    readonly clerk: Clerk,
  ) {}

  /** Get, recorded. */
  get(key: string): Promise<ClerkResult<string>> {
    return this.recorded('get', key, undefined, () => this.clerk.get(key));
  }

  /** Put, recorded. */
  put(key: string, value: string): Promise<ClerkResult<undefined>> {
    return this.recorded('put', key, value, () => this.clerk.put(key, value));
  }

  /** Append, recorded. */
  append(key: string, value: string): Promise<ClerkResult<undefined>> {
    return this.recorded('append', key, value, () => this.clerk.append(key, value));
  }

  /** Get that must succeed (the tester's Get with retry-forever semantics). */
  async mustGet(key: string): Promise<string> {
    const result = await this.get(key);
    if (!result.ok) throw new AssertionError(`Get(${key}) did not complete: ${result.error}`);
    return result.value;
  }

  /** Put that must succeed. */
  async mustPut(key: string, value: string): Promise<void> {
    const result = await this.put(key, value);
    if (!result.ok) throw new AssertionError(`Put(${key}) did not complete: ${result.error}`);
  }

  /** Append that must succeed. */
  async mustAppend(key: string, value: string): Promise<void> {
    const result = await this.append(key, value);
    if (!result.ok) throw new AssertionError(`Append(${key}) did not complete: ${result.error}`);
  }

  private async recorded<T extends string | undefined>(
    f: 'get' | 'put' | 'append',
    key: string,
    value: string | undefined,
    run: () => Promise<ClerkResult<T>>,
  ): Promise<ClerkResult<T>> {
    const complete = this.host.history.invoke(this.id, f, key, value);
    const result = await run();
    this.host.opCount++;
    if (result.ok)
      complete(
        typeof result.value === 'string' ? { type: 'ok', value: result.value } : { type: 'ok' },
      );
    else complete({ type: result.indeterminate ? 'info' : 'fail' });
    return result;
  }
}
