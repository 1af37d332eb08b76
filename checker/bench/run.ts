// The checker benchmark. Part 1: per-file import and check time and peak memory for Porcupine's
// six KV histories and large generated kv histories (10k and 100k operations). Part 2: seeded
// random register and kv histories of 200–5,000 operations with 0–48% info operations, each
// shape over several seeds, against Porcupine's figures from issue 14 (measured on the same
// kind of shapes; Porcupine cannot be built here without Go modules, so when `go` is missing the
// reference column is those figures). Peak memory is the process's resident set, sampled between
// search rounds. Run with `npm run bench -w @kvraft/checker`; BENCH_QUICK=1 skips the 100k row.

import { readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  check,
  checkAppends,
  generateKvHistory,
  generateRegisterHistory,
  type History,
  importPorcupine,
  kvModel,
  type Model,
  registerModel,
} from '../src/index.ts';

const porcupineKvDir = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  '../fixtures/porcupine/kv',
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

/** One random shape: a generator over seeds, and Porcupine's time on it (issue 14), if known. */
interface Shape {
  readonly name: string;
  readonly model: Model<unknown>;
  readonly generate: (seed: number) => History;
  readonly porcupineMs?: number;
}

function registerShape(
  operations: number,
  clients: number,
  infoRate: number,
  porcupineMs?: number,
): Shape {
  return {
    name: `register ${operations} ops ${clients} cl ${(infoRate * 100).toFixed(0)}% info`,
    model: registerModel as Model<unknown>,
    generate: (seed) => generateRegisterHistory({ seed, clients, operations, infoRate }),
    ...(porcupineMs === undefined ? {} : { porcupineMs }),
  };
}

function kvShape(
  operations: number,
  infoRate: number,
  shape: { keys: number; putRate: number },
): Shape {
  const puts = shape.putRate === 0 ? 'appends' : `${(shape.putRate * 100).toFixed(0)}% puts`;
  return {
    name: `kv ${shape.keys} key ${operations} ops ${(infoRate * 100).toFixed(0)}% info ${puts}`,
    model: kvModel as Model<unknown>,
    generate: (seed) => generateKvHistory({ seed, clients: 10, operations, infoRate, ...shape }),
  };
}

const appendOnly = { keys: 1, putRate: 0 };
const withPuts = { keys: 10, putRate: 0.1 };

const shapes: Shape[] = [
  registerShape(200, 5, 0),
  registerShape(200, 5, 0.3),
  registerShape(2000, 10, 0.05, 16),
  registerShape(3000, 10, 0.2, 59),
  registerShape(5000, 10, 0),
  registerShape(5000, 10, 0.3),
  registerShape(1000, 20, 0.482, 13_500),
  kvShape(200, 0, appendOnly),
  kvShape(200, 0.3, appendOnly),
  kvShape(2000, 0.05, appendOnly),
  kvShape(5000, 0, appendOnly),
  kvShape(5000, 0.3, appendOnly),
  kvShape(5000, 0.3, withPuts),
  // A stress shape: one key, puts racing long appends (issue 14; put-append-race.test.ts).
  kvShape(2000, 0.05, { keys: 1, putRate: 0.1 }),
];
const seeds = [1, 2, 3];
const budgetMs = 10_000;

interface ShapeRow {
  readonly name: string;
  readonly verdicts: string;
  readonly firstMs: number;
  readonly minMs: number;
  readonly medianMs: number;
  readonly porcupineMs: number | undefined;
}

/**
 * Checks each seed once cold and then up to five times warm. The minimum is the figure to
 * compare: on a shared 2-core machine the median measures the neighbours as much as the checker.
 */
function measureShape(shape: Shape): ShapeRow {
  const warmMs: number[] = [];
  const verdicts: string[] = [];
  let firstMs = 0;
  for (const seed of seeds) {
    const history = shape.generate(seed);
    const timed = (): { ms: number; verdict: string } => {
      const startMs = performance.now();
      const result = check(history, shape.model, { clock: performance, budgetMs });
      return { ms: performance.now() - startMs, verdict: result.verdict };
    };
    const cold = timed();
    if (seed === seeds[0]) firstMs = cold.ms;
    const rounds = cold.ms > 1000 ? 1 : 5;
    for (let round = 0; round < rounds; round += 1) {
      const warm = timed();
      warmMs.push(warm.ms);
      verdicts.push(warm.verdict);
    }
  }
  warmMs.sort((left, right) => left - right);
  return {
    name: shape.name,
    verdicts: [...new Set(verdicts)].join('/'),
    firstMs,
    minMs: warmMs[0] ?? 0,
    medianMs: warmMs[Math.floor(warmMs.length / 2)] ?? 0,
    porcupineMs: shape.porcupineMs,
  };
}

function printFiles(rows: readonly Row[]): void {
  console.log('file            ops      verdict  import ms  check ms  appends ms  peak RSS MiB');
  for (const row of rows) {
    console.log(
      `${row.name.padEnd(15)} ${String(row.operations).padStart(7)}  ${row.verdict.padEnd(7)} ${row.importMs.toFixed(1).padStart(9)} ${row.checkMs.toFixed(1).padStart(9)} ${row.appendsMs.toFixed(1).padStart(11)} ${row.peakRssMiB.toFixed(0).padStart(13)}`,
    );
  }
}

function printShapes(rows: readonly ShapeRow[]): void {
  console.log(
    `\nrandom histories, seeds ${seeds.join(',')} (check ms: first cold run, min and median of warm runs; Porcupine: issue 14's figures; ratio = min / Porcupine)`,
  );
  console.log(
    'shape                                  verdict  first ms  min ms  median ms  Porcupine ms  ratio',
  );
  for (const row of rows) {
    const reference = row.porcupineMs === undefined ? '—' : row.porcupineMs.toFixed(0);
    const ratio =
      row.porcupineMs === undefined ? '—' : `${(row.minMs / row.porcupineMs).toFixed(2)}×`;
    console.log(
      `${row.name.padEnd(38)} ${row.verdicts.padEnd(8)} ${row.firstMs.toFixed(1).padStart(8)} ${row.minMs.toFixed(1).padStart(7)} ${row.medianMs.toFixed(1).padStart(10)} ${reference.padStart(13)} ${ratio.padStart(6)}`,
    );
  }
}

console.log(
  `${os.cpus()[0]?.model ?? 'unknown CPU'}, ${os.cpus().length} cores, node ${process.version}, ${new Date().toISOString().slice(0, 10)}`,
);
const rows: Row[] = [];
for (const name of ['c01-ok', 'c01-bad', 'c10-ok', 'c10-bad', 'c50-ok', 'c50-bad'])
  rows.push(measure(name, porcupine(name)));
const porcupineCheckMs = rows.reduce((sum, row) => sum + row.checkMs, 0);
const largeSizes = process.env['BENCH_QUICK'] === '1' ? [10_000] : [10_000, 100_000];
for (const operations of largeSizes) {
  const workload = { seed: 42, clients: 20, keys: 100, operations, infoRate: 0.01, failRate: 0.01 };
  rows.push(measure(`generated-${operations / 1000}k`, () => generateKvHistory(workload)));
}
printFiles(rows);
console.log(`six Porcupine files: ${porcupineCheckMs.toFixed(1)} ms of checking in total`);
printShapes(shapes.map(measureShape));
