// `cluster down`'s work: signal exactly the nodes a pid file names, each only while its pid is
// still that node (same argv, same start time), SIGKILL what outlives the grace period, and say
// what happened to each one. A pid now used by another process is never signalled.
import { readFileSync, rmSync } from 'node:fs';
import { checkIdentity, type IdentityCheck, type PidFileNode } from '@kvraft/cluster';

/** What became of one node listed in the pid file. */
export interface NodeStopResult {
  readonly id: number;
  readonly pid: number | null;
  readonly outcome: 'stopped' | 'killed' | 'already exited' | 'not our node' | 'unverifiable';
}

/** How often a stopping node is polled. */
const pollIntervalMs = 50;

/** Stops the nodes of `pidFile`, then removes the file; returns one result per node. */
export async function stopNodes(pidFile: string, graceMs: number): Promise<NodeStopResult[]> {
  const { nodes } = JSON.parse(readFileSync(pidFile, 'utf8')) as { nodes: PidFileNode[] };
  const checks = nodes.map((node) => ({ node, check: identityCheck(node) }));
  const ours = checks.filter((c) => c.check === 'same').map((c) => c.node);
  for (const node of ours) signal(node.pid!, 'SIGTERM');
  const deadline = Date.now() + graceMs;
  while (ours.some((n) => identityCheck(n) === 'same') && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, pollIntervalMs));
  }
  const killed = new Set<number>();
  for (const node of ours.filter((n) => identityCheck(n) === 'same')) {
    signal(node.pid!, 'SIGKILL');
    killed.add(node.id);
  }
  rmSync(pidFile, { force: true });
  return checks.map(({ node, check }) => ({
    id: node.id,
    pid: node.pid,
    outcome: outcomeOf(check, killed.has(node.id)),
  }));
}

function identityCheck(node: PidFileNode): IdentityCheck {
  if (node.pid === null) return 'exited';
  // A pid file without argv (an older format) cannot prove whose pid it names.
  if (node.argv === undefined) return 'unknown';
  return checkIdentity({ ...node, pid: node.pid, argv: node.argv });
}

function outcomeOf(check: IdentityCheck, killed: boolean): NodeStopResult['outcome'] {
  switch (check) {
    case 'same':
      return killed ? 'killed' : 'stopped';
    case 'exited':
      return 'already exited';
    case 'other':
      return 'not our node';
    case 'unknown':
      return 'unverifiable';
  }
}

function signal(pid: number, name: NodeJS.Signals): void {
  try {
    process.kill(pid, name);
  } catch {}
}
