// Mutations that turn a generated linearizable kv history into one that is certainly not
// linearizable, each for a reason the tests name. All rebuild a valid history from operations.

import { type History, historyFromOperations, type Operation } from '../../src/index.ts';

const tokenPattern = /x \S+ \d+ y/g;

function tokens(value: unknown): string[] {
  return typeof value === 'string' ? Array.from(value.matchAll(tokenPattern), (m) => m[0]) : [];
}

function replaceOperation(history: History, id: number, change: Partial<Operation>): History {
  return historyFromOperations(
    history.operations.map((operation) =>
      operation.id === id ? { ...operation, ...change } : operation,
    ),
  );
}

function readsWithTokens(history: History, count: number): Operation[] {
  return history.operations.filter(
    (operation) =>
      operation.f === 'get' &&
      operation.status === 'ok' &&
      tokens(operation.output).length >= count,
  );
}

/** A read returns a token nobody wrote. */
export function changeRead(history: History, pick: number): History | undefined {
  const reads = history.operations.filter((o) => o.f === 'get' && o.status === 'ok');
  const read = reads[pick % Math.max(1, reads.length)];
  if (read === undefined) return undefined;
  return replaceOperation(history, read.id, { output: `${String(read.output)}x 999 999 y` });
}

/** A read shows one append twice (the append took effect twice). */
export function duplicateAppend(history: History, pick: number): History | undefined {
  const reads = readsWithTokens(history, 1);
  const read = reads[pick % Math.max(1, reads.length)];
  if (read === undefined) return undefined;
  const last = tokens(read.output).at(-1) ?? '';
  return replaceOperation(history, read.id, { output: `${String(read.output)}${last}` });
}

/** An acknowledged append that some read observed is removed from the history. */
export function dropAcknowledgedWrite(history: History, pick: number): History | undefined {
  const observed = new Set(readsWithTokens(history, 1).flatMap((read) => tokens(read.output)));
  const appends = history.operations.filter(
    (o) => o.f === 'append' && o.status === 'ok' && tokens(o.input).some((t) => observed.has(t)),
  );
  const dropped = appends[pick % Math.max(1, appends.length)];
  if (dropped === undefined) return undefined;
  return historyFromOperations(history.operations.filter((o) => o.id !== dropped.id));
}

/**
 * A read shows two writes in the opposite of their real-time order (the first completed before
 * the second was invoked, so every linearization orders them).
 */
export function swapOrder(history: History, pick: number): History | undefined {
  const writerOf = new Map<string, Operation>();
  for (const o of history.operations) for (const t of tokens(o.input)) writerOf.set(t, o);
  const candidates: { read: Operation; first: string; second: string }[] = [];
  for (const read of readsWithTokens(history, 2)) {
    const list = tokens(read.output);
    for (let i = 0; i + 1 < list.length; i += 1) {
      const [a, b] = [writerOf.get(list[i] ?? ''), writerOf.get(list[i + 1] ?? '')];
      if (a !== undefined && b !== undefined && a.returnNs < b.callNs) {
        candidates.push({ read, first: list[i] ?? '', second: list[i + 1] ?? '' });
      }
    }
  }
  const chosen = candidates[pick % Math.max(1, candidates.length)];
  if (chosen === undefined) return undefined;
  const output = String(chosen.read.output).replace(
    `${chosen.first}${chosen.second}`,
    `${chosen.second}${chosen.first}`,
  );
  return replaceOperation(history, chosen.read.id, { output });
}
