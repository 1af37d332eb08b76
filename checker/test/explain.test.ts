// Goal: explanations blame only operations the violation needs, and reports draw something to
// hover whenever they offer to. Method: generated kv and register histories made illegal by a
// mutation; each explanation's counterexample (its operations as recorded, every other operation
// of the key indeterminate) must be illegal, and setting aside any operation the explanation
// names must make it linearizable (so every named operation is needed). Reports of ok
// histories must draw a timeline, and a report with no operations must not offer a hover hint.

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  check,
  explain,
  generateKvHistory,
  generateRegisterHistory,
  type History,
  historyFromOperations,
  kvModel,
  type Model,
  registerModel,
  renderHtml,
} from '../src/index.ts';
import { relaxed } from '../src/shrink/shrink.ts';
import { changeRead, swapOrder } from './support/mutations.ts';

/** The key's operations with only `ids` as recorded and the others indeterminate. */
function counterexample<State>(
  history: History,
  model: Model<State>,
  key: string,
  ids: readonly number[],
): History {
  const operations = history.operations.filter((o) => o.key === key && o.status !== 'fail');
  const required = operations.filter((o) => ids.includes(o.id));
  return historyFromOperations(relaxed(operations, required, model));
}

function expectNamedOperationsNeeded<State>(history: History, model: Model<State>): number {
  const result = check(history, model, { stopAtFirstIllegal: false, partitionStepsMax: 2_000_000 });
  const explanations = explain(history, result, model, { partitionsMax: 2 });
  for (const explanation of explanations) {
    expect(explanation.minimal).toBe(true);
    const { key } = explanation;
    const whole = counterexample(history, model, key, explanation.counterexample);
    expect(check(whole, model).verdict).toBe('illegal');
    expect(explanation.operations.length).toBeGreaterThan(0);
    for (const id of explanation.operations) {
      expect(explanation.counterexample).toContain(id);
      const without = explanation.counterexample.filter((other) => other !== id);
      // Needed: the violation disappears without it (decided ok, not merely undecided).
      const relaxedWithout = counterexample(history, model, key, without);
      expect(check(relaxedWithout, model, { partitionStepsMax: 5_000_000 }).verdict).toBe('ok');
    }
  }
  return explanations.length;
}

describe('explanations of generated violations', () => {
  it('name only operations the minimal kv violation needs', () => {
    let explained = 0;
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 2 ** 31 - 1 }),
        fc.integer({ min: 1, max: 6 }),
        fc.nat(),
        fc.boolean(),
        (seed, clients, pick, swap) => {
          const base = generateKvHistory({ seed, clients, keys: 2, operations: 40 });
          const history = (swap ? swapOrder(base, pick) : undefined) ?? changeRead(base, pick);
          fc.pre(history !== undefined);
          explained += expectNamedOperationsNeeded(history, kvModel);
        },
      ),
      { numRuns: 20 },
    );
    expect(explained).toBeGreaterThan(10);
  });

  it('name only operations the minimal register violation needs', () => {
    let explained = 0;
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 ** 31 - 1 }), fc.nat(), (seed, pick) => {
        const base = generateRegisterHistory({ seed, clients: 4, operations: 60, infoRate: 0.1 });
        const reads = base.operations.filter((o) => o.f === 'read' && o.status === 'ok');
        const read = reads[pick % Math.max(1, reads.length)];
        fc.pre(read !== undefined);
        const history = historyFromOperations(
          base.operations.map((o) => (o.id === read.id ? { ...o, output: 7 } : o)),
        );
        explained += expectNamedOperationsNeeded(history, registerModel);
      }),
      { numRuns: 25 },
    );
    expect(explained).toBeGreaterThan(10);
  });
});

describe('reports without a violation', () => {
  it('draw the timeline of an ok history', () => {
    const history = generateKvHistory({ seed: 2, clients: 3, keys: 2, operations: 30 });
    const html = renderHtml(history, check(history, kvModel), kvModel);
    expect(html).toContain('Key &quot;k0&quot;: ok');
    expect(html).toContain('class="op ');
    expect(html).toContain('Hover an operation for details.');
  });

  it('offer no hover hint when there is nothing to hover', () => {
    const history = historyFromOperations([]);
    const html = renderHtml(history, check(history, kvModel), kvModel);
    expect(html).not.toContain('Hover');
    expect(html).not.toContain('<script>');
  });
});
