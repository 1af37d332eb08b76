// Imports Porcupine's KV log format: one EDN map per line, no timestamps, line order is real-time
// order. Times are synthesized from line numbers (line n happens at n ns). Canonical lines take a
// strict fast path; anything else goes through the EDN scanner and the edn-data reader. Streams.

import { HistoryBuilder, type HistoryBuilderOptions } from '../history/history-builder.ts';
import { type HistoryError, type HistoryResult, historyError } from '../history/history-error.ts';
import type { HistoryParser } from '../history/history-parser.ts';
import { createLineSplitter } from '../history/line-splitter.ts';
import type { HistoryEvent } from '../history/types.ts';
import { type EdnEventResult, readEdnForm } from './edn-record.ts';
import { createEdnScanner, type EdnForm } from './edn-scanner.ts';

const canonicalLine =
  /^\{:process (\d+), :type :(invoke|ok|fail|info), :f :([a-z]+), :key "([^"\\]*)", :value (?:nil|"([^"\\]*)")\}$/;

/** Creates a streaming reader of Porcupine KV logs. */
export function createPorcupineParser(options: HistoryBuilderOptions = {}): HistoryParser {
  const builder = new HistoryBuilder(options);
  let error: HistoryError | undefined;
  const splitter = createLineSplitter(
    (text, lineNumber) => {
      const line = text.trim();
      if (line === '') return;
      const event = readPorcupineLine(line, lineNumber);
      if (event === 'skip') return;
      error = 'kind' in event ? event : builder.push(event, lineNumber);
    },
    () => error !== undefined,
  );
  return {
    push(chunk) {
      if (error === undefined) splitter.push(chunk);
      return error;
    },
    end() {
      splitter.end();
      return error === undefined ? { ok: true, history: builder.finish() } : { ok: false, error };
    },
    get bytes() {
      return builder.bytes;
    },
  };
}

/** Imports a Porcupine KV log (text of a `c*-ok.txt` / `c*-bad.txt` file) into a history. */
export function importPorcupine(text: string): HistoryResult {
  const parser = createPorcupineParser();
  parser.push(text);
  return parser.end();
}

function readPorcupineLine(line: string, lineNumber: number): EdnEventResult {
  const match = canonicalLine.exec(line);
  if (match !== null) {
    const [, process, type, f, key, value] = match;
    const event: HistoryEvent = {
      type: type as HistoryEvent['type'],
      process: Number(process),
      f: f ?? '',
      key: key ?? '',
      time: lineNumber,
    };
    return value === undefined ? event : { ...event, value };
  }
  // Not canonical: find the one map on the line (or say where it is cut or malformed).
  const forms: EdnForm[] = [];
  const scanner = createEdnScanner((form) => forms.push(form));
  const scanError = scanner.push(line) ?? scanner.end();
  if (scanError !== undefined) return { ...scanError, line: lineNumber };
  const [form, extra] = forms;
  if (form === undefined || extra !== undefined) {
    return historyError(lineNumber, 'bad-edn', `found ${forms.length} maps`, {
      column: extra?.column ?? 1,
      expected: 'one EDN map per line',
    });
  }
  const event = readEdnForm({ ...form, line: lineNumber }, lineNumber);
  if (event === 'skip' || 'kind' in event) return event;
  // Porcupine's format has no time; line order is the only real-time order.
  return { ...event, time: lineNumber };
}
