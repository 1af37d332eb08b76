// Goal: bad input is refused with a clear message and exit code 3 before anything starts, and
// nothing is left running: unknown fault and workload names, the memory persister without
// --allow-amnesia, more fault lanes than a majority allows, a busy port, an unwritable out dir,
// an out dir that already holds a run. Method: `run`'s runCommand in process (the parse errors
// through the compiled bin), then a check that no cluster dir was created and the ports are free.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { assertPortsFree, portsNeeded } from '@kvraft/cluster';
import { afterAll, describe, expect, it } from 'vitest';
import { runCommand } from '../src/commands/run.ts';
import type { RunOptions } from '../src/commands/run-options.ts';

const root = mkdtempSync(join(tmpdir(), 'nemesis-bad-'));
const bin = join(import.meta.dirname, '..', 'dist', 'main.js');
afterAll(() => rmSync(root, { recursive: true, force: true }));

let outs = 0;
function options(overrides: Partial<RunOptions>): RunOptions {
  return {
    nodes: 3,
    persister: 'sqlite',
    clients: 2,
    durationMs: 10_000,
    faults: ['kill'],
    workload: 'append',
    seed: 1,
    out: join(root, `out-${++outs}`),
    runtime: 'real',
    allowAmnesia: false,
    concurrency: 1,
    checkBudgetMs: 1000,
    ...overrides,
  };
}

async function refused(overrides: Partial<RunOptions>): Promise<string> {
  const lines: string[] = [];
  const opts = options(overrides);
  const code = await runCommand(opts, { print: (l) => lines.push(l), tty: false });
  expect(code, lines.join('\n')).toBe(3);
  expect(existsSync(join(opts.out, 'cluster')), 'no cluster was started').toBe(false);
  expect(lines).toHaveLength(1);
  return lines[0]!;
}

function cli(args: string[]): { status: number | null; stdout: string } {
  const result = spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8', timeout: 30_000 });
  return { status: result.status, stdout: result.stdout };
}

/**
 * A free run of `count` ports below the kernel's ephemeral range, so concurrent tests that take
 * port 0 cannot land inside it between the refusal and the check that it is still free.
 */
async function rangeOutsideEphemeral(count: number): Promise<number> {
  const [low] = readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').split(/\s+/);
  const ceiling = Math.min(Number(low ?? 32768), 32768) - count;
  for (let attempt = 0; attempt < 50; attempt++) {
    const base = 20_000 + Math.floor(Math.random() * (ceiling - 20_000));
    const range = Array.from({ length: count }, (_, i) => base + i);
    const free = await assertPortsFree(range).then(
      () => true,
      () => false,
    );
    if (free) return base;
  }
  throw new Error(`no free run of ${count} ports below ${ceiling + count}`);
}

describe('kvraft-nemesis run refuses bad input before anything starts', () => {
  it('names unknown fault families and workloads (exit 3 from the bin)', () => {
    const faults = cli(['run', '--faults', 'kill,explode', '--out', join(root, 'x1')]);
    expect(faults.status).toBe(3);
    expect(faults.stdout).toMatch(/unknown fault family explode; known: kill, pause/);
    const workload = cli(['run', '--workload', 'sideways', '--out', join(root, 'x2')]);
    expect(workload.status).toBe(3);
    expect(workload.stdout).toMatch(/unknown workload sideways/);
    expect(existsSync(join(root, 'x1'))).toBe(false);
  });

  it('refuses the memory persister unless amnesia is allowed', async () => {
    expect(await refused({ persister: 'memory' })).toMatch(/--allow-amnesia/);
  });

  it('refuses fault lanes that would leave no majority', async () => {
    expect(await refused({ concurrency: 5 })).toMatch(
      /--concurrency 5 on 3 nodes would leave no majority/,
    );
  });

  it('refuses a busy port and leaves the rest of the range free', async () => {
    const port = await rangeOutsideEphemeral(portsNeeded(3));
    const squatter = createServer();
    await new Promise<void>((resolve) => squatter.listen(port + 3, '127.0.0.1', resolve));
    try {
      expect(await refused({ basePort: port })).toMatch(
        new RegExp(`port ${port + 3} on 127.0.0.1 is busy`),
      );
    } finally {
      await new Promise<void>((resolve) => squatter.close(() => resolve()));
    }
    const range = Array.from({ length: portsNeeded(3) }, (_, i) => port + i);
    await expect(assertPortsFree(range)).resolves.toBeUndefined();
  });

  it('refuses an out dir it cannot write and one that already holds a run', async () => {
    const file = join(root, 'a-file');
    writeFileSync(file, '');
    expect(await refused({ out: join(file, 'sub') })).toMatch(/cannot write to --out .*ENOTDIR/);
    const taken = join(root, 'taken');
    mkdirSync(taken);
    writeFileSync(join(taken, 'schedule.json'), '{}');
    expect(await refused({ out: taken })).toMatch(/already holds a run/);
  });
});
