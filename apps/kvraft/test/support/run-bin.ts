// Shared by the CLI tests: run the compiled `kvraft` bin as a child process (bounded), start a
// long-running one and read its output as it comes, read a pid file, and probe pids. Tests end
// only processes they started, by pid.
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The compiled bin (plain node), as users run it. */
export const bin = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'dist', 'main.js');

/** How long one short command may run. */
const commandTimeoutMs = 30_000;

/** What a finished command left behind. */
export interface RunResult {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs `kvraft ...args` to completion (killed after a bound); never rejects. */
export function kvraft(
  args: readonly string[],
  options: { input?: string; env?: Record<string, string> } = {},
): Promise<RunResult> {
  return new Promise((resolve) => {
    const child = execFile(
      process.execPath,
      [bin, ...args],
      {
        timeout: commandTimeoutMs,
        maxBuffer: 16 << 20,
        env: { ...process.env, ...options.env },
      },
      (error, stdout, stderr) => {
        const code = error === null ? 0 : typeof error.code === 'number' ? error.code : null;
        resolve({ code, stdout: String(stdout), stderr: String(stderr) });
      },
    );
    child.stdin?.end(options.input ?? '');
  });
}

/** A long-running `kvraft` child and everything it has printed so far. */
export interface Running {
  readonly child: ChildProcess;
  output(): string;
  /** Resolves with the exit code (or signal name) once it has exited. */
  readonly exited: Promise<number | string | null>;
}

/** Starts `kvraft ...args` in the background (or `sh -c` a pipeline when `shell` is set). */
export function start(args: readonly string[], shell?: string): Running {
  const child =
    shell === undefined
      ? spawn(process.execPath, [bin, ...args], { stdio: ['ignore', 'pipe', 'pipe'] })
      : spawn('sh', ['-c', shell], { stdio: ['ignore', 'pipe', 'pipe'] });
  let text = '';
  child.stdout?.on('data', (chunk) => {
    text += String(chunk);
  });
  child.stderr?.on('data', (chunk) => {
    text += String(chunk);
  });
  const exited = new Promise<number | string | null>((resolve) =>
    child.once('exit', (code, signal) => resolve(code ?? signal)),
  );
  return { child, output: () => text, exited };
}

/** Polls `condition` every 100 ms until it holds or `timeoutMs` passes; returns whether it held. */
export async function waitFor(condition: () => boolean, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return true;
}

/** Whether `pid` exists and is not a zombie. */
export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    return !/\) Z /.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
}

/** The node pids in `<dir>/cluster.json` (empty when there is none). */
export function nodePids(dir: string): number[] {
  try {
    const { nodes } = JSON.parse(readFileSync(join(dir, 'cluster.json'), 'utf8')) as {
      nodes: { pid: number | null }[];
    };
    return nodes.flatMap((n) => (n.pid === null ? [] : [n.pid]));
  } catch {
    return [];
  }
}

/** The `--servers` flag `cluster up` printed, once it printed one. */
export function serversOf(output: string): string | undefined {
  return /--servers (\S+)/.exec(output)?.[1];
}
