// Goal: golden transcripts of the core's behaviour, in etcd-io/raft's datadriven style: each
// testdata/*.txt file is a lab notebook of commands, each followed by `----` and the exact
// Readys the cluster produced (rendered by describeReady); membership files add `add-node`,
// `conf-change` and `config`. Method: replay every file and compare;
// `UPDATE_TESTDATA=1 npx vitest run packages/raft-core` rewrites them — review the diff like code.
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  type ConfChange,
  type ConfChangeSingle,
  type ConfChangeTransition,
  describeConfig,
  describeReady,
  describeStatus,
  type NodeId,
} from '@kvraft/raft-core';
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
    case 'add-node':
      cluster.join(id);
      return;
    case 'config':
      for (const [nodeId, node] of cluster.nodes) {
        const { config, configIndex } = node.status();
        out.push(`${nodeId} ${describeConfig(config)} at=${configIndex}`);
      }
      return;
    case 'conf-change':
    case 'conf-change-nowait': {
      const result = cluster.node(id).proposeConfChange(parseConfChange(args.slice(1)));
      out.push(result.ok ? `proposed at ${result.index}` : `refused: ${result.error}`);
      if (verb === 'conf-change') cluster.stabilize();
      return;
    }
    default:
      throw new Error(`unknown command "${command}"`);
  }
}

// `conf-change 1 add-learner=4 remove=3 transition=joint-explicit`; no steps leaves joint.
function parseConfChange(args: readonly string[]): ConfChange {
  const changes: ConfChangeSingle[] = [];
  let transition: ConfChangeTransition = 'auto';
  const types = { 'add-voter': 'addVoter', 'add-learner': 'addLearner', remove: 'remove' } as const;
  for (const arg of args) {
    const [name, value] = arg.split('=') as [string, string];
    if (name === 'transition') transition = value as ConfChangeTransition;
    else if (name in types) {
      const type = types[name as keyof typeof types];
      // A new member announces its address; promotions and removals keep what is known.
      const address = type === 'addLearner' ? { address: `n${value}:7000` } : {};
      changes.push({ type, nodeId: Number(value), ...address });
    } else throw new Error(`unknown conf-change argument "${arg}"`);
  }
  return { changes, transition };
}

function replay(blocks: Block[]): string[] {
  const ids = [1, 2, 3];
  // A small promotion lag so a transcript can show a learner refused for lagging.
  const cluster = new TestCluster(ids, { promoteLagEntriesMax: 2 });
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
