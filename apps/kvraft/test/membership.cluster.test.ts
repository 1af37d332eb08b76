// Goal: a live cluster of real processes changes membership under a recorded client load with
// the history checked (issue 11's proof): (1) replace a node — remove node 3, add node 4 as a
// learner, promote it; (2) swap a 3-node SQLite cluster to LevelDB one node at a time (add a
// level learner, promote it, remove a sqlite node; three times) with zero failed client
// operations; (3) hand leadership to each node in turn. Each step runs the real `kvraft member`
// / `transfer-leader` commands; the history must be linearizable and keep every acknowledged
// append exactly once. Method: ProcessCluster children on 127.0.0.1, 3 clerks; the figures
// (time per step, longest gap between successful operations) are printed, never asserted.
import type { MembersReport } from '@kvraft/transport';
import { describe, expect, it } from 'vitest';
import { runList } from '../src/commands/member.ts';
import {
  addressOf,
  member,
  promoteWhenCaughtUp,
  type RunContext,
  type RunReport,
  runUnderLoad,
  transferLeader,
  waitAnswers,
  waitLeads,
} from './support/membership-run.ts';

function printFigures(name: string, report: RunReport): void {
  const { load } = report;
  console.log(
    `membership-figures ${name} (${new Date().toISOString()}): ${load.okCount} ops ok, ` +
      `${load.failedCount} failed, ${load.unknownCount} indeterminate`,
  );
  for (const f of report.figures) {
    console.log(
      `membership-figures ${name}: ${f.step}: took ${f.tookMs} ms, longest gap ${f.unavailableMs} ms`,
    );
  }
}

function expectClean(report: RunReport): void {
  const context = report.lines.join('\n');
  expect(report.load.okCount, context).toBeGreaterThan(50);
  expect(report.load.failedCount, context).toBe(0);
  expect(report.load.unknownCount, context).toBe(0);
  expect(report.linearizable, context).toBe('ok');
  expect(report.appends, context).toBe('ok');
}

/** Adds a joining node on `persister` as a learner and promotes it; returns its id. */
async function addVoter(
  ctx: RunContext,
  persister: 'sqlite' | 'level',
  port: number,
): Promise<number> {
  let id = 0;
  await ctx.step(`start node on ${persister} (--join)`, async () => {
    id = await ctx.cluster.addNode({ persister, port });
    expect(await waitAnswers(ctx.cluster, id)).toBe(true);
  });
  await ctx.step(`member add-learner ${id}`, async () => {
    expect(
      await member(ctx, { kind: 'addLearner', id, address: addressOf(ctx, id) }),
      ctx.lines.join('\n'),
    ).toBe(0);
  });
  await ctx.step(`member promote ${id}`, async () => {
    expect(await promoteWhenCaughtUp(ctx, id), ctx.lines.join('\n')).toBe(0);
  });
  return id;
}

async function removeVoter(ctx: RunContext, id: number): Promise<void> {
  await ctx.step(`member remove ${id}`, async () => {
    expect(await member(ctx, { kind: 'remove', id }), ctx.lines.join('\n')).toBe(0);
  });
  await ctx.step(`stop node ${id} (SIGTERM)`, () => ctx.cluster.removeNode(id));
}

describe('membership changes of a live process cluster under load', () => {
  it('replaces node 3: remove it, add node 4 as a learner, promote it', async () => {
    const report = await runUnderLoad('sqlite', 1, async (ctx) => {
      await removeVoter(ctx, 3);
      expect(await addVoter(ctx, 'sqlite', ctx.futurePorts[0]!)).toBe(4);
      const unknown = await member(ctx, { kind: 'promote', id: 9 });
      expect(unknown, ctx.lines.join('\n')).toBe(1);
      expect(ctx.lines.some((l) => l.includes('UnknownMember'))).toBe(true);
      const listed: string[] = [];
      const servers = new Map(ctx.cluster.endpoints);
      const code = await runList(
        { servers, timeoutMs: 5000, json: true },
        { print: (l) => listed.push(l), printError: () => {} },
      );
      expect(code).toBe(0);
      const report = JSON.parse(listed[0]!) as MembersReport;
      expect(report.members.map((m) => [m.id, m.role])).toEqual([
        [1, 'voter'],
        [2, 'voter'],
        [4, 'voter'],
      ]);
      expect(report.members.every((m) => m.matchIndex !== null)).toBe(true);
    });
    printFigures('replace', report);
    expectClean(report);
    expect([...report.figures.map((f) => f.step)]).toContain('member promote 4');
  }, 55_000);

  it('swaps a SQLite cluster to LevelDB one node at a time with no failed operation', async () => {
    const report = await runUnderLoad('sqlite', 3, async (ctx) => {
      for (let i = 0; i < 3; i++) {
        expect(await addVoter(ctx, 'level', ctx.futurePorts[i]!)).toBe(4 + i);
        await removeVoter(ctx, 1 + i);
      }
      expect([...ctx.cluster.endpoints.keys()]).toEqual([4, 5, 6]);
    });
    printFigures('sqlite-to-level', report);
    expectClean(report);
  }, 58_000);

  it('hands leadership to each node in turn', async () => {
    const report = await runUnderLoad('sqlite', 0, async (ctx) => {
      const first = (await ctx.cluster.waitForLeader(10_000))!;
      const order = [1, 2, 3].filter((id) => id !== first).concat(first);
      for (const target of order) {
        await ctx.step(`transfer-leader ${target}`, async () => {
          expect(await transferLeader(ctx, target), ctx.lines.join('\n')).toBe(0);
          expect(await waitLeads(ctx.cluster, target)).toBe(true);
        });
      }
    });
    printFigures('transfer', report);
    expectClean(report);
    expect(report.figures).toHaveLength(3);
  }, 55_000);
});
