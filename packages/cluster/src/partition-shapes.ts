// Jepsen's partition shapes as sets of cut directed links: random halves, one node isolated, the
// leader isolated, a majorities ring (every node sees a majority, no two the same one), a bridge
// (two halves joined through one node), and a one-way cut (a node hears nobody but is heard).

import type { Link } from './proxy-mesh.ts';
import type { partitionShapes } from './scenario.ts';

/** One partition shape. */
export type PartitionShape = (typeof partitionShapes)[number];

/** The links a shape cuts, and a one-line description; `random` draws from [0, 1). */
export function partitionLinks(
  shape: PartitionShape,
  nodes: readonly number[],
  leader: number | undefined,
  random: () => number,
): { links: Link[]; detail: string } {
  const order = shuffled(nodes, random);
  const focus = leader ?? order[0]!;
  switch (shape) {
    case 'halves': {
      const a = order.slice(0, Math.floor(order.length / 2));
      const b = order.slice(a.length);
      return { links: between(a, b), detail: `${fmt(a)} | ${fmt(b)}` };
    }
    case 'isolate-one':
      return isolate(order[0]!, nodes);
    case 'isolate-leader':
      return isolate(focus, nodes);
    case 'ring':
      return ring(order);
    case 'bridge': {
      const [bridge, ...rest] = order;
      const a = rest.slice(0, Math.floor(rest.length / 2));
      const b = rest.slice(a.length);
      return { links: between(a, b), detail: `${fmt(a)} | ${fmt(b)} bridged by ${bridge}` };
    }
    case 'one-way': {
      const links = nodes.filter((n) => n !== focus).map((from) => ({ from, to: focus }));
      return { links, detail: `node ${focus} hears nobody, everyone hears it` };
    }
  }
}

function isolate(node: number, nodes: readonly number[]): { links: Link[]; detail: string } {
  const rest = nodes.filter((n) => n !== node);
  return { links: between([node], rest), detail: `${node} | ${fmt(rest)}` };
}

// Node k (in ring order) keeps links to its nearest neighbours, just enough for a majority; on
// three nodes that is everyone, so the ring cuts the one link that still leaves each a majority.
function ring(order: readonly number[]): { links: Link[]; detail: string } {
  const n = order.length;
  const reach = Math.max(1, Math.ceil(Math.floor(n / 2) / 2));
  const links: Link[] = [];
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      const distance = Math.min((i - j + n) % n, (j - i + n) % n);
      if (i !== j && distance > reach) links.push({ from: order[i]!, to: order[j]! });
    }
  }
  if (links.length === 0 && n >= 3) {
    links.push({ from: order[0]!, to: order[1]! }, { from: order[1]!, to: order[0]! });
  }
  return { links, detail: `ring ${order.join('-')} (each node sees a majority)` };
}

function between(a: readonly number[], b: readonly number[]): Link[] {
  const links: Link[] = [];
  for (const x of a) {
    for (const y of b) links.push({ from: x, to: y }, { from: y, to: x });
  }
  return links;
}

function shuffled(nodes: readonly number[], random: () => number): number[] {
  const out = [...nodes];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

function fmt(nodes: readonly number[]): string {
  return `{${nodes.join(',')}}`;
}
