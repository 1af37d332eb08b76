// The tester's append checks (SCENARIOS.md §1.4): for client c and count n, every item
// "x c j y" (j < n) appears in the value exactly once and after item j-1. They fail by throwing
// AssertionError, which ends the scenario with its seed.
import { AssertionError } from '@kvraft/raft-core';

/** The value a GenericTest client appends as its j-th item. */
export function appendItem(client: number, j: number): string {
  return `x ${client} ${j} y`;
}

/** checkClntAppends: client `client`'s first `count` items appear once each, in order, in `value`. */
export function checkClientAppends(client: number, value: string, count: number): void {
  let lastOffset = -1;
  for (let j = 0; j < count; j++) {
    const wanted = appendItem(client, j);
    const offset = value.indexOf(wanted);
    if (offset < 0) {
      throw new AssertionError(
        `${client} missing element ${wanted} in Append result (${describeValue(value)})`,
      );
    }
    if (value.lastIndexOf(wanted) !== offset) {
      throw new AssertionError(`duplicate element ${wanted} in Append result`);
    }
    if (offset <= lastOffset)
      throw new AssertionError(`wrong order for element ${wanted} in Append result`);
    lastOffset = offset;
  }
}

/** checkConcurrentAppends: the same check for every client i with its own count, on one value. */
export function checkConcurrentAppends(value: string, counts: readonly number[]): void {
  for (const [client, count] of counts.entries()) checkClientAppends(client, value, count);
}

function describeValue(value: string): string {
  return value.length <= 80
    ? JSON.stringify(value)
    : `${value.length} chars ending ${JSON.stringify(value.slice(-60))}`;
}
