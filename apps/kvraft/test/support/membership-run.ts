// Harness of the real-process membership tests: a ProcessCluster of kvraft-server children on
// 127.0.0.1 under a recorded client load (the demo's workload and the checker's recorder), the
// `kvraft member` / `transfer-leader` commands run in-process against it, and per-step figures:
// how long each step took and the unavailability, the longest gap between successful client
// operations while it ran. Every wait is bounded; only processes this cluster started are ended.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { check, checkAppends, type History, kvModel } from '@kvraft/checker';
import { createTcpClerk, freePort, ProcessCluster } from '@kvraft/cluster';
import type { MemberChange } from '@kvraft/kv-service';
import { createPrng } from '@kvraft/raft-core';
import type { PersisterName } from '@kvraft/server';
import { type Endpoint, formatEndpoint, TcpClientTransport } from '@kvraft/transport';
import { runChange } from '../../src/commands/member.ts';
import { run as runTransfer } from '../../src/commands/transfer-leader.ts';
import { processNanoClock, runWorkload, type WorkloadResult } from '../../src/demo/workload.ts';

/** Longest a whole load may run, in ms (the steps normally end it much sooner). */
const loadMs = 45_000;
/** How often a waiting step polls the cluster, in ms. */
const pollMs = 50;

/** One step's figures. */
export interface StepFigure {
  readonly step: string;
  readonly tookMs: number;
  /** Longest gap between successful client operations during the step, in ms. */
  readonly unavailableMs: number;
}

/** What a run hands its steps. */
export interface RunContext {
  readonly cluster: ProcessCluster;
  /** Runs `body` as a named step and records its figures. */
  step(name: string, body: () => Promise<void>): Promise<void>;
  /** The output of every command run so far (for failure messages). */
  readonly lines: string[];
  /** A port reserved for the `n`-th node added (n from 0), known to the clients from the start. */
  readonly futurePorts: readonly number[];
}

/** What a finished run reports. */
export interface RunReport {
  readonly load: WorkloadResult;
  readonly figures: readonly StepFigure[];
  readonly linearizable: string;
  readonly appends: string;
  readonly lines: readonly string[];
}

