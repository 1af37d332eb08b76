// Goal: the Porcupine and Jepsen EDN importers produce the same histories our format would, and
// reject bad input with a line and reason. Method: small inline texts, checked with the models.

import { describe, expect, it } from 'vitest';
import { createEdnParser } from '../src/import/edn.ts';
import { check, importEdn, importPorcupine, kvModel, registerModel } from '../src/index.ts';

describe('importPorcupine', () => {
  it('reads lines in order, synthesizing times from line numbers', () => {
    const text = [
      '{:process 0, :type :invoke, :f :append, :key "0", :value "x 0 0 y"}',
      '{:process 1, :type :invoke, :f :get, :key "0", :value nil}',
      '{:process 0, :type :ok, :f :append, :key "0", :value "x 0 0 y"}',
      '{:process 1, :type :ok, :f :get, :key "0", :value "x 0 0 y"}',
    ].join('\n');
    const result = importPorcupine(text);
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.history.operations.map((o) => [o.f, o.callNs, o.returnNs, o.output])).toEqual([
      ['append', 1, 3, 'x 0 0 y'],
      ['get', 2, 4, 'x 0 0 y'],
    ]);
    expect(check(result.history, kvModel).verdict).toBe('ok');
  });

  it('reports unreadable EDN with its line', () => {
    const result = importPorcupine(
      '{:process 0, :type :invoke, :f :get, :key "0", :value nil}\n{:process 0, :type',
    );
    expect(result.ok || result.error).toMatchObject({ line: 2, reason: 'bad-edn' });
  });
});

describe('importEdn', () => {
  it('reads a Jepsen register history with cas, failed cas and info ops, skipping the nemesis', () => {
    const text = [
      '{:type :invoke, :f :write, :value 1, :process 0, :time 10}',
      '{:type :ok, :f :write, :value 1, :process 0, :time 20}',
      '{:type :info, :f :start, :value nil, :process :nemesis, :time 21}',
      '{:type :invoke, :f :cas, :value [1 2], :process 1, :time 30}',
      '{:type :invoke, :f :cas, :value [5 6], :process 2, :time 31}',
      '{:type :ok, :f :cas, :value [1 2], :process 1, :time 40}',
      '{:type :fail, :f :cas, :value [5 6], :process 2, :time 41}',
      '{:type :invoke, :f :write, :value 9, :process 3, :time 42}',
      '{:type :info, :f :write, :value 9, :process 3, :time 43}',
      '{:type :invoke, :f :read, :value nil, :process 0, :time 50}',
      '{:type :ok, :f :read, :value 2, :process 0, :time 60}',
    ].join('\n');
    const result = importEdn(text);
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.history.operations.map((o) => o.status)).toEqual([
      'ok',
      'ok',
      'fail',
      'info',
      'ok',
    ]);
    expect(check(result.history, registerModel).verdict).toBe('ok');
  });

  it('finds a register history illegal when a read sees a value a failed cas would have written', () => {
    const text = `[{:type :invoke :f :cas :value [nil 7] :process 0 :time 1}
      {:type :fail :f :cas :value [nil 7] :process 0 :time 2}
      {:type :invoke :f :read :value nil :process 1 :time 3}
      {:type :ok :f :read :value 7 :process 1 :time 4}]`;
    const result = importEdn(text);
    expect(result.ok && check(result.history, registerModel).verdict).toBe('illegal');
  });

  it('splits jepsen.independent [key value] tuples into keys', () => {
    const text = [
      '{:type :invoke, :f :write, :value [:a 1], :process 0, :time 1}',
      '{:type :ok, :f :write, :value [:a 1], :process 0, :time 2}',
      '{:type :invoke, :f :cas, :value [:b [nil 3]], :process 1, :time 3}',
      '{:type :ok, :f :cas, :value [:b [nil 3]], :process 1, :time 4}',
      '{:type :invoke, :f :read, :value [:a nil], :process 1, :time 5}',
      '{:type :ok, :f :read, :value [:a 3], :process 1, :time 6}',
    ].join('\n');
    const result = importEdn(text);
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.history.operations.map((o) => [o.key, o.input])).toEqual([
      ['a', 1],
      ['b', [null, 3]],
      ['a', undefined],
    ]);
    const checked = check(result.history, registerModel, { stopAtFirstIllegal: false });
    expect(checked.partitions.map((p) => [p.key, p.verdict])).toEqual([
      ['a', 'illegal'],
      ['b', 'ok'],
    ]);
  });

  it('reads kv histories with :key fields', () => {
    const text = [
      '{:type :invoke, :f :put, :key "k", :value "a", :process 0, :time 1}',
      '{:type :ok, :f :put, :key "k", :value "a", :process 0, :time 2}',
      '{:type :invoke, :f :get, :key "k", :process 1, :time 3}',
      '{:type :ok, :f :get, :key "k", :value "b", :process 1, :time 4}',
    ].join('\n');
    const result = importEdn(text);
    expect(result.ok && check(result.history, kvModel).verdict).toBe('illegal');
  });

  it('rejects an unknown :type with its line', () => {
    const result = importEdn(
      '{:type :invoke, :f :read, :process 0, :time 1}\n{:type :done, :f :read, :process 0, :time 2}',
    );
    expect(result.ok || result.error).toMatchObject({ line: 2, reason: 'unknown-type' });
  });
});

describe('createEdnParser', () => {
  const text = `[{:type :invoke, :f :write, :value 1, :process 0, :time 1} ; a comment with } and ]
 {:type :ok, :f :write, :value 1, :process 0, :time 2}
 {:type :invoke, :f :read, :value nil, :process 1, :time 3, :note "a } in a string"}
 {:type :ok, :f :read, :value 1, :process 1, :time 4}]`;

  it('streams chunks split anywhere to the same history, with lines of the maps', () => {
    for (const size of [1, 3, 7, 64]) {
      const parser = createEdnParser();
      for (let index = 0; index < text.length; index += size) {
        parser.push(text.slice(index, index + size));
      }
      const streamed = parser.end();
      expect(streamed).toEqual(importEdn(text));
      expect(streamed.ok && streamed.history.operations.map((o) => o.callLine)).toEqual([1, 3]);
    }
  });

  it('names the line and column of a closing bracket that does not match', () => {
    const result = importEdn('{:type :invoke, :f :read, :value [1 2}, :process 0}');
    expect(result.ok || result.error).toMatchObject({ line: 1, column: 38, reason: 'bad-edn' });
    expect(result.ok || result.error.expected).toContain('] to close the vector opened at line 1');
  });
});
