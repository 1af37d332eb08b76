// Imports Jepsen EDN histories (`history.edn`): one map per line, or one vector/list of maps.
// Client events become history events; :nemesis events are skipped. `jepsen.independent` values
// ([key value] tuples) become a key and a value. Times come from :time (ns) or the position.

import { parseEDNString } from 'edn-data';
import { HistoryBuilder } from '../history/history-builder.ts';
import { type HistoryError, type HistoryResult, historyError } from '../history/history-error.ts';
import type { HistoryEvent } from '../history/types.ts';
import { ednReadOptions, eventFromEdnRecord } from './edn-record.ts';

/** Options of `importEdn`. */
export interface EdnImportOptions {
  /**
   * Whether values are `jepsen.independent` [key value] tuples. Default: detected, true exactly
   * when every client invocation's value is a two-element vector.
   */
  readonly independent?: boolean;
}

interface NumberedRecord {
  readonly line: number;
  readonly record: unknown;
}

/** Imports a Jepsen EDN history. For a vector, `line` in errors is the element's 1-based index. */
export function importEdn(text: string, options: EdnImportOptions = {}): HistoryResult {
  const records = readRecords(text);
  if ('kind' in records) return { ok: false, error: records };
  const events: { line: number; event: HistoryEvent }[] = [];
  for (const [position, { line, record }] of records.entries()) {
    const event = eventFromEdnRecord(record, line, position);
    if (event === 'skip') continue;
    if ('kind' in event) return { ok: false, error: event };
    events.push({ line, event });
  }
  const independent = options.independent ?? detectIndependent(events.map((item) => item.event));
  const builder = new HistoryBuilder();
  for (const { line, event } of events) {
    const converted = independent ? splitIndependent(event, line) : event;
    if ('kind' in converted) return { ok: false, error: converted };
    const error = builder.push(converted, line);
    if (error !== undefined) return { ok: false, error };
  }
  return { ok: true, history: builder.finish() };
}

function readRecords(text: string): NumberedRecord[] | HistoryError {
  const trimmed = text.trimStart();
  if (trimmed.startsWith('[') || trimmed.startsWith('(')) {
    let collection: unknown;
    try {
      collection = parseEDNString(trimmed, ednReadOptions);
    } catch (cause) {
      return historyError(0, 'bad-edn', (cause as Error).message);
    }
    if (!Array.isArray(collection)) return historyError(0, 'bad-edn', 'expected a vector of maps');
    return collection.map((record, index) => ({ line: index + 1, record }));
  }
  const records: NumberedRecord[] = [];
  const lines = text.split('\n');
  for (const [index, line] of lines.entries()) {
    if (line.trim() === '') continue;
    try {
      records.push({ line: index + 1, record: parseEDNString(line, ednReadOptions) });
    } catch (cause) {
      return historyError(index + 1, 'bad-edn', (cause as Error).message);
    }
  }
  return records;
}

function detectIndependent(events: readonly HistoryEvent[]): boolean {
  const invocations = events.filter((event) => event.type === 'invoke');
  return (
    invocations.length > 0 &&
    invocations.every((event) => Array.isArray(event.value) && event.value.length === 2)
  );
}

function splitIndependent(event: HistoryEvent, line: number): HistoryEvent | HistoryError {
  const { value, ...rest } = event;
  if (value === undefined && event.type !== 'invoke') return rest;
  if (!Array.isArray(value) || value.length !== 2) {
    return historyError(line, 'bad-field', 'an independent value must be a [key value] tuple');
  }
  const [key, inner] = value as [unknown, unknown];
  if (typeof key !== 'string' && typeof key !== 'number') {
    return historyError(line, 'bad-field', 'an independent key must be a string or a number');
  }
  const keyed = { ...rest, key: String(key) };
  return inner === null || inner === undefined ? keyed : { ...keyed, value: inner };
}
