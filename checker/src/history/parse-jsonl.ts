// The streaming JSON Lines parser for the history format. It accepts text in chunks of any size,
// validates each line's shape and the history's rules (via HistoryBuilder), and reports the first
// malformed line with its number and reason. It never guesses a missing or odd field.

import { HistoryBuilder } from './history-builder.ts';
import { type HistoryError, type HistoryResult, historyError } from './history-error.ts';
import type { EventType, HistoryEvent } from './types.ts';

const eventTypes: ReadonlySet<string> = new Set(['invoke', 'ok', 'fail', 'info']);

/** A streaming parser: push chunks, then end; the first error sticks and later input is ignored. */
export interface JsonlParser {
  /** Feeds a chunk of text; returns the first error seen so far, if any. */
  push(chunk: string): HistoryError | undefined;
  /** Ends the input and returns the history or the first error. */
  end(): HistoryResult;
}

/** Creates a streaming JSON Lines history parser. */
export function createJsonlParser(): JsonlParser {
  const builder = new HistoryBuilder();
  let pending = '';
  let lineNumber = 0;
  let error: HistoryError | undefined;
  const consumeLine = (line: string): void => {
    lineNumber += 1;
    if (error !== undefined || line.trim() === '') return;
    const parsed = parseEventLine(line, lineNumber);
    error = 'kind' in parsed ? parsed : builder.push(parsed, lineNumber);
  };
  return {
    push(chunk) {
      if (error !== undefined) return error;
      const text = pending + chunk;
      let start = 0;
      let newline = text.indexOf('\n', start);
      while (newline >= 0 && error === undefined) {
        consumeLine(text.slice(start, newline));
        start = newline + 1;
        newline = text.indexOf('\n', start);
      }
      pending = text.slice(start);
      return error;
    },
    end() {
      if (error === undefined && pending !== '') consumeLine(pending);
      pending = '';
      if (error !== undefined) return { ok: false, error };
      return { ok: true, history: builder.finish() };
    },
  };
}

/** Parses a whole JSON Lines text into a history. */
export function parseJsonl(text: string): HistoryResult {
  const parser = createJsonlParser();
  parser.push(text);
  return parser.end();
}

/** Parses and shape-checks one line into an event (history rules are checked by the builder). */
export function parseEventLine(line: string, lineNumber: number): HistoryEvent | HistoryError {
  let raw: unknown;
  try {
    raw = JSON.parse(line);
  } catch (cause) {
    return historyError(lineNumber, 'bad-json', (cause as Error).message);
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    return historyError(lineNumber, 'bad-json', 'a line must be one JSON object');
  }
  return eventFromRecord(raw as Record<string, unknown>, lineNumber);
}

function eventFromRecord(
  record: Record<string, unknown>,
  lineNumber: number,
): HistoryEvent | HistoryError {
  const { type, process, f, key, value, time } = record;
  if (typeof type !== 'string' || !eventTypes.has(type)) {
    return historyError(
      lineNumber,
      'unknown-type',
      `type ${JSON.stringify(type)} is not one of invoke, ok, fail, info`,
    );
  }
  if (typeof process !== 'number' || !Number.isSafeInteger(process) || process < 0) {
    return historyError(lineNumber, 'bad-field', 'process must be a non-negative integer');
  }
  if (typeof f !== 'string' || f === '') {
    return historyError(lineNumber, 'bad-field', 'f must be a non-empty string');
  }
  if (key !== undefined && typeof key !== 'string') {
    return historyError(lineNumber, 'bad-field', 'key must be a string when present');
  }
  if (typeof time !== 'number' || !Number.isFinite(time) || time < 0) {
    return historyError(
      lineNumber,
      'bad-field',
      'time must be a non-negative number of nanoseconds',
    );
  }
  const base = { type: type as EventType, process, f, time };
  const withKey = key === undefined ? base : { ...base, key };
  return value === undefined ? withKey : { ...withKey, value };
}
