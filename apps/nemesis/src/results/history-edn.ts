// Writes a history as Jepsen's EDN (one map per line), the format Jepsen's and Knossos's tools
// read: `{:type :invoke, :f :append, :process 3, :key "k1", :value "x 3 17 y", :time 123}`.
import type { History } from '@kvraft/checker';

/** Serializes `history` as EDN lines, with a trailing newline. */
export function toEdn(history: History): string {
  return history.events
    .map((event) => {
      const parts = [`:type :${event.type}`, `:f :${event.f}`, `:process ${event.process}`];
      if (event.key !== undefined) parts.push(`:key ${ednString(event.key)}`);
      if (event.value !== undefined) parts.push(`:value ${ednValue(event.value)}`);
      parts.push(`:time ${event.time}`);
      return `{${parts.join(', ')}}\n`;
    })
    .join('');
}

function ednValue(value: unknown): string {
  if (typeof value === 'string') return ednString(value);
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return value === null ? 'nil' : ednString(JSON.stringify(value));
}

// EDN strings escape like JSON's for the characters a history can hold.
function ednString(text: string): string {
  return JSON.stringify(text);
}
