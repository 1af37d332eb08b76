// Persister benchmark: saves/s and p50/p99 latency per adapter for 1-entry saves, 64-entry
// batches, and 64 concurrent 1-entry saves (group commit), next to the raw write+fdatasync
// latency of the same disk as the floor; each durable adapter also behind the ack watermark. Bounded: every phase stops at its count or time budget.
import { closeSync, fdatasyncSync, mkdtempSync, openSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { openLevelPersister } from '@kvraft/persister-level';
import { MemoryPersister } from '@kvraft/persister-memory';
import { openSqlitePersister } from '@kvraft/persister-sqlite';
import type { Entry, Persister } from '@kvraft/raft-core';
import { WatermarkedPersister } from '@kvraft/raft-core/persister-kit';
import { openWatermarkFile } from '@kvraft/server';

/** Most operations and milliseconds one phase may take. */
const phaseOpsMax = 2000;
const phaseMsMax = 4000;
const entryDataBytes = 128;
const batchEntries = 64;
const concurrentSaves = 64;

interface PhaseResult {
  readonly savesPerSecond: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
}

function summarize(latencies: number[], elapsedMs: number): PhaseResult {
  const sorted = [...latencies].sort((a, b) => a - b);
  const at = (q: number): number =>
    sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0;
  return { savesPerSecond: (latencies.length * 1000) / elapsedMs, p50Ms: at(0.5), p99Ms: at(0.99) };
}

/**
 * Measures write(64 B) + fdatasync on a file in `dir`: the floor of any durable save. Appending
 * grows the file (a metadata flush per sync); overwriting in place does not, like a reused WAL.
 */
function fdatasyncFloor(dir: string, mode: 'append' | 'overwrite'): PhaseResult {
  const fd = openSync(join(dir, `fsync-probe-${mode}`), 'w');
  const block = Buffer.alloc(64, 1);
  const latencies: number[] = [];
  const start = performance.now();
  while (latencies.length < phaseOpsMax && performance.now() - start < phaseMsMax) {
    const t = performance.now();
    writeSync(fd, block, 0, block.length, mode === 'append' ? null : 0);
    fdatasyncSync(fd);
    latencies.push(performance.now() - t);
  }
  closeSync(fd);
  return summarize(latencies, performance.now() - start);
}

/** Keeps `inflight` saves of `entriesPerSave` entries going until the phase budget runs out. */
async function savePhase(
  store: Persister,
  next: { index: number },
  entriesPerSave: number,
  inflight: number,
): Promise<PhaseResult> {
  const latencies: number[] = [];
  const data = new Uint8Array(entryDataBytes).fill(7);
  const start = performance.now();
  const worker = async (): Promise<void> => {
    while (latencies.length < phaseOpsMax && performance.now() - start < phaseMsMax) {
      const entries: Entry[] = [];
      for (let i = 0; i < entriesPerSave; i++)
        entries.push({ index: next.index++, term: 1, kind: 'command', data });
      const t = performance.now();
      await store.save({
        entries,
        hardState: { term: 1, votedFor: 1, commitIndex: next.index - 1 },
      });
      latencies.push(performance.now() - t);
    }
  };
  await Promise.all(Array.from({ length: inflight }, worker));
  return summarize(latencies, performance.now() - start);
}

const format = (r: PhaseResult): string =>
  `${r.savesPerSecond.toFixed(0).padStart(8)}/s  p50 ${r.p50Ms.toFixed(2).padStart(7)} ms  p99 ${r.p99Ms.toFixed(2).padStart(7)} ms`;

// The store behind the data dir's ack watermark file, as startNode wraps it: the watermark's
// extra fdatasync per group of saves is what protection against silent rollback costs.
async function watermarked(
  dataDir: string,
  open: (name: string) => Promise<Persister>,
): Promise<Persister> {
  const inner = await open(join(dataDir, 'store'));
  return new WatermarkedPersister(inner, await openWatermarkFile(dataDir, true));
}

/** Runs the persister benchmark and prints one block per adapter. */
export async function runPersisterBench(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'kvraft-bench-'));
  try {
    console.log(
      `persister bench: ${entryDataBytes} B entries, ≤${phaseOpsMax} saves or ${phaseMsMax} ms per phase, dir ${dir}`,
    );
    console.log(
      `  fdatasync floor, appending 64 B          ${format(fdatasyncFloor(dir, 'append'))}`,
    );
    console.log(
      `  fdatasync floor, overwriting 64 B        ${format(fdatasyncFloor(dir, 'overwrite'))}`,
    );
    const sqlite = (path: string) => openSqlitePersister({ dir: resolve(dir, path) });
    const level = (path: string) => openLevelPersister({ dir: resolve(dir, path) });
    const adapters: Array<[string, () => Promise<Persister>]> = [
      ['memory', async () => new MemoryPersister()],
      ['sqlite', () => sqlite('sqlite')],
      [
        'sqlite + ack watermark (as a node runs it)',
        () => watermarked(join(dir, 'sqlite-wm'), sqlite),
      ],
      ['level', () => level('level')],
      [
        'level + ack watermark (as a node runs it)',
        () => watermarked(join(dir, 'level-wm'), level),
      ],
    ];
    for (const [name, open] of adapters) {
      const store = await open();
      await store.load();
      const next = { index: 1 };
      console.log(`  ${name}`);
      console.log(
        `    1-entry saves, 1 in flight              ${format(await savePhase(store, next, 1, 1))}`,
      );
      console.log(
        `    ${batchEntries}-entry saves, 1 in flight             ${format(await savePhase(store, next, batchEntries, 1))}`,
      );
      console.log(
        `    1-entry saves, ${concurrentSaves} in flight (group commit) ${format(await savePhase(store, next, 1, concurrentSaves))}`,
      );
      await store.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
