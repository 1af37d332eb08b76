// Start-up figures, as a user meets them: a node process from spawn to answering its first
// status request, one `kvraft get` from spawn to exit, and one `kvraft-check` of Porcupine's
// c01-ok from spawn to exit. Each is run compiled (plain node, what the bins do) and, for
// comparison, from TypeScript source through tsx; beside them, a bare `node -e 0` in the same
// environment, the floor no bin can go below. Medians over a bounded number of runs; this
// prints numbers and asserts nothing.
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TcpClientTransport } from '@kvraft/transport';

const root = join(import.meta.dirname, '..', '..');
/** Runs per figure. */
const runsPerFigure = 11;
/** How long one node start may take before the run counts as failed. */
const startDeadlineMs = 30_000;
const tsx = ['--import', 'tsx', '--conditions=@kvraft/source'];

const entries = {
  server: {
    compiled: 'packages/server/dist/cli/main.js',
    source: 'packages/server/src/cli/main.ts',
  },
  kvraft: { compiled: 'apps/kvraft/dist/main.js', source: 'apps/kvraft/src/main.ts' },
  check: { compiled: 'checker/dist/cli/bin.js', source: 'checker/src/cli/bin.ts' },
} as const;
type Mode = 'compiled' | 'source';

async function freePort(): Promise<number> {
  const server = createServer().listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  const address = server.address();
  await new Promise((resolve) => server.close(resolve));
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}

function nodeArgs(mode: Mode, entry: keyof typeof entries): string[] {
  const path = join(root, entries[entry][mode]);
  return mode === 'compiled' ? [path] : [...tsx, path];
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
}

// Spawns a one-node cluster and polls its status until it answers; returns the child and ms.
async function startNode(mode: Mode, dataDir: string, port: number) {
  const endpoint = `127.0.0.1:${port}`;
  const startedMs = performance.now();
  const child = spawn(
    process.execPath,
    [...nodeArgs(mode, 'server'), '--id', '1', '--listen', endpoint, '--peers', `1=${endpoint}`],
    {
      stdio: 'ignore',
      env: { ...process.env, KVRAFT_DATA_DIR: dataDir, KVRAFT_CLUSTER_SECRET: 'bench' },
    },
  );
  const servers = new Map([[1, { host: '127.0.0.1', port }]]);
  const transport = new TcpClientTransport({ servers });
  try {
    while (performance.now() - startedMs < startDeadlineMs) {
      const reply = await transport.admin(1, { kind: 'status' }, 200);
      if (reply !== undefined) return { child, ms: performance.now() - startedMs };
      await new Promise((resolve) => setTimeout(resolve, 2));
    }
  } finally {
    transport.close();
  }
  child.kill('SIGKILL');
  throw new Error(`node did not answer within ${startDeadlineMs} ms`);
}

// A one-node cluster elects itself after an election timeout; `get` is timed against a leader.
async function waitForLeader(port: number): Promise<void> {
  const transport = new TcpClientTransport({
    servers: new Map([[1, { host: '127.0.0.1', port }]]),
  });
  try {
    for (let attempt = 0; attempt < 1000; attempt++) {
      const reply = await transport.admin(1, { kind: 'status' }, 200);
      if (reply?.status.role === 'leader') return;
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  } finally {
    transport.close();
  }
  throw new Error('no leader within 10 s');
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  await exited;
}

function timedRun(args: string[]): number {
  const startedMs = performance.now();
  const result = spawnSync(process.execPath, args, { stdio: 'ignore', timeout: 60_000 });
  if (result.status !== 0) throw new Error(`${args.join(' ')} exited ${result.status}`);
  return performance.now() - startedMs;
}

type Figures = { nodeStartMs: number[]; getMs: number[]; checkMs: number[] };

async function measure(mode: Mode): Promise<Figures> {
  const dir = mkdtempSync(join(tmpdir(), 'kvraft-startup-'));
  const starts: number[] = [];
  const gets: number[] = [];
  const checks: number[] = [];
  const fixture = join(root, 'checker', 'fixtures', 'porcupine', 'kv', 'c01-ok.txt');
  try {
    for (let run = 0; run < runsPerFigure; run++) {
      const port = await freePort();
      const { child, ms } = await startNode(mode, join(dir, `node-${run}`), port);
      starts.push(ms);
      // The node is stopped whatever happens to the client runs, so no run leaves it behind.
      try {
        await waitForLeader(port);
        const servers = ['--servers', `1=127.0.0.1:${port}`];
        // `get` of a missing key exits 2 by design, so the key is written first (untimed).
        timedRun([...nodeArgs('compiled', 'kvraft'), 'put', 'k', 'v', ...servers]);
        gets.push(timedRun([...nodeArgs(mode, 'kvraft'), 'get', 'k', ...servers]));
      } finally {
        await stop(child);
      }
      checks.push(timedRun([...nodeArgs(mode, 'check'), fixture]));
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return { nodeStartMs: starts, getMs: gets, checkMs: checks };
}

// A median with the range it came from, e.g. `142 ms (131–170)`.
function cell(values: number[]): string {
  const sorted = [...values].sort((a, b) => a - b);
  const ms = (value: number | undefined) => Math.round(value ?? Number.NaN);
  return `${ms(median(sorted))} ms (${ms(sorted[0])}–${ms(sorted.at(-1))})`;
}

/** Prints the start-up table: compiled bins beside the same code run through tsx. */
export async function runStartupBench(): Promise<void> {
  // Some environments make every node process pay at start whatever it runs (NODE_OPTIONS, or
  // NODE_EXTRA_CA_CERTS, which loads a certificate bundle before any script): the floor row
  // shows what that costs here, and the header says which of them are set.
  const inherited = ['NODE_OPTIONS', 'NODE_EXTRA_CA_CERTS'].filter((name) => process.env[name]);
  const floor = Array.from({ length: runsPerFigure }, () => timedRun(['-e', '0']));
  console.log(
    `start-up, median (min–max) of ${runsPerFigure} runs, SQLite node, one-node cluster; ` +
      `node ${process.version}; ${inherited.length === 0 ? 'no' : inherited.join(', ')} set`,
  );
  console.log('| mode | node spawn → serving | kvraft get | kvraft-check c01-ok |');
  console.log('|---|---|---|---|');
  console.log(
    `| bare \`node -e 0\` (the floor) | ${cell(floor)} | ${cell(floor)} | ${cell(floor)} |`,
  );
  for (const mode of ['compiled', 'source'] as const) {
    const row = await measure(mode);
    const label = mode === 'compiled' ? 'compiled (plain node)' : 'source through tsx';
    console.log(
      `| ${label} | ${[row.nodeStartMs, row.getMs, row.checkMs].map(cell).join(' | ')} |`,
    );
  }
}
