// The checker benchmark: per-file import and check time and peak memory for Porcupine's six KV
// histories, then large generated histories (10k and 100k operations). Peak memory is the
// process's resident set, sampled between search rounds through the check's onProgress hook.
// Run with `npm run bench -w @kvraft/checker`.

import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  check,
  checkAppends,
  generateKvHistory,
  type History,
  importPorcupine,
  kvModel,
} from '../src/index.ts';

const porcupineKvDir = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  '../../../shared/histories/porcupine/kv',
);
const mebibyte = 1024 * 1024;

interface Row {
  readonly name: string;
  readonly operations: number;
  readonly verdict: string;
  readonly importMs: number;
  readonly checkMs: number;
  readonly appendsMs: number;
  readonly peakRssMiB: number;
}

function measure(name: string, load: () => History): Row {
  const importStartMs = performance.now();
  const history = load();
  const importMs = performance.now() - importStartMs;
  let peakRss = process.memoryUsage.rss();
  const sample = (): void => {
    peakRss = Math.max(peakRss, process.memoryUsage.rss());
  };
  const checkStartMs = performance.now();
  const result = check(history, kvModel, { clock: performance, onProgress: sample });
  const checkMs = performance.now() - checkStartMs;
  const appendsStartMs = performance.now();
  checkAppends(history);
  const appendsMs = performance.now() - appendsStartMs;
  sample();
  return {
    name,
    operations: history.operations.length,
    verdict: result.verdict,
    importMs,
    checkMs,
    appendsMs,
    peakRssMiB: peakRss / mebibyte,
  };
}

function porcupine(name: string): () => History {
  return () => {
    const result = importPorcupine(readFileSync(path.join(porcupineKvDir, `${name}.txt`), 'utf8'));
    if (!result.ok) throw new Error(`${name}: ${result.error.detail}`);
    return result.history;
  };
}

const rows: Row[] = [];
for (const name of ['c01-ok', 'c01-bad', 'c10-ok', 'c10-bad', 'c50-ok', 'c50-bad'])
  rows.push(measure(name, porcupine(name)));
const porcupineCheckMs = rows.reduce((sum, row) => sum + row.checkMs, 0);
for (const operations of [10_000, 100_000]) {
  const workload = { seed: 42, clients: 20, keys: 100, operations, infoRate: 0.01, failRate: 0.01 };
  rows.push(measure(`generated-${operations / 1000}k`, () => generateKvHistory(workload)));
}
console.log('file            ops      verdict  import ms  check ms  appends ms  peak RSS MiB');
for (const row of rows) {
  console.log(
    `${row.name.padEnd(15)} ${String(row.operations).padStart(7)}  ${row.verdict.padEnd(7)} ${row.importMs.toFixed(1).padStart(9)} ${row.checkMs.toFixed(1).padStart(9)} ${row.appendsMs.toFixed(1).padStart(11)} ${row.peakRssMiB.toFixed(0).padStart(13)}`,
  );
}
console.log(`six Porcupine files: ${porcupineCheckMs.toFixed(1)} ms of checking in total`);