/** Starts 3 nodes on `persister`, runs `steps` under load, stops everything, checks the history. */
export async function runUnderLoad(
  persister: PersisterName,
  futureNodes: number,
  steps: (ctx: RunContext) => Promise<void>,
): Promise<RunReport> {
  const dir = mkdtempSync(join(tmpdir(), 'kvraft-membership-'));
  const cluster = await ProcessCluster.start({ nodes: 3, persister, dir, secret: 'membership' });
  const futurePorts = await Promise.all(Array.from({ length: futureNodes }, () => freePort()));
  const servers = new Map<number, Endpoint>(cluster.endpoints);
  for (const [i, port] of futurePorts.entries()) servers.set(4 + i, { host: '127.0.0.1', port });
  const clients = Array.from({ length: 3 }, () =>
    createTcpClerk(servers, { operationTimeoutMs: 15_000, attemptTimeoutMs: 500 }),
  );
  const lines: string[] = [];
  const figures: StepFigure[] = [];
  const windows: { step: string; startNs: number; endNs: number }[] = [];
  let done = false;
  try {
    if ((await cluster.waitForLeader(20_000)) === undefined) throw new Error(`no leader; ${dir}`);
    const load = runWorkload({
      clerks: clients.map((c) => c.clerk),
      keys: ['k0', 'k1', 'k2', 'k3'],
      durationMs: loadMs,
      random: seededRandom(7),
      stopped: () => done,
    });
    const step = async (name: string, body: () => Promise<void>) => {
      const startNs = processNanoClock.nowNs();
      await body();
      windows.push({ step: name, startNs, endNs: processNanoClock.nowNs() });
    };
    await sleep(1000);
    await steps({ cluster, step, lines, futurePorts }).finally(() => {
      done = true;
    });
    await sleep(0);
    const result = await load;
    const history = result.recorder.history();
    for (const w of windows) figures.push(figureOf(history, w));
    const verdict = check(history, kvModel, {
      budgetMs: 20_000,
      clock: { now: () => performance.now() },
    });
    return {
      load: result,
      figures,
      linearizable: verdict.verdict,
      appends: checkAppends(history).verdict,
      lines,
    };
  } finally {
    done = true;
    for (const client of clients) client.transport.close();
    await cluster.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** `kvraft member <change>` in-process against the cluster's current nodes; returns its exit code. */
export function member(ctx: RunContext, change: MemberChange): Promise<number> {
  const deps = {
    print: (l: string) => ctx.lines.push(l),
    printError: (l: string) => ctx.lines.push(l),
  };
  return runChange(change, { servers: new Map(ctx.cluster.endpoints), timeoutMs: 5000 }, deps);
}

/** `kvraft transfer-leader <id>` in-process; returns its exit code. */
export function transferLeader(ctx: RunContext, target: number): Promise<number> {
  const deps = {
    print: (l: string) => ctx.lines.push(l),
    printError: (l: string) => ctx.lines.push(l),
  };
  return runTransfer(target, { servers: new Map(ctx.cluster.endpoints), timeoutMs: 5000 }, deps);
}

/** The address of node `id` as `member add-learner` takes it. */
export function addressOf(ctx: RunContext, id: number): string {
  return formatEndpoint(ctx.cluster.endpoints.get(id)!);
}

/**
 * Promotes learner `id` once the leader's match index says it has caught up; a promotion refused
 * as not caught up (the load keeps the log growing) is retried, up to `attemptsMax` times.
 */
export async function promoteWhenCaughtUp(
  ctx: RunContext,
  id: number,
  attemptsMax = 100,
): Promise<number> {
  let code = -1;
  for (let attempt = 0; attempt < attemptsMax; attempt++) {
    await waitCaughtUp(ctx, id, 10_000);
    code = await member(ctx, { kind: 'promote', id });
    if (code === 0) return 0;
    await sleep(pollMs);
  }
  return code;
}

/** Waits (bounded) until the leader reports learner `id` within 32 entries of its own log. */
async function waitCaughtUp(ctx: RunContext, id: number, timeoutMs: number): Promise<void> {
  const transport = new TcpClientTransport({ servers: new Map(ctx.cluster.endpoints) });
  const deadline = Date.now() + timeoutMs;
  try {
    while (Date.now() < deadline) {
      for (const server of ctx.cluster.endpoints.keys()) {
        const report = (await transport.admin(server, { kind: 'members' }, 1000))?.members;
        if (report === undefined || report.leaderId !== report.nodeId) continue;
        const own = report.members.find((m) => m.id === report.nodeId)?.matchIndex ?? 0;
        const match = report.members.find((m) => m.id === id)?.matchIndex ?? 0;
        if (own - match <= 32) return;
      }
      await sleep(pollMs);
    }
  } finally {
    transport.close();
  }
}

/** Waits (bounded) until node `id` answers a status request; returns whether it did. */
export async function waitAnswers(
  cluster: ProcessCluster,
  id: number,
  timeoutMs = 10_000,
): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if ((await cluster.statuses(500)).get(id) !== undefined) return true;
    await sleep(pollMs);
  }
  return false;
}

/** Waits (bounded) until node `id` reports itself leader; returns whether it did. */
export async function waitLeads(
  cluster: ProcessCluster,
  id: number,
  timeoutMs = 10_000,
): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if ((await cluster.statuses(500)).get(id)?.role === 'leader') return true;
    await sleep(pollMs);
  }
  return false;
}

// The longest gap between successful operations' completions over a step's window, the last
// success before it and the first after it included (a step that stalls clients shows here).
function figureOf(
  history: History,
  w: { step: string; startNs: number; endNs: number },
): StepFigure {
  const returns = history.operations
    .filter((op) => op.status === 'ok')
    .map((op) => op.returnNs)
    .sort((a, b) => a - b);
  const before = returns.filter((t) => t < w.startNs).at(-1) ?? w.startNs;
  const after = returns.find((t) => t > w.endNs) ?? w.endNs;
  const points = [before, ...returns.filter((t) => t >= w.startNs && t <= w.endNs), after];
  let gapNs = 0;
  for (let i = 1; i < points.length; i++) gapNs = Math.max(gapNs, points[i]! - points[i - 1]!);
  return { step: w.step, tookMs: ms(w.endNs - w.startNs), unavailableMs: ms(gapNs) };
}

const ms = (ns: number) => Math.round(ns / 1e5) / 10;
const sleep = (delayMs: number) => new Promise((resolve) => setTimeout(resolve, delayMs));

// One PRNG for the whole project: raft-core's, so a demo seed means the same everywhere.
function seededRandom(seed: number): () => number {
  const prng = createPrng(seed);
  return () => prng.nextFloat();
}
