// Goal: every bad flag value is refused with a message naming the rule, and a data dir refuses
// another cluster's or node's identity. Method: table tests on the parsers; real temp dirs.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InvalidArgumentError } from 'commander';
import { describe, expect, it } from 'vitest';
import {
  integerIn,
  parseClusterSize,
  parseEndpointFlag,
  parseNodeId,
  parseNodeMap,
  parsePersister,
  parseServers,
} from '../src/config/flag-parsers.ts';
import { claimDataDir, DataDirIdentityError } from '../src/data-dir-identity.ts';

describe('flag parsers', () => {
  it.each([3, 5, 7])('accepts a %i-node cluster', (size) => {
    expect(parseClusterSize(String(size))).toBe(size);
  });

  it.each([
    ['node id', () => parseNodeId('0'), 'positive integers'],
    ['node id', () => parseNodeId('1.5'), 'positive integers'],
    ['endpoint', () => parseEndpointFlag('localhost'), 'host:port'],
    ['endpoint', () => parseEndpointFlag('127.0.0.1:70000'), '0..65535'],
    ['node map', () => parseNodeMap('1=127.0.0.1:7001,1=127.0.0.1:7002'), 'appears twice'],
    ['node map', () => parseNodeMap('1=127.0.0.1:0'), 'real port'],
    ['node map', () => parseNodeMap('127.0.0.1:7001'), 'id=host:port'],
    ['persister', () => parsePersister('rocksdb'), 'sqlite, level, memory'],
    ['integer', () => integerIn(-1, 10)('-2'), '-1..10'],
    ['cluster size', () => parseClusterSize('abc'), "expected 3, 5, 7 nodes, got 'abc'"],
    ['cluster size', () => parseClusterSize('4'), "expected 3, 5, 7 nodes, got '4'"],
    ['cluster size', () => parseClusterSize('9'), "expected 3, 5, 7 nodes, got '9'"],
  ])('refuses a bad %s', (_name, parse, message) => {
    expect(parse).toThrow(InvalidArgumentError);
    expect(parse).toThrow(message);
  });

  it('parses node maps and numbers plain server lists from 1', () => {
    const nodes = parseNodeMap('1=[::1]:7001,2=127.0.0.1:7002');
    expect(nodes.get(1)).toEqual({ host: '::1', port: 7001 });
    expect([...parseServers('127.0.0.1:7001,127.0.0.1:7002').keys()]).toEqual([1, 2]);
  });
});

describe('data dir identity', () => {
  it('claims a fresh dir and refuses another cluster or node id on it', () => {
    const dir = mkdtempSync(join(tmpdir(), 'kvraft-identity-'));
    try {
      claimDataDir(dir, { cluster: 'a', nodeId: 1 });
      claimDataDir(dir, { cluster: 'a', nodeId: 1 });
      expect(() => claimDataDir(dir, { cluster: 'a', nodeId: 2 })).toThrow(DataDirIdentityError);
      expect(() => claimDataDir(dir, { cluster: 'b', nodeId: 1 })).toThrow(
        "belongs to cluster 'a' node 1",
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
