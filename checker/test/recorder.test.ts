// Goal: the recorder turns client calls into a valid history with injected times, recording
// timeouts as info (never dropped, never fail). Method: a fake nanosecond clock and fake calls.

import { describe, expect, it } from 'vitest';
import { check, createRecorder, kvModel } from '../src/index.ts';

function fakeClock() {
  let ns = 0;
  return {
    nowNs: () => {
      ns += 100;
      return ns;
    },
  };
}

describe('createRecorder', () => {
  it('records ok, fail and info completions with times from the clock', () => {
    const recorder = createRecorder(fakeClock());
    const put = recorder.invoke(1, 'put', 'k', 'a');
    const get = recorder.invoke(2, 'get', 'k');
    put.ok();
    get.ok('a');
    recorder.invoke(1, 'append', 'k', 'b').fail();
    recorder.invoke(3, 'append', 'k', 'c').info();
    const history = recorder.history();
    expect(history.events.map((e) => [e.type, e.time])).toEqual([
      ['invoke', 100],
      ['invoke', 200],
      ['ok', 300],
      ['ok', 400],
      ['invoke', 500],
      ['fail', 600],
      ['invoke', 700],
      ['info', 800],
    ]);
    expect(history.operations.map((o) => o.status)).toEqual(['ok', 'ok', 'fail', 'info']);
    expect(check(history, kvModel).verdict).toBe('ok');
  });

  it('records a timed-out wrapped call as info and rethrows', async () => {
    const recorder = createRecorder(fakeClock());
    await expect(
      recorder.record({ process: 1, f: 'put', key: 'k', value: 'v' }, () =>
        Promise.reject(new Error('timeout')),
      ),
    ).rejects.toThrow('timeout');
    expect(recorder.history().operations[0]?.status).toBe('info');
  });

  it('classifies outcomes with the caller function', async () => {
    const recorder = createRecorder(fakeClock());
    const classify = (r: { value: string } | { error: unknown }) =>
      'value' in r && r.value === 'ErrNoKey'
        ? ({ type: 'fail' } as const)
        : ({ type: 'ok', value: 'value' in r ? r.value : undefined } as const);
    await recorder.record({ process: 1, f: 'get', key: 'k' }, async () => 'ErrNoKey', classify);
    await recorder.record({ process: 1, f: 'get', key: 'k' }, async () => '', classify);
    expect(recorder.history().operations.map((o) => [o.status, o.output])).toEqual([
      ['fail', undefined],
      ['ok', ''],
    ]);
  });

  it('keeps an operation still open as info in the history', () => {
    const recorder = createRecorder(fakeClock());
    recorder.invoke(1, 'append', 'k', 'x');
    expect(recorder.history().operations[0]?.status).toBe('info');
  });

  it('refuses a second open operation on one process', () => {
    const recorder = createRecorder(fakeClock());
    recorder.invoke(1, 'get', 'k');
    expect(() => recorder.invoke(1, 'get', 'k')).toThrow(/one open operation/);
  });
});
