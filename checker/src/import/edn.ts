// Imports Jepsen EDN histories (`history.edn`): one map per line, or one vector/list of maps.
// Client events become history events; :nemesis events are skipped. `jepsen.independent` values
// ([key value] tuples) become a key and a value. Times come from :time (ns) or the position.
// Streams: the scanner hands over one map at a time, and only events whose independence is not
// yet decided are held back.

import { HistoryBuilder, type HistoryBuilderOptions } from '../history/history-builder.ts';
import { type HistoryError, type HistoryResult, historyError } from '../history/history-error.ts';
import type { HistoryParser } from '../history/history-parser.ts';
import type { HistoryEvent } from '../history/types.ts';
import { readEdnForm } from './edn-record.ts';
import { createEdnScanner, type EdnForm } from './edn-scanner.ts';

/** Options of `importEdn`. */
export interface EdnImportOptions {
  /**
   * Whether values are `jepsen.independent` [key value] tuples. Default: detected, true exactly
   * when every client invocation's value is a two-element vector.
   */
  readonly independent?: boolean;
}

interface PlacedEvent {
  readonly form: EdnForm;
  readonly event: HistoryEvent;
}

/** Creates a streaming Jepsen EDN reader. */
export function createEdnParser(
  options: EdnImportOptions & HistoryBuilderOptions = {},
): HistoryParser {
  const builder = new HistoryBuilder(options);
  let independent = options.independent;
  let invocations = 0;
  let held: PlacedEvent[] = [];
  let error: HistoryError | undefined;
  let position = 0;
  const add = (placed: PlacedEvent, tuples: boolean): void => {
    const converted = tuples ? splitIndependent(placed) : placed.event;
    error = 'kind' in converted ? converted : builder.push(converted, placed.form.line);
  };
  const flush = (tuples: boolean): void => {
    for (const placed of held) if (error === undefined) add(placed, tuples);
    held = [];
  };
  const scanner = createEdnScanner((form) => {
    if (error !== undefined) return;
    const event = readEdnForm(form, position);
    position += 1;
    if (event === 'skip') return;
    if ('kind' in event) {
      error = event;
      return;
    }
    if (independent === undefined && event.type === 'invoke') {
      invocations += 1;
      if (!isTuple(event.value)) independent = false;
    }
    if (independent === undefined) held.push({ form, event });
    else {
      flush(independent);
      if (error === undefined) add({ form, event }, independent);
    }
  });
  return {
    push(chunk) {
      if (error === undefined) {
        const scanError = scanner.push(chunk);
        error ??= scanError;
      }
      return error;
    },
    end() {
      if (error === undefined) {
        const scanError = scanner.end();
        error ??= scanError;
      }
      if (error === undefined) flush(independent ?? invocations > 0);
      return error === undefined ? { ok: true, history: builder.finish() } : { ok: false, error };
    },
    get bytes() {
      return builder.bytes;
    },
  };
}

/** Imports a Jepsen EDN history. Errors name the line and column where the map starts. */
export function importEdn(text: string, options: EdnImportOptions = {}): HistoryResult {
  const parser = createEdnParser(options);
  parser.push(text);
  return parser.end();
}

function isTuple(value: unknown): boolean {
  return Array.isArray(value) && value.length === 2;
}

function splitIndependent({ form, event }: PlacedEvent): HistoryEvent | HistoryError {
  const { value, ...rest } = event;
  if (value === undefined && event.type !== 'invoke') return rest;
  const place = {
    column: form.column,
    expected: 'a [key value] tuple, as jepsen.independent writes',
  };
  if (!Array.isArray(value) || value.length !== 2) {
    return historyError(
      form.line,
      'bad-field',
      `:value is ${JSON.stringify(value) ?? 'missing'}`,
      place,
    );
  }
  const [key, inner] = value as [unknown, unknown];
  if (typeof key !== 'string' && typeof key !== 'number') {
    return historyError(form.line, 'bad-field', `the tuple's key is ${JSON.stringify(key)}`, {
      ...place,
      expected: 'a tuple key that is a string or a number',
    });
  }
  const keyed = { ...rest, key: String(key) };
  return inner === null || inner === undefined ? keyed : { ...keyed, value: inner };
}
