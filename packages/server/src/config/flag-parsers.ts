// Parsers for every CLI flag value: each one refuses a bad value with commander's
// InvalidArgumentError, so the CLI exits with a message naming the flag and the rule it broke.

import { type Endpoint, parseEndpoint } from '@kvraft/transport';
import { InvalidArgumentError } from 'commander';

/** The persisters a node can run on. */
export const persisterNames = ['sqlite', 'level', 'memory'] as const;
/** One persister name. */
export type PersisterName = (typeof persisterNames)[number];

/** Parses a node id: a positive safe integer. */
export function parseNodeId(text: string): number {
  const id = Number(text);
  if (!/^\d+$/.test(text.trim()) || !Number.isSafeInteger(id) || id <= 0) {
    throw new InvalidArgumentError(`node ids are positive integers, got '${text}'`);
  }
  return id;
}

/** Parses `host:port` with a port in 0..65535. */
export function parseEndpointFlag(text: string): Endpoint {
  try {
    return parseEndpoint(text);
  } catch (error) {
    throw new InvalidArgumentError((error as Error).message);
  }
}

/** Parses `1=host:port,2=host:port,...` into an id → endpoint map (ids distinct, ports > 0). */
export function parseNodeMap(text: string): Map<number, Endpoint> {
  const nodes = new Map<number, Endpoint>();
  for (const item of text.split(',').filter((s) => s.trim() !== '')) {
    const at = item.indexOf('=');
    if (at < 0) throw new InvalidArgumentError(`expected id=host:port, got '${item}'`);
    const id = parseNodeId(item.slice(0, at));
    const endpoint = parseEndpointFlag(item.slice(at + 1));
    if (endpoint.port === 0) throw new InvalidArgumentError(`node ${id} needs a real port, not 0`);
    if (nodes.has(id)) throw new InvalidArgumentError(`node id ${id} appears twice`);
    nodes.set(id, endpoint);
  }
  if (nodes.size === 0) throw new InvalidArgumentError('expected at least one id=host:port');
  return nodes;
}

/** Parses a persister name. */
export function parsePersister(text: string): PersisterName {
  if (!(persisterNames as readonly string[]).includes(text)) {
    throw new InvalidArgumentError(`persister must be one of ${persisterNames.join(', ')}`);
  }
  return text as PersisterName;
}

/** The cluster sizes a local cluster offers: odd, so a majority survives (n - 1) / 2 crashes. */
export const clusterSizes = [3, 5, 7] as const;

/** Parses `--nodes`: one of {@link clusterSizes}. */
export function parseClusterSize(text: string): number {
  const size = Number(text);
  if (!/^\d+$/.test(text.trim()) || !(clusterSizes as readonly number[]).includes(size)) {
    throw new InvalidArgumentError(`expected ${clusterSizes.join(', ')} nodes, got '${text}'`);
  }
  return size;
}

/** Parses an integer in [min, max]. */
export function integerIn(min: number, max: number): (text: string) => number {
  return (text: string) => {
    const value = Number(text);
    if (!/^-?\d+$/.test(text.trim()) || value < min || value > max) {
      throw new InvalidArgumentError(`expected an integer in ${min}..${max}, got '${text}'`);
    }
    return value;
  };
}

/** Parses `--servers`: `id=host:port,...`, or plain `host:port,...` numbered 1, 2, 3, .... */
export function parseServers(text: string): Map<number, Endpoint> {
  if (text.includes('=')) return parseNodeMap(text);
  const items = text.split(',').filter((s) => s.trim() !== '');
  return parseNodeMap(items.map((item, i) => `${i + 1}=${item}`).join(','));
}
