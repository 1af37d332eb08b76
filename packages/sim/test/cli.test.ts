// Goal: the simulator's command lines (sim, sim:kv, sim:demo) answer --help, and refuse an
// unknown flag or a bad number with a message and a non-zero exit instead of running nothing
// and exiting 0. Method: each CLI runs as a child process from source through tsx, as the npm
// scripts run it, with arguments that stop before any seed runs; every run bounded.
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..', '..', '..');
/** How long one CLI run may take (tsx compiles on start; the machine may be busy). */
const runTimeoutMs = 60_000;

const clis = {
  sim: 'packages/sim/src/cli/swarm.ts',
  'sim:kv': 'packages/sim/src/kv/cli/sim-kv.ts',
  'sim:demo': 'packages/sim/src/cli/demo.ts',
} as const;

function runCli(
  cli: keyof typeof clis,
  args: string[],
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const argv = ['--import', 'tsx', '--conditions=@kvraft/source', join(root, clis[cli]), ...args];
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      argv,
      { cwd: root, timeout: runTimeoutMs },
      (error, stdout, stderr) => {
        const code = error === null ? 0 : typeof error.code === 'number' ? error.code : null;
        resolve({ code, stdout: String(stdout), stderr: String(stderr) });
      },
    );
  });
}

describe.each(Object.keys(clis) as (keyof typeof clis)[])('npm run %s', (cli) => {
  it('prints its usage for --help and exits 0', async () => {
    const result = await runCli(cli, ['--help']);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(`Usage: ${cli} [options]`);
    expect(result.stdout).toContain('--seed');
  });

  it('refuses an unknown flag', async () => {
    const result = await runCli(cli, ['--sedes', '5']);
    expect(result.code).not.toBe(0);
    expect(result.stderr).toContain("unknown option '--sedes'");
  });

  it('refuses a seed that is not a number', async () => {
    const result = await runCli(cli, ['--seed', 'abc']);
    expect(result.code).not.toBe(0);
    expect(result.stderr).toContain("expected an integer in 0..9007199254740991, got 'abc'");
    expect(result.stdout).not.toContain('seed abc');
  });
});

it.each(['sim', 'sim:kv'] as const)('npm run %s refuses --seeds abc and --seeds 0', async (cli) => {
  for (const bad of ['abc', '0']) {
    const result = await runCli(cli, ['--seeds', bad]);
    expect(result.code).not.toBe(0);
    expect(result.stderr).toContain(`expected an integer in 1..9007199254740991, got '${bad}'`);
  }
});
