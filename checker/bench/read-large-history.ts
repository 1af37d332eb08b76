// Peak memory and time of reading a large history file, against the file's size (issue 14: a
// 210 MB file peaked at 2.9 GB). Each measurement runs in its own process, so every peak
// resident set is that reading's alone: an idle process (the runtime's own share), the CLI's
// streaming reader (readHistory), the same file read whole and parsed in one piece (what
// streaming avoids), and the whole `kvraft-check` command under its default budgets (10 s,
// 1,024 MiB) and under budgets large enough to decide the file (150 s, 4,096 MiB).
// Usage: `tsx --conditions=@kvraft/source bench/read-large-history.ts [FILE]`; without FILE a
// 1.2M-operation history (about 212 MB) is written to the system's temporary folder first.

import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { main } from '../src/cli/main.ts';
import { parseJsonl } from '../src/index.ts';
import { readHistory } from '../src/io/read-history.ts';

const mebibyte = 1024 * 1024;
const here = path.dirname(fileURLToPath(import.meta.url));
const modes = ['idle', 'stream', 'whole', 'cli', 'cli-long'] as const;
type Mode = (typeof modes)[number];

/** What one child process reports. */
interface Measurement {
  readonly mode: Mode;
  readonly ms: number;
  readonly operations: number;
  readonly peakRssMiB: number;
  readonly outcome: string;
}

async function measure(mode: Mode, file: string): Promise<Measurement> {
  const started = performance.now();
  let operations = 0;
  let outcome = 'ok';
  if (mode === 'stream') {
    const read = await readHistory(file, 'jsonl', { clock: performance });
    operations = read.ok ? read.history.operations.length : 0;
    outcome = read.ok ? 'ok' : read.error.reason;
  } else if (mode === 'whole') {
    const read = parseJsonl(readFileSync(file, 'utf8'));
    operations = read.ok ? read.history.operations.length : 0;
    outcome = read.ok ? 'ok' : read.error.reason;
  } else if (mode === 'cli' || mode === 'cli-long') {
    // The command's own report goes to stderr so that stdout carries only the measurement.
    const write = process.stdout.write.bind(process.stdout);
    process.stdout.write = process.stderr.write.bind(process.stderr);
    const budgets = mode === 'cli' ? [] : ['--budget-ms', '150000', '--memory-mb', '4096'];
    outcome = `exit ${await main([file, ...budgets])}`;
    process.stdout.write = write;
  }
  const ms = performance.now() - started;
  // maxRSS is in KiB: the process's peak resident set, whatever the garbage collector did.
  const peakRssMiB = (process.resourceUsage().maxRSS * 1024) / mebibyte;
  return { mode, ms, operations, peakRssMiB, outcome };
}

function runChild(mode: Mode, file: string): Measurement {
  const script = fileURLToPath(import.meta.url);
  const child = spawnSync(
    process.execPath,
    ['--import', 'tsx', '--conditions=@kvraft/source', script, '--child', mode, file],
    { cwd: path.resolve(here, '..'), encoding: 'utf8', maxBuffer: 64 * mebibyte },
  );
  if (child.status !== 0) throw new Error(`${mode} failed: ${child.stderr.slice(-2000)}`);
  return JSON.parse(child.stdout.trim().split('\n').at(-1) ?? '') as Measurement;
}

function ensureFile(file: string | undefined): string {
  if (file !== undefined) return file;
  const generated = path.join(os.tmpdir(), 'kvraft-large-history.jsonl');
  if (!existsSync(generated)) {
    const writer = path.join(here, 'write-large-history.ts');
    const child = spawnSync(
      process.execPath,
      ['--import', 'tsx', '--conditions=@kvraft/source', writer, generated],
      { cwd: path.resolve(here, '..'), stdio: 'inherit' },
    );
    if (child.status !== 0) throw new Error('cannot write the large history');
  }
  return generated;
}

const [first, second, third] = process.argv.slice(2);
if (first === '--child') {
  const measurement = await measure(second as Mode, third as string);
  process.stdout.write(`${JSON.stringify(measurement)}\n`);
} else {
  const file = ensureFile(first);
  const fileMiB = statSync(file).size / mebibyte;
  console.log(
    `${file}: ${fileMiB.toFixed(1)} MiB; ${os.cpus().length} cpus, node ${process.version}`,
  );
  console.log('mode      ms       operations  peak RSS MiB  RSS / file  outcome');
  for (const mode of modes) {
    const m = runChild(mode, file);
    const ratio = (m.peakRssMiB / fileMiB).toFixed(2);
    console.log(
      `${m.mode.padEnd(8)}${m.ms.toFixed(0).padStart(7)}  ${String(m.operations).padStart(10)}  ${m.peakRssMiB.toFixed(0).padStart(12)}  ${ratio.padStart(10)}  ${m.outcome}`,
    );
  }
}
