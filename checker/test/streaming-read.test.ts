// Goal: reading a file in chunks (what the CLI does, so memory does not grow with the file's
// text) gives the operations and, for malformed input, the error (line, column, reason, what
// was expected) that parsing the whole text at once gives. Method: valid and malformed texts
// in the three formats, fed to the streaming parsers in chunks of many sizes and read from a
// file through readHistory, where the file is larger than one read chunk (256 KiB) so the
// error sits beyond a chunk boundary, compared with the one-shot parsers.

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  createJsonlParser,
  type HistoryResult,
  importEdn,
  importPorcupine,
  parseJsonl,
} from '../src/index.ts';
import { createParser, type HistoryFormat, readHistory } from '../src/io/read-history.ts';

const directory = mkdtempSync(path.join(os.tmpdir(), 'checker-streaming-'));
afterAll(() => rmSync(directory, { recursive: true, force: true }));

const invoke = (process: number, time: number, value?: string): string =>
  JSON.stringify({ type: 'invoke', process, f: 'append', key: `k${process % 7}`, value, time });
const done = (process: number, time: number): string =>
  JSON.stringify({ type: 'ok', process, f: 'append', key: `k${process % 7}`, time });

/** Valid JSON Lines of `pairs` appends, about 170 bytes a pair. */
function validLines(pairs: number): string[] {
  const lines: string[] = [];
  for (let index = 0; index < pairs; index += 1) {
    lines.push(
      invoke(index % 5, index * 10, `x ${index % 5} ${index} y`),
      done(index % 5, index * 10 + 5),
    );
  }
  return lines;
}

// 2,000 pairs is about 340 KiB: more than one of readHistory's 256 KiB chunks.
const body = validLines(2000);
const lastTime = 2000 * 10;

/** Malformed JSON Lines, each an error after `body` (so past the first file chunk). */
const malformedJsonl: [string, string][] = [
  ['a line cut off at the end of the file', `${body.join('\n')}\n{"type":"invoke","proc`],
  ['garbage inside a line', `${body.join('\n')}\n{"type":"invoke",,"process":1}\n${done(1, 1)}`],
  [
    'an unclosed object before more lines',
    `${body.join('\n')}\n{"type":"ok"\n${invoke(1, lastTime)}`,
  ],
  [
    'a bad field',
    `${body.join('\n')}\n${JSON.stringify({ type: 'invoke', process: -1, f: 'get', time: lastTime })}`,
  ],
  ['time going backwards', `${body.join('\n')}\n${invoke(1, 3)}`],
  ['a return without invoke', `${body.join('\n')}\n${done(3, lastTime)}\n`],
  ['a line that is not an object', `${body.join('\n')}\n[1, 2]\n`],
];

/** The streaming JSON Lines parser fed `text` in chunks of `size` characters. */
function streamJsonl(text: string, size: number): HistoryResult {
  const parser = createJsonlParser();
  for (let index = 0; index < text.length; index += size) {
    if (parser.push(text.slice(index, index + size)) !== undefined) break;
  }
  return parser.end();
}

/** What must agree between two reads: the operations, or the error's position and words. */
function essence(result: HistoryResult): unknown {
  return result.ok ? { operations: result.history.operations } : { error: result.error };
}

async function readFile(name: string, text: string, format: HistoryFormat): Promise<HistoryResult> {
  const file = path.join(directory, name);
  writeFileSync(file, text);
  return readHistory(file, format);
}

describe('streaming JSON Lines', () => {
  it.each(malformedJsonl)('reports %s where the one-shot parse does', async (_name, text) => {
    const whole = parseJsonl(text);
    expect(whole.ok).toBe(false);
    if (whole.ok) return;
    // The error is on a line past the valid body, with a column and an expectation.
    expect(whole.error.line).toBeGreaterThan(body.length);
    expect(whole.error.column).toBeGreaterThan(0);
    expect(whole.error.expected).not.toBe('');
    for (const size of [1, 13, 4096, 65_536]) {
      expect(essence(streamJsonl(text, size)), `chunks of ${size}`).toEqual(essence(whole));
    }
    expect(essence(await readFile('bad.jsonl', text, 'jsonl'))).toEqual(essence(whole));
  });

  it('gives the one-shot operations for a valid file larger than a read chunk', async () => {
    const text = `${body.join('\n')}\n`;
    const whole = parseJsonl(text);
    expect(whole.ok && whole.history.operations.length).toBe(2000);
    expect(essence(streamJsonl(text, 997))).toEqual(essence(whole));
    expect(essence(await readFile('good.jsonl', text, 'jsonl'))).toEqual(essence(whole));
  });
});

/** Porcupine's KV log lines for `pairs` appends. */
function porcupineLines(pairs: number): string[] {
  const lines: string[] = [];
  for (let index = 0; index < pairs; index += 1) {
    const common = `:process ${index % 5}, :type :invoke, :f :append, :key "${index % 7}", :value "x ${index} y"`;
    lines.push(`{${common}}`, `{${common.replace(':invoke', ':ok')}}`);
  }
  return lines;
}

/** Jepsen EDN maps for `pairs` appends, one per line. */
function ednLines(pairs: number): string[] {
  const lines: string[] = [];
  for (let index = 0; index < pairs; index += 1) {
    for (const [type, time] of [
      ['invoke', index * 10],
      ['ok', index * 10 + 5],
    ] as const) {
      lines.push(
        `{:type :${type}, :f :write, :value ${index}, :process ${index % 5}, :time ${time}, :index ${lines.length}}`,
      );
    }
  }
  return lines;
}

const importers: Record<'porcupine' | 'edn', (text: string) => HistoryResult> = {
  porcupine: importPorcupine,
  edn: (text) => importEdn(text),
};

const malformedOther: [string, 'porcupine' | 'edn', string][] = [
  [
    'a cut-off Porcupine line',
    'porcupine',
    `${porcupineLines(3000).join('\n')}\n{:process 1, :type :inv`,
  ],
  [
    'garbage in a Porcupine line',
    'porcupine',
    `${porcupineLines(3000).join('\n')}\n{:process 1 :type ]}\n`,
  ],
  ['an unclosed EDN vector', 'edn', `[${ednLines(2500).join('\n')}\n`],
  ['garbage EDN', 'edn', `${ednLines(2500).join('\n')}\n{:type :invoke, :f #, :process 1}\n`],
];

describe('streaming Porcupine and EDN', () => {
  it.each(
    malformedOther,
  )('reports %s where the one-shot import does', async (_name, format, text) => {
    expect(text.length).toBeGreaterThan(256 * 1024);
    const whole = importers[format](text);
    expect(whole.ok).toBe(false);
    if (whole.ok) return;
    expect(whole.error.line).toBeGreaterThan(0);
    const parser = createParser(format);
    for (let index = 0; index < text.length; index += 1000) {
      if (parser.push(text.slice(index, index + 1000)) !== undefined) break;
    }
    expect(essence(parser.end())).toEqual(essence(whole));
    expect(essence(await readFile(`bad.${format}`, text, format))).toEqual(essence(whole));
  });
});
