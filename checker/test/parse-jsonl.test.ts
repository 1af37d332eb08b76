// Goal: the JSONL parser accepts the history format and rejects every malformed input with its
// specific line, column, reason and expectation, never guessing. Method: table tests over small texts, plus a chunked
// streaming run that must equal the one-shot parse.

import { describe, expect, it } from 'vitest';
import { createJsonlParser, type HistoryErrorReason, parseJsonl } from '../src/index.ts';

const invoke = (process: number, time: number, f = 'get') =>
  JSON.stringify({ type: 'invoke', process, f, key: 'k', time });
const ok = (process: number, time: number, f = 'get', value = '') =>
  JSON.stringify({ type: 'ok', process, f, key: 'k', value, time });

describe('parseJsonl', () => {
  it('pairs invocations with completions into operations', () => {
    const text = [
      invoke(1, 10),
      invoke(2, 11, 'append'),
      ok(1, 12),
      JSON.stringify({ type: 'info', process: 2, f: 'append', time: 13 }),
    ].join('\n');
    const result = parseJsonl(text);
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.history.operations.map((o) => [o.process, o.status, o.returnNs])).toEqual([
      [1, 'ok', 12],
      [2, 'info', Infinity],
    ]);
  });

  it('treats an operation still open at the end as info', () => {
    const result = parseJsonl(`${invoke(1, 10)}\n`);
    expect(result.ok && result.history.operations[0]?.status).toBe('info');
  });

  const malformed: [string, string, number, HistoryErrorReason][] = [
    ['bad JSON', `${invoke(1, 1)}\n{"type":`, 2, 'bad-json'],
    [
      'an unknown type',
      `${invoke(1, 1)}\n${JSON.stringify({ type: 'done', process: 1, f: 'get', time: 2 })}`,
      2,
      'unknown-type',
    ],
    ['a return without invoke', ok(1, 1), 1, 'return-without-invoke'],
    ['two open ops on one process', `${invoke(1, 1)}\n${invoke(1, 2)}`, 2, 'two-open-ops'],
    ['time going backwards', `${invoke(1, 5)}\n${ok(1, 4)}`, 2, 'time-backwards'],
    ['a missing process', JSON.stringify({ type: 'invoke', f: 'get', time: 1 }), 1, 'bad-field'],
    [
      'a completion of another function',
      `${invoke(1, 1)}\n${ok(1, 2, 'put')}`,
      2,
      'mismatched-return',
    ],
  ];

  it.each(malformed)('rejects %s with its line and reason', (_name, text, line, reason) => {
    const result = parseJsonl(text);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error.line).toBe(line);
    expect(result.error.reason).toBe(reason);
    // Every error points at a column and says what was expected there.
    expect(result.error.column).toBeGreaterThan(0);
    expect(result.error.expected).not.toBe('');
  });

  it('streams chunks split anywhere to the same history', () => {
    const text = [invoke(1, 10), invoke(2, 11, 'append'), ok(1, 12), ok(2, 14, 'append', 'x')].join(
      '\n',
    );
    const parser = createJsonlParser();
    for (let index = 0; index < text.length; index += 7) parser.push(text.slice(index, index + 7));
    expect(parser.end()).toEqual(parseJsonl(text));
  });
});
