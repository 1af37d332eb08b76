// Test helpers for the transport suites: a recording logger, message factories, nodes on
// 127.0.0.1 with ephemeral ports, and bounded waiting (every wait has a deadline).

import type { ClientReply, ClientRequest } from '@kvraft/kv-service';
import type { Message, NodeId } from '@kvraft/raft-core';
import {
  type ClientServer,
  type Endpoint,
  type TransportLimits,
  type TransportLogger,
  TransportServer,
} from '../src/index.ts';

/** A logger that keeps every line, for asserting on refusals and errors. */
export class RecordingLogger implements TransportLogger {
  readonly lines: { level: string; message: string; fields: Record<string, unknown> }[] = [];
  info(fields: Record<string, unknown>, message: string): void {
    this.record('info', fields, message);
  }
  warn(fields: Record<string, unknown>, message: string): void {
    this.record('warn', fields, message);
  }
  error(fields: Record<string, unknown>, message: string): void {
    this.record('error', fields, message);
  }
  /** Whether some warn/error line mentions `text` in its fields. */
  has(text: string): boolean {
    return this.lines.some((l) => `${l.message} ${JSON.stringify(l.fields)}`.includes(text));
  }
  private record(level: string, fields: Record<string, unknown>, message: string): void {
    if (this.lines.length < 10_000) this.lines.push({ level, message, fields });
  }
}

/** A heartbeat from `from` to `to` carrying `readContext` as a tag. */
export function heartbeat(from: NodeId, to: NodeId, tag: number): Message {
  return { type: 'Heartbeat', from, to, term: 1, leaderCommit: 0, readContext: tag };
}

/** An AppendEntries carrying one entry with `dataBytes` bytes. */
export function appendEntries(from: NodeId, to: NodeId, dataBytes: number): Message {
  return {
    type: 'AppendEntries',
    from,
    to,
    term: 2,
    prevLogIndex: 0,
    prevLogTerm: 0,
    leaderCommit: 0,
    entries: [{ index: 1, term: 2, kind: 'command', data: new Uint8Array(dataBytes).fill(7) }],
  };
}

/** The cluster name and secret the suites use. */
export const cluster = { cluster: 'test-cluster', secret: 'correct horse battery staple' };

/** Starts a listener for node `nodeId` on an ephemeral (or given) port, recording deliveries. */
export async function startServer(
  nodeId: NodeId,
  options: {
    port?: number;
    secret?: string;
    limits?: Partial<TransportLimits>;
    logger?: RecordingLogger;
  } = {},
): Promise<{
  server: TransportServer;
  received: Message[];
  batches: number[];
  logger: RecordingLogger;
}> {
  const logger = options.logger ?? new RecordingLogger();
  const server = await TransportServer.listen({
    listen: { host: '127.0.0.1', port: options.port ?? 0 },
    nodeId,
    cluster: cluster.cluster,
    secret: options.secret ?? cluster.secret,
    logger,
    ...(options.limits === undefined ? {} : { limits: options.limits }),
  });
  const received: Message[] = [];
  const batches: number[] = [];
  server.setRaftHandler((messages) => {
    batches.push(messages.length);
    received.push(...messages);
  });
  return { server, received, batches, logger };
}

/** A client server that echoes puts and answers gets with the key, after `delayMs`. */
export function echoClientServer(
  nodeId: NodeId,
  delayMs: (r: ClientRequest) => number = () => 0,
): ClientServer {
  return {
    request: (request: ClientRequest) =>
      new Promise<ClientReply>((resolve) =>
        setTimeout(
          () => resolve({ ok: true, value: `${request.kind}:${request.key}` }),
          delayMs(request),
        ),
      ),
    admin: async () => ({
      kind: 'status',
      status: {
        nodeId,
        role: 'leader',
        term: 3,
        leaderId: nodeId,
        commitIndex: 10,
        appliedIndex: 9,
        raftStateBytes: 100,
        snapshotBytes: 0,
      },
    }),
  };
}

/** Polls `predicate` every 5 ms until it holds or `timeoutMs` passes; returns whether it held. */
export async function waitFor(predicate: () => boolean, timeoutMs = 5000): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (predicate()) return true;
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  return predicate();
}

/** The endpoint map of a set of servers. */
export function endpointsOf(servers: ReadonlyMap<NodeId, TransportServer>): Map<NodeId, Endpoint> {
  return new Map([...servers].map(([id, s]) => [id, s.endpoint()]));
}
