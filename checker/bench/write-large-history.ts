// Writes a large seeded kv history as JSON Lines, for measuring the CLI's reading and checking
// of big files (issue 14: a 213 MB, 1.2M-operation file). Usage:
// `tsx --conditions=@kvraft/source bench/write-large-history.ts OUT [OPERATIONS] [KEYS]`.
// Defaults (1.2M operations, 50,000 keys, 10 clients) give 212 MB (202 MiB) in about a minute.

import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { generateKvHistory, historyFromOperations } from '../src/index.ts';

const [out, operationsText = '1200000', keysText = '50000'] = process.argv.slice(2);
if (out === undefined) throw new Error('usage: write-large-history.ts OUT [OPERATIONS] [KEYS]');
const workload = {
  seed: 14,
  clients: 10,
  keys: Number(keysText),
  operations: Number(operationsText),
  infoRate: 0.01,
  failRate: 0.01,
};
const history = generateKvHistory(workload);
const { events } = historyFromOperations(history.operations);
const stream = createWriteStream(out);
const batchLines = 10_000;
for (let start = 0; start < events.length; start += batchLines) {
  const text = events
    .slice(start, start + batchLines)
    .map((event) => `${JSON.stringify(event)}\n`)
    .join('');
  if (!stream.write(text)) await once(stream, 'drain');
}
stream.end();
await once(stream, 'finish');
console.log(`${out}: ${history.operations.length} operations, ${events.length} events`);
