// Goal: the KV state machine's contract, one claim per test: Get/Put/Append semantics, the session
// rules (duplicates, stale writes, expired sessions), deterministic eviction, and snapshot round
// trips that refuse corrupted or foreign-version bytes. Method: drive it directly with commands.
import { describe, expect, it } from 'vitest';
import { type Command, KvStateMachine } from '../src/index.ts';

function write(
  kind: 'put' | 'append',
  key: string,
  value: string,
  clientId: number,
  seq: number,
): Command {
  return { kind, key, value, clientId, seq };
}

describe('KvStateMachine', () => {
  it('reads "" for a missing key and applies put and append', () => {
    const machine = new KvStateMachine({ sessionsMax: 10 });
    expect(machine.apply(1, { kind: 'get', key: 'k' })).toEqual({
      ok: true,
      value: '',
      found: false,
    });
    machine.apply(2, write('put', 'k', 'a', 7, 1));
    machine.apply(3, write('append', 'k', 'b', 7, 2));
    expect(machine.read('k')).toBe('ab');
    expect(machine.appliedIndex).toBe(3);
  });

  it('tells a missing key from an empty value on a Get, both reading as ""', () => {
    const machine = new KvStateMachine({ sessionsMax: 10 });
    machine.apply(1, write('put', 'empty', '', 7, 1));
    expect(machine.apply(2, { kind: 'get', key: 'empty' })).toEqual({
      ok: true,
      value: '',
      found: true,
    });
    expect(machine.readReply('absent')).toEqual({ ok: true, value: '', found: false });
  });

  it('refuses an append that would grow a value past valueBytesMax, identically on every replica', () => {
    const run = () => {
      const machine = new KvStateMachine({ sessionsMax: 10, valueBytesMax: 10 });
      const replies = [1, 2, 3].map((seq) =>
        machine.apply(seq, write('append', 'k', 'abcd', 7, seq)),
      );
      return { replies, value: machine.read('k'), snapshot: machine.snapshot() };
    };
    const first = run();
    expect(first.replies.map((r) => r.ok)).toEqual([true, true, false]);
    expect(first.replies[2]).toMatchObject({
      error: 'BadRequest',
      message: "append would grow 'k' past 10 bytes",
    });
    expect(first.value).toBe('abcdabcd');
    expect(run().snapshot).toEqual(first.snapshot);
  });

  it('judges a retried refused append again instead of answering it as a duplicate', () => {
    const machine = new KvStateMachine({ sessionsMax: 10, valueBytesMax: 4 });
    machine.apply(1, write('put', 'k', 'abc', 7, 1));
    expect(machine.apply(2, write('append', 'k', 'de', 7, 2))).toMatchObject({ ok: false });
    expect(machine.apply(3, write('append', 'k', 'de', 7, 2))).toMatchObject({ ok: false });
    machine.apply(4, write('put', 'k', '', 8, 1));
    expect(machine.apply(5, write('append', 'k', 'de', 7, 2))).toEqual({ ok: true });
    expect(machine.read('k')).toBe('de');
  });

  it('counts the limit in UTF-8 bytes, not UTF-16 units', () => {
    const machine = new KvStateMachine({ sessionsMax: 10, valueBytesMax: 5 });
    expect(machine.apply(1, write('append', 'k', 'éé', 7, 1))).toEqual({ ok: true });
    expect(machine.apply(2, write('append', 'k', 'é', 7, 2))).toMatchObject({ ok: false });
  });

  it('answers a duplicate write from its session without applying it again', () => {
    const machine = new KvStateMachine({ sessionsMax: 10 });
    machine.apply(1, write('append', 'k', 'x', 7, 1));
    expect(machine.apply(2, write('append', 'k', 'x', 7, 1))).toEqual({ ok: true });
    expect(machine.read('k')).toBe('x');
  });

  it('refuses a stale write (seq below the session) without applying it', () => {
    const machine = new KvStateMachine({ sessionsMax: 10 });
    machine.apply(1, write('append', 'k', 'a', 7, 1));
    machine.apply(2, write('append', 'k', 'b', 7, 2));
    const reply = machine.apply(3, write('append', 'k', 'a', 7, 1));
    expect(reply).toMatchObject({ ok: false, error: 'BadRequest' });
    expect(machine.read('k')).toBe('ab');
  });

  it('refuses a write with seq > 1 from a client without a session (evicted)', () => {
    const machine = new KvStateMachine({ sessionsMax: 10 });
    const reply = machine.apply(1, write('append', 'k', 'a', 7, 5));
    expect(reply).toMatchObject({ ok: false, error: 'SessionExpired' });
    expect(machine.read('k')).toBe('');
  });

  it('applies duplicates again when the test-only bug switch is on', () => {
    const machine = new KvStateMachine({ sessionsMax: 10, skipDuplicateDetection: true });
    machine.apply(1, write('append', 'k', 'x', 7, 1));
    machine.apply(2, write('append', 'k', 'x', 7, 1));
    expect(machine.read('k')).toBe('xx');
  });

  it('evicts the least recently applied session, the same way on every replica', () => {
    const run = (): number[] => {
      const machine = new KvStateMachine({ sessionsMax: 2 });
      machine.apply(1, write('put', 'k', 'a', 1, 1));
      machine.apply(2, write('put', 'k', 'b', 2, 1));
      machine.apply(3, write('put', 'k', 'c', 1, 2));
      machine.apply(4, write('put', 'k', 'd', 3, 1));
      return machine.sessionTable.list().map((session) => session.clientId);
    };
    expect(run()).toEqual([1, 3]);
    expect(run()).toEqual(run());
  });

  it('makes eviction detectable: an evicted client retrying a write gets SessionExpired', () => {
    const machine = new KvStateMachine({ sessionsMax: 1 });
    machine.apply(1, write('append', 'k', 'a', 1, 1));
    machine.apply(2, write('append', 'k', 'b', 1, 2));
    machine.apply(3, write('append', 'j', 'z', 2, 1));
    expect(machine.apply(4, write('append', 'k', 'b', 1, 2))).toMatchObject({
      error: 'SessionExpired',
    });
    expect(machine.read('k')).toBe('ab');
  });

  it('restores a snapshot exactly, sessions and eviction order included', () => {
    const machine = new KvStateMachine({ sessionsMax: 3 });
    machine.apply(1, write('put', 'a', 'A', 1, 1));
    machine.apply(2, write('append', 'b', 'é☃', 2, 1));
    machine.applyNoop(3);
    const copy = new KvStateMachine({ sessionsMax: 3 });
    expect(copy.restore(3, machine.snapshot())).toEqual({ ok: true });
    expect(copy.read('a')).toBe('A');
    expect(copy.read('b')).toBe('é☃');
    expect(copy.sessionTable.list()).toEqual(machine.sessionTable.list());
    expect(copy.apply(4, write('append', 'b', 'x', 2, 1))).toEqual({ ok: true });
    expect(copy.read('b')).toBe('é☃');
    expect(copy.snapshot()).not.toEqual(machine.snapshot());
  });

  it('keeps the snapshot size independent of the number of operations', () => {
    const machine = new KvStateMachine({ sessionsMax: 10 });
    for (let i = 1; i <= 1000; i++) machine.apply(i, write('put', 'x', String(i % 2), 9, i));
    expect(machine.snapshot().length).toBeLessThan(40);
  });

  it('detects a corrupted snapshot by its checksum', () => {
    const machine = new KvStateMachine({ sessionsMax: 3 });
    machine.apply(1, write('put', 'a', 'A', 1, 1));
    const bytes = machine.snapshot();
    bytes[bytes.length - 1]! ^= 0x01;
    const result = new KvStateMachine({ sessionsMax: 3 }).restore(1, bytes);
    expect(result).toEqual({ ok: false, error: 'snapshot: checksum mismatch' });
  });

  it('refuses a snapshot of another format version', () => {
    const machine = new KvStateMachine({ sessionsMax: 3 });
    machine.applyNoop(1);
    const bytes = machine.snapshot();
    bytes[0] = 2;
    const result = new KvStateMachine({ sessionsMax: 3 }).restore(1, bytes);
    expect(result).toEqual({ ok: false, error: 'snapshot: unsupported format version 2' });
  });

  it('refuses a snapshot whose index disagrees with Raft', () => {
    const machine = new KvStateMachine({ sessionsMax: 3 });
    machine.applyNoop(1);
    const result = new KvStateMachine({ sessionsMax: 3 }).restore(2, machine.snapshot());
    expect(result.ok).toBe(false);
  });

  it('crashes (assertion) when entries skip an index', () => {
    const machine = new KvStateMachine({ sessionsMax: 3 });
    expect(() => machine.applyNoop(2)).toThrow(/applied 2 after 0/);
  });
});
