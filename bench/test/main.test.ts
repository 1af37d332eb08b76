// Goal: the benchmark entry answers --help with every benchmark, and refuses an unknown
// benchmark or flag with a non-zero exit. Method: `bench/src/main.ts` as a child process through
// tsx (as `npm run bench` runs it), with arguments that stop before any benchmark runs.
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { expect, it } from 'vitest';

const root = join(import.meta.dirname, '..', '..');
/** How long one run may take (tsx compiles on start; the machine may be busy). */
const runTimeoutMs = 60_000;

function runBench(
  args: string[],
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const entry = join(root, 'bench', 'src', 'main.ts');
  const argv = ['--import', 'tsx', '--conditions=@kvraft/source', entry, ...args];
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

it('lists every benchmark for --help and exits 0', async () => {
  const result = await runBench(['--help']);
  expect(result.code).toBe(0);
  expect(result.stdout).toContain('persisters');
  expect(result.stdout).toContain('startup');
  expect(result.stdout).toContain('cluster');
});

it.each([
  ['an unknown benchmark', ['nonsense'], "unknown command 'nonsense'"],
  ['an unknown flag', ['startup', '--fast'], "unknown option '--fast'"],
  ['no benchmark at all', [], 'Usage: bench'],
])('refuses %s with a non-zero exit', async (_name, args, message) => {
  const result = await runBench(args);
  expect(result.code).not.toBe(0);
  expect(result.stderr).toContain(message);
});
