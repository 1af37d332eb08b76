// Plays one schedule on a runtime and leaves every file in DIR: schedule.json first (so a run
// that dies can still be replayed), then the history, verdict, results and report. Returns the
// exit code (0 valid, 1 violation, 2 undecided) and prints one summary line.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Schedule } from '@kvraft/cluster';
import { createProgress } from '../progress.ts';
import { renderReport } from '../report/render-report.ts';
import { buildResults, type RunResults, writeRunFiles, writeSchedule } from '../results/run-dir.ts';
import { exitCodeOf, judge } from '../results/verdict.ts';
import { runReal } from '../runtime/real-runtime.ts';
import { runSim } from '../runtime/sim-runtime.ts';

/** How to play a schedule. */
export interface ExecuteOptions {
  readonly runtime: 'real' | 'sim';
  readonly out: string;
  readonly basePort?: number;
  readonly checkBudgetMs: number;
  /** Extra environment for real nodes (test-only gates). */
  readonly env?: Readonly<Record<string, string>>;
}

/** Side effects a run may have besides DIR. */
export interface ExecuteDeps {
  readonly print: (line: string) => void;
  /** Draw a progress bar (a TTY) instead of plain lines. */
  readonly tty: boolean;
}

/** Plays `schedule`; resolves with the exit code and the results. */
export async function executeRun(
  schedule: Schedule,
  options: ExecuteOptions,
  deps: ExecuteDeps,
): Promise<{ exitCode: 0 | 1 | 2; results: RunResults }> {
  writeSchedule(options.out, schedule);
  for (const skip of schedule.skipped)
    deps.print(`skipping fault family ${skip.family}: ${skip.reason}`);
  deps.print(
    `${schedule.steps.length} fault step(s) over ${schedule.durationMs / 1000} s; out ${options.out}`,
  );
  const progress = createProgress(deps.tty, deps.print);
  const hooks = {
    onEvent: (e: Parameters<typeof progress.event>[0]) => progress.event(e),
    onProgress: (p: Parameters<typeof progress.update>[0]) => progress.update(p),
  };
  let run: Awaited<ReturnType<typeof runSim>> & {
    peakRssBytes?: number;
    metricsSnapshots?: number;
  };
  try {
    if (options.runtime === 'sim') {
      run = { ...(await runSim(schedule, hooks)) };
    } else {
      const realOptions = {
        outDir: options.out,
        ...(options.basePort === undefined ? {} : { basePort: options.basePort }),
        ...(options.env === undefined ? {} : { env: options.env }),
      };
      run = await runReal(schedule, realOptions, hooks);
    }
  } finally {
    progress.stop();
  }
  deps.print(`checking ${run.history.operations.length} operations…`);
  const verdict = judge(run.history, { budgetMs: options.checkBudgetMs });
  const results = buildResults({ runtime: options.runtime, schedule, ...run }, verdict);
  writeRunFiles(options.out, run.history, results);
  writeFileSync(join(options.out, 'report.html'), renderReport(run.history, results));
  deps.print(summaryLine(results, options.out));
  return { exitCode: exitCodeOf(verdict.verdict), results };
}

/** The one-line summary every run, check and report ends with. */
export function summaryLine(r: RunResults, dir: string): string {
  const v = r.verdict;
  const faults = r.availability.faults.length;
  return (
    `nemesis ${v.verdict.toUpperCase()}: ${r.runtime} ${r.persister} ${r.nodes} nodes ${r.workload} seed ${r.seed}: ` +
    `${r.counts.ok} ok, ${r.counts.fail} failed, ${r.counts.info} indeterminate, ${r.opsPerSecond} ops/s, ` +
    `${faults} fault(s), ${r.leaderChanges} leader change(s); linearizability ${v.linearizable}, appends ${v.appends}; ${dir}`
  );
}
