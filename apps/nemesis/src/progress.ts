// The live progress of a run: a cli-progress bar on a TTY (elapsed, ops/s, errors, leader, the
// current fault), plain lines otherwise (a status line every few seconds and one per fault), so
// cron logs stay readable.
import type { TimelineEvent } from '@kvraft/cluster';
import cliProgress from 'cli-progress';
import type { RunProgress } from './runtime/play-run.ts';

/** Where progress goes. */
export interface Progress {
  update(progress: RunProgress): void;
  event(event: TimelineEvent): void;
  stop(): void;
}

/** Plain status lines at most this often. */
const plainEveryMs = 5000;

/** A TTY bar when `tty`, else plain lines through `print`. */
export function createProgress(tty: boolean, print: (line: string) => void): Progress {
  return tty ? barProgress() : plainProgress(print);
}

function plainProgress(print: (line: string) => void): Progress {
  let lastMs = -plainEveryMs;
  return {
    update: (p) => {
      if (p.elapsedMs - lastMs < plainEveryMs) return;
      lastMs = p.elapsedMs;
      print(`  ${line(p)}`);
    },
    event: (e) => print(`  ${(e.atMs / 1000).toFixed(1)}s ${e.phase} ${e.kind}: ${e.detail}`),
    stop: () => undefined,
  };
}

function barProgress(): Progress {
  const bar = new cliProgress.SingleBar(
    {
      format: 'nemesis [{bar}] {percentage}% | {status}',
      hideCursor: true,
      clearOnComplete: false,
    },
    cliProgress.Presets.shades_classic,
  );
  let started = false;
  return {
    update: (p) => {
      if (!started) bar.start(Math.round(p.durationMs / 1000), 0, { status: '' });
      started = true;
      bar.update(Math.min(Math.round(p.elapsedMs / 1000), Math.round(p.durationMs / 1000)), {
        status: line(p),
      });
    },
    event: () => undefined,
    stop: () => {
      if (started) bar.stop();
    },
  };
}

function line(p: RunProgress): string {
  const seconds = Math.max(1, p.elapsedMs / 1000);
  const errors = p.counts.fail + p.counts.info;
  return `${Math.round(p.elapsedMs / 1000)}s/${Math.round(p.durationMs / 1000)}s ${Math.round(p.counts.ok / seconds)} ops/s, ${p.counts.ok} ok, ${errors} errors, leader ${p.leader ?? 'none'}, fault ${p.fault}`;
}
