// Goal: golden transcripts of the core's behaviour, in etcd-io/raft's datadriven style: each
// testdata/*.txt file is a lab notebook of commands, each followed by `----` and the exact
// Readys the cluster produced (rendered by describeReady). Method: replay every file and compare;
// `UPDATE_TESTDATA=1 npx vitest run packages/raft-core` rewrites them — review the diff like code.
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describeReady, describeStatus, type NodeId } from '@kvraft/raft-core';
import { describe, expect, it } from 'vitest';
import { TestCluster } from './support/cluster.ts';

const dir = join(import.meta.dirname, 'testdata');

interface Block {
  readonly comment: string[];
  readonly command: string;
  readonly expected: string;
}

function parse(text: string): Block[] {
  const blocks: Block[] = [];
  const lines = text.split('\n');
  let comment: string[] = [];
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (line.startsWith('#') || line.trim() === '') {
      if (line.startsWith('#')) comment.push(line);
      continue;
    }
    const command = line;
    if (lines[i + 1] !== '----') throw new Error(`line ${i + 2}: expected ---- after "${command}"`);
    const output: string[] = [];
    for (i += 2; i < lines.length && lines[i] !== ''; i++) output.push(lines[i]!);
    blocks.push({ comment, command, expected: output.join('\n') });
    comment = [];
  }
  return blocks;
}

function run(cluster: TestCluster, command: string, out: string[]): void {
  const [verb, ...args] = command.split(' ');
  const id = Number(args[0]) as NodeId;
  switch (verb) {
    case 'campaign':
      return cluster.campaign(id);
    case 'propose':
      cluster.node(id).propose(new TextEncoder().encode(args.slice(1).join(' ')));
      return cluster.stabilize();
    case 'read':
      cluster.node(id).readIndex(Number(args[1]));
      return cluster.stabilize();
    case 'transfer':
      cluster.node(id).transferLeadership(Number(args[1]));
      return cluster.stabilize();
    case 'isolate':
      return cluster.isolate(id);
    case 'heal':
      return cluster.heal();
    case 'tick':
      for (let i = 0; i < Number(args[1]); i++) cluster.node(id).tick();
      return cluster.stabilize();
    case 'tick-heartbeat':
      for (let i = 0; i < 10; i++) cluster.node(id).tick();
      return cluster.stabilize();
    case 'status':
      for (const node of cluster.nodes.values()) out.push(describeStatus(node.status()));
      return;
    default:
      throw new Error(`unknown command "${command}"`);
  }
}

function replay(blocks: Block[]): string[] {
  const ids = [1, 2, 3];
  const cluster = new TestCluster(ids);
  return blocks.map((block) => {
    const out: string[] = [];
    cluster.onReady = (id, ready) => {
      const text = describeReady(ready);
      if (text !== '') out.push(`${id}:`, text);
    };
    run(cluster, block.command, out);
    return out.length === 0 ? 'ok' : out.join('\n');
  });
}

describe('interaction transcripts', () => {
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.txt'))) {
    it(`replays ${file} exactly`, () => {
      const path = join(dir, file);
      const blocks = parse(readFileSync(path, 'utf8'));
      const actual = replay(blocks);
      if (process.env['UPDATE_TESTDATA'] === '1') {
        const text = blocks
          .map((b, i) => [...b.comment, b.command, '----', actual[i]!, ''].join('\n'))
          .join('\n');
        writeFileSync(path, text);
        return;
      }
      blocks.forEach((block, i) => {
        expect(actual[i], `${file}: ${block.command}`).toBe(block.expected);
      });
    });
  }
});
