// Imports Porcupine's KV log format: one EDN map per line, no timestamps, line order is real-time
// order. Times are synthesized from line numbers (line n happens at n ns). Canonical lines take a
// strict fast path; anything else goes through the edn-data reader.

import { parseEDNString } from 'edn-data';
import { HistoryBuilder } from '../history/history-builder.ts';
import { type HistoryResult, historyError } from '../history/history-error.ts';
import type { HistoryEvent } from '../history/types.ts';
import { type EdnEventResult, ednReadOptions, eventFromEdnRecord } from './edn-record.ts';

const canonicalLine =
  /^\{:process (\d+), :type :(invoke|ok|fail|info), :f :([a-z]+), :key "([^"\\]*)", :value (?:nil|"([^"\\]*)")\}$/;

/** Imports a Porcupine KV log (text of a `c*-ok.txt` / `c*-bad.txt` file) into a history. */
export function importPorcupine(text: string): HistoryResult {
  const builder = new HistoryBuilder();
  const lines = text.split('\n');
  for (let index = 0; index < lines.length; index += 1) {
    const line = (lines[index] ?? '').trim();
    if (line === '') continue;
    const lineNumber = index + 1;
    const event = readPorcupineLine(line, lineNumber);
    if (event === 'skip') continue;
    if ('kind' in event) return { ok: false, error: event };
    const error = builder.push(event, lineNumber);
    if (error !== undefined) return { ok: false, error };
  }
  return { ok: true, history: builder.finish() };
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
  let record: unknown;
  try {
    record = parseEDNString(line, ednReadOptions);
  } catch (cause) {
    return historyError(lineNumber, 'bad-edn', (cause as Error).message);
  }
  const event = eventFromEdnRecord(record, lineNumber, lineNumber);
  if (event === 'skip' || 'kind' in event) return event;
  // Porcupine's format has no time; line order is the only real-time order.
  return { ...event, time: lineNumber };
}
