// The etcd side of the cluster benchmark: a local etcd cluster of real processes on 127.0.0.1
// (free ports, temp data dirs, its default fsync), and a client over etcd's v3 HTTP/JSON gateway.
// No gRPC library is a dependency here, so each client is one keep-alive HTTP/1.1 connection
// sending JSON with base64 keys and values: more bytes and more parsing per operation than
// gRPC's protobuf over one HTTP/2 stream, on the loader and on etcd's gateway alike.
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { accessSync, closeSync, constants, mkdtempSync, openSync, rmSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { freePort } from '@kvraft/cluster';
import { persistCounts } from './cluster-metrics.ts';
import type { BenchClient, BenchTarget } from './cluster-target.ts';

/** How long a fresh etcd cluster gets until every member answers and one is leader. */
const readyDeadlineMs = 30_000;
/** How long one HTTP request may take before it counts as failed. */
const requestTimeoutMs = 10_000;
/** Most compare-and-swap rounds of one append before it counts as failed. */
const casAttemptsMax = 100;
/** How long a member gets to exit after SIGTERM before SIGKILL. */
const stopGraceMs = 5000;
/** Most bytes of one gateway reply read (a range of one key with a 1 MiB value, in base64). */
const replyBytesMax = 16 * 1024 * 1024;

/** The path of an `etcd` executable on PATH, or undefined when there is none. */
export function findEtcd(): string | undefined {
  for (const dir of (process.env['PATH'] ?? '').split(delimiter)) {
    if (dir === '') continue;
    const candidate = join(dir, 'etcd');
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // Not in this dir.
    }
  }
  return undefined;
}

/** The version `binary --version` reports (e.g. `3.4.23`), or `unknown`. */
export function etcdVersion(binary: string): string {
  const result = spawnSync(binary, ['--version'], { encoding: 'utf8', timeout: 10_000 });
  return /etcd Version: (\S+)/.exec(result.stdout ?? '')?.[1] ?? 'unknown';
}

type Json = Record<string, unknown>;

const b64 = (text: string): string => Buffer.from(text, 'utf8').toString('base64');

// POSTs `body` as JSON to `path` over `agent`; resolves with the parsed reply, or undefined on
// any failure (a non-200 status, a timeout, a reset, unparsable JSON).
function post(
  agent: Agent,
  port: number,
  path: string,
  body: Json,
  timeoutMs = requestTimeoutMs,
): Promise<Json | undefined> {
  const payload = JSON.stringify(body);
  return new Promise((resolve) => {
    const req = request(
      {
        agent,
        host: '127.0.0.1',
        port,
        path,
        method: 'POST',
        timeout: timeoutMs,
        headers: {
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(payload),
        },
      },
      (response) => {
        const chunks: Buffer[] = [];
        let bytes = 0;
        response.on('data', (chunk: Buffer) => {
          bytes += chunk.length;
          if (bytes > replyBytesMax) req.destroy();
          else chunks.push(chunk);
        });
        response.on('end', () => {
          if (response.statusCode !== 200) return resolve(undefined);
          try {
            resolve(JSON.parse(Buffer.concat(chunks).toString('utf8')) as Json);
          } catch {
            resolve(undefined);
          }
        });
        response.on('error', () => resolve(undefined));
      },
    );
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve(undefined));
    req.end(payload);
  });
}

/** One etcd client: its own keep-alive connection to one member's gateway. */
function etcdClient(port: number): BenchClient {
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  const range = (key: string) => post(agent, port, '/v3/kv/range', { key: b64(key) });
  // The value of the range's one key ('' when missing), decoded as a real client would.
  const decodedValue = (kv: Json | undefined) =>
    kv === undefined ? '' : Buffer.from(String(kv['value'] ?? ''), 'base64').toString();
  return {
    get: async (key) => {
      const reply = await range(key);
      return reply === undefined
        ? undefined
        : decodedValue((reply['kvs'] as Json[] | undefined)?.[0]);
    },
    put: async (key, value) =>
      (await post(agent, port, '/v3/kv/put', { key: b64(key), value: b64(value) })) !== undefined,
    // etcd has no append: read the value and its mod_revision, then write value+token only if
    // the key was not modified since (mod_revision 0 is a missing key); retry on a lost race.
    append: async (key, token) => {
      const deadlineMs = performance.now() + requestTimeoutMs;
      for (let attempt = 0; attempt < casAttemptsMax; attempt++) {
        if (performance.now() >= deadlineMs) return false;
        const reply = await range(key);
        if (reply === undefined) return false;
        const kv = (reply['kvs'] as Json[] | undefined)?.[0];
        const current = decodedValue(kv);
        const revision = kv === undefined ? '0' : String(kv['mod_revision'] ?? '0');
        const txn = await post(agent, port, '/v3/kv/txn', {
          compare: [{ key: b64(key), target: 'MOD', result: 'EQUAL', mod_revision: revision }],
          success: [{ request_put: { key: b64(key), value: b64(`${current}${token}`) } }],
        });
        if (txn === undefined) return false;
        // NB: the gateway leaves false booleans out of its JSON.
        if (txn['succeeded'] === true) return true;
      }
      return false;
    },
    close: () => agent.destroy(),
  };
}

interface Member {
  readonly name: string;
  readonly clientPort: number;
  readonly peerPort: number;
  child?: ChildProcess;
}

const peerUrl = (m: Member) => `http://127.0.0.1:${m.peerPort}`;
const clientUrl = (m: Member) => `http://127.0.0.1:${m.clientPort}`;

/** Starts a `nodes`-member etcd cluster of `binary` in a temp dir and waits for a leader. */
export async function startEtcdTarget(nodes: number, binary: string): Promise<BenchTarget> {
  const dir = mkdtempSync(join(tmpdir(), 'kvraft-bench-etcd-'));
  const members: Member[] = [];
  for (let i = 1; i <= nodes; i++) {
    members.push({ name: `n${i}`, clientPort: await freePort(), peerPort: await freePort() });
  }
  spawnMembers(binary, dir, members);
  const leader = await waitForLeader(members);
  if (leader === undefined) {
    // The dir stays: the members' logs say why.
    await Promise.all(members.map((m) => stopMember(m)));
    throw new Error(`etcd: no leader within ${readyDeadlineMs} ms; logs in ${dir}`);
  }
  return {
    label: `etcd ${etcdVersion(binary)}`,
    system: 'etcd',
    storage: 'wal',
    nodes,
    // Every client talks to the leader, as every clerk ends up doing; should the leader change,
    // the old one still forwards.
    openClient: () => etcdClient(leader.clientPort),
    pids: () => members.flatMap((m) => (m.child?.pid === undefined ? [] : [m.child.pid])),
    persistCounts: () =>
      persistCounts(
        members.map((m) => `${clientUrl(m)}/metrics`),
        'etcd_server_proposals_committed_total',
        'etcd_disk_wal_fsync_duration_seconds_count',
      ),
    stop: async () => {
      await Promise.all(members.map((m) => stopMember(m)));
      rmSync(dir, { recursive: true, force: true });
    },
    killNow: () => {
      for (const m of members) m.child?.kill('SIGKILL');
    },
  };
}

// Spawns every member as a new cluster on its ports, each logging to its own file in `dir`.
function spawnMembers(binary: string, dir: string, members: Member[]): void {
  const initialCluster = members.map((m) => `${m.name}=${peerUrl(m)}`).join(',');
  // ETCD_* variables of the caller's environment would override these flags.
  const env = Object.fromEntries(
    Object.entries(process.env).filter(([name]) => !name.startsWith('ETCD_')),
  );
  const token = `kvraft-bench-${randomBytes(6).toString('hex')}`;
  for (const m of members) {
    const log = openSync(join(dir, `${m.name}.log`), 'a');
    m.child = spawn(
      binary,
      [
        ...['--name', m.name, '--data-dir', join(dir, m.name)],
        ...['--listen-client-urls', clientUrl(m), '--advertise-client-urls', clientUrl(m)],
        ...['--listen-peer-urls', peerUrl(m), '--initial-advertise-peer-urls', peerUrl(m)],
        ...['--initial-cluster', initialCluster, '--initial-cluster-token', token],
        ...['--initial-cluster-state', 'new', '--logger', 'zap', '--log-level', 'warn'],
      ],
      { stdio: ['ignore', log, log], env },
    );
    closeSync(log);
  }
}

// Resolves with the leader once every member answers its status and one says it leads;
// undefined at the deadline. Each round asks every member who it is and whom it follows.
async function waitForLeader(members: readonly Member[]): Promise<Member | undefined> {
  const agent = new Agent({ keepAlive: false });
  try {
    const deadlineMs = performance.now() + readyDeadlineMs;
    while (performance.now() < deadlineMs) {
      const statuses = await Promise.all(
        members.map((m) => post(agent, m.clientPort, '/v3/maintenance/status', {}, 1000)),
      );
      if (statuses.every((s) => s !== undefined)) {
        const leader = statuses.findIndex(
          (s) => (s['header'] as Json | undefined)?.['member_id'] === s['leader'],
        );
        if (leader >= 0) return members[leader];
      }
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    return undefined;
  } finally {
    agent.destroy();
  }
}

// Signals a member we started and waits for its exit; SIGKILL after the grace period.
async function stopMember(member: Member): Promise<void> {
  const { child } = member;
  if (child === undefined || child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), stopGraceMs);
  await exited;
  clearTimeout(timer);
}
