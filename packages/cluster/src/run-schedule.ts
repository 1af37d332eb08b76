// Runs a schedule's steps against a ClusterControl: each lane in order, waiting only through
// `ctl.sleep`, so the same code runs on wall-clock time against processes and on virtual time in
// the simulator. Every step is undone at its end (heal, resume, restart), and whatever happens
// the run ends with every link healed and every node resumed and started.
import type { ClusterControl } from './cluster-control.ts';
import { planLostStore } from './lost-store-fault.ts';
import { partitionLinks } from './partition-shapes.ts';
import type { FaultSpec, Schedule, ScheduleStep } from './scenario.ts';

/** One line of the run's fault timeline. */
export interface TimelineEvent {
  readonly atMs: number;
  readonly lane: number;
  readonly phase: 'start' | 'end' | 'skip';
  readonly kind: FaultSpec['kind'];
  /** What the step resolved to: its targets, shape, damage. */
  readonly detail: string;
  /** Nodes the step took down or cut off (for availability per fault). */
  readonly nodes: readonly number[];
}

/** What the runner needs besides the cluster. */
export interface ScheduleHooks {
  /** Uniform randomness in [0, 1), seeded from the schedule. */
  readonly random: () => number;
  /** Runs `clients` extra clients for `durationMs` (the flood family). */
  readonly flood: (clients: number, durationMs: number) => Promise<void>;
  /** Called with every timeline event as it happens. */
  readonly onEvent?: (event: TimelineEvent) => void;
  /** Waits (bounded) until some node leads; used between rolling restarts. */
  readonly leaderWaitMs: number;
  /** `ctl.nowMs()` at the run's start: step times and timeline times are relative to it. */
  readonly originMs: number;
}

/** Runs every step of `schedule`; resolves with the timeline once every lane finished. */
export async function runSchedule(
  ctl: ClusterControl,
  schedule: Schedule,
  hooks: ScheduleHooks,
): Promise<TimelineEvent[]> {
  const timeline: TimelineEvent[] = [];
  const record = (event: Omit<TimelineEvent, 'atMs'>): void => {
    const full = { atMs: Math.round(ctl.nowMs() - hooks.originMs), ...event };
    timeline.push(full);
    hooks.onEvent?.(full);
  };
  const held = new Set<number>();
  const lanes = [...new Set(schedule.steps.map((step) => step.lane))];
  try {
    await Promise.all(
      lanes.map(async (lane) => {
        for (const step of schedule.steps.filter((s) => s.lane === lane)) {
          const waitMs = hooks.originMs + step.atMs - ctl.nowMs();
          if (waitMs > 0) await ctl.sleep(waitMs);
          await runStep(ctl, step, { hooks, record, held });
        }
      }),
    );
  } finally {
    await healEverything(ctl);
  }
  return timeline;
}

interface StepContext {
  readonly hooks: ScheduleHooks;
  readonly record: (event: Omit<TimelineEvent, 'atMs'>) => void;
  /** Nodes another lane has down now; `random` targets avoid them. */
  readonly held: Set<number>;
}

async function runStep(
  ctl: ClusterControl,
  step: ScheduleStep,
  context: StepContext,
): Promise<void> {
  const { record } = context;
  const { kind } = step.fault;
  const lane = step.lane;
  const applied = await applyFault(ctl, step, context);
  if (applied === undefined) return;
  record({ lane, phase: 'start', kind, detail: applied.detail, nodes: applied.nodes });
  for (const node of applied.nodes) context.held.add(node);
  try {
    await applied.hold();
  } finally {
    await applied.undo();
    for (const node of applied.nodes) context.held.delete(node);
    const detail = applied.endDetail?.() ?? applied.detail;
    record({ lane, phase: 'end', kind, detail, nodes: applied.nodes });
  }
}

/** A started fault: what it is, how to wait it out, and how to undo it. */
interface AppliedFault {
  readonly detail: string;
  readonly nodes: readonly number[];
  readonly hold: () => Promise<void>;
  readonly undo: () => Promise<void>;
  /** What the end event says, when the step learned more while it ran (transfer outcomes). */
  readonly endDetail?: () => string;
}

async function applyFault(
  ctl: ClusterControl,
  step: ScheduleStep,
  context: StepContext,
): Promise<AppliedFault | undefined> {
  const fault = step.fault;
  const sleep = () => ctl.sleep(step.durationMs);
  const random = context.hooks.random;
  switch (fault.kind) {
    case 'partition': {
      const { links, detail } = partitionLinks(
        fault.shape,
        ctl.nodes(),
        await ctl.leader(),
        random,
      );
      await ctl.block(links);
      const cutOff = [...new Set(links.map((l) => l.to))];
      return {
        detail: `${fault.shape}: ${detail}`,
        nodes: cutOff,
        hold: sleep,
        undo: () => ctl.heal(),
      };
    }
    case 'kill': {
      const targets = await killTargets(ctl, fault.target, context.held, random);
      for (const id of targets) await ctl.kill(id);
      const undo = async () => {
        for (const id of targets) await ctl.start(id);
      };
      return {
        detail: `SIGKILL ${fault.target} ${targets.join(',')}`,
        nodes: targets,
        hold: sleep,
        undo,
      };
    }
    case 'pause': {
      const [id] = await killTargets(ctl, fault.target, context.held, random);
      if (id === undefined) return undefined;
      await ctl.pause(id);
      return {
        detail: `SIGSTOP ${fault.target} ${id}`,
        nodes: [id],
        hold: sleep,
        undo: () => ctl.resume(id),
      };
    }
    default:
      return applyOtherFault(ctl, step, context);
  }
}

async function applyOtherFault(
  ctl: ClusterControl,
  step: ScheduleStep,
  context: StepContext,
): Promise<AppliedFault | undefined> {
  const fault = step.fault;
  const sleep = () => ctl.sleep(step.durationMs);
  const none = async () => undefined;
  switch (fault.kind) {
    case 'link': {
      await ctl.setLinkFaults(fault.faults, fault.clients);
      const f = fault.faults;
      const detail = `drop ${f.dropRate} dup ${f.duplicateRate} reorder ${f.reorderRate} delay ${f.delayMs}+${f.jitterMs} ms bw ${f.bandwidthBytesPerSecond || '∞'} B/s${fault.clients ? ' (clients too)' : ''}`;
      return { detail, nodes: [], hold: sleep, undo: () => ctl.heal() };
    }
    case 'disk': {
      const [id] = await killTargets(ctl, fault.target, context.held, context.hooks.random);
      if (id === undefined) return undefined;
      await ctl.kill(id);
      const outcome = await ctl.damageDisk(id, fault.damage);
      if (!outcome.applied) {
        await ctl.start(id);
        context.record({
          lane: step.lane,
          phase: 'skip',
          kind: 'disk',
          detail: `${fault.damage}: ${outcome.reason}`,
          nodes: [id],
        });
        return undefined;
      }
      const detail = `${fault.damage} on node ${id}: ${outcome.detail}`;
      let repaired = '';
      const undo = async () => {
        repaired = await startOrReplaceStore(ctl, id);
      };
      return { detail, nodes: [id], hold: sleep, undo, endDetail: () => detail + repaired };
    }
    case 'disk-io':
      return diskIoFault(ctl, fault, step, context);
    case 'restart':
      return restartFault(ctl, fault.mode, step, context);
    case 'transfer':
      return transferStorm(ctl, fault.everyMs, step, context);
    case 'lost-store':
      return lostStoreFault(ctl, step, context);
    case 'flood':
      return {
        detail: `${fault.clients} extra clients`,
        nodes: [],
        hold: () => context.hooks.flood(fault.clients, step.durationMs),
        undo: none,
      };
    default:
      return undefined;
  }
}

// Saves of one running node slow down or fail for the step; a node that crashed on a failed save
// is started again at the end (start is a no-op for a node still running).
async function diskIoFault(
  ctl: ClusterControl,
  fault: Extract<FaultSpec, { kind: 'disk-io' }>,
  step: ScheduleStep,
  context: StepContext,
): Promise<AppliedFault | undefined> {
  const [id] = await killTargets(ctl, fault.target, context.held, context.hooks.random);
  if (id === undefined) return undefined;
  const outcome = await ctl.setDiskIo(id, { mode: fault.mode, delayMs: fault.delayMs });
  const what =
    fault.mode === 'slow' ? `saves +${fault.delayMs} ms` : `saves fail ${fault.mode.toUpperCase()}`;
  if (!outcome.applied) {
    context.record({
      lane: step.lane,
      phase: 'skip',
      kind: 'disk-io',
      detail: `${what}: ${outcome.reason}`,
      nodes: [id],
    });
    return undefined;
  }
  const undo = async () => {
    await ctl.setDiskIo(id, undefined);
    await ctl.start(id);
  };
  return {
    detail: `${what} on node ${id} (${fault.target})`,
    nodes: [id],
    hold: () => ctl.sleep(step.durationMs),
    undo,
  };
}

/** How long a node restarted on a damaged store has to be up before the nemesis repairs it. */
const damagedStartWaitMs = 2000;

// Starts a node whose store was damaged. One that refuses to open it (it exited) gets what an
// operator would give it: the store deleted, identity and watermark kept, and a start, after
// which it recovers from its peers without a vote (docs/operations.md). Without this, a long
// run's repeated damage leaves a majority refusing to start, and the rest of the run measures
// nothing. Returns what it did, for the step's end event.
async function startOrReplaceStore(ctl: ClusterControl, id: number): Promise<string> {
  await ctl.start(id);
  await ctl.sleep(damagedStartWaitMs);
  // damageDisk applies only to a node that is down: a running node needs no repair.
  const replaced = await ctl.damageDisk(id, 'delete-store');
  if (!replaced.applied) return '';
  await ctl.start(id);
  // The next step may damage this node again: its new store must exist on disk before then.
  const answered = await awaitAnswer(ctl, id);
  const late = answered ? '' : ` (not answering after ${replacedAnswerWaitMs} ms)`;
  return `; node ${id} refused its damaged store: ${replaced.detail} (as an operator replacing it would) and restarted it empty, to recover from its peers${late}`;
}

/** How long a node restarted on a replaced store has to answer before the schedule goes on. */
const replacedAnswerWaitMs = 10_000;
const answerPollMs = 100;

// Polls the node's status until it answers (its store is open) or the wait runs out.
async function awaitAnswer(ctl: ClusterControl, id: number): Promise<boolean> {
  const endMs = ctl.nowMs() + replacedAnswerWaitMs;
  while (ctl.nowMs() < endMs) {
    if ((await ctl.status()).get(id) !== undefined) return true;
    await ctl.sleep(answerPollMs);
  }
  return false;
}

// The storage-loss election (lost-store-fault.ts); what it did to each store joins the detail.
async function lostStoreFault(
  ctl: ClusterControl,
  step: ScheduleStep,
  context: StepContext,
): Promise<AppliedFault | undefined> {
  const notes: string[] = [];
  const plan = await planLostStore(ctl, step.durationMs, context.hooks.random, (note) =>
    notes.push(note),
  );
  if (plan === undefined) {
    const detail = 'no leader to start from';
    context.record({ lane: step.lane, phase: 'skip', kind: 'lost-store', detail, nodes: [] });
    return undefined;
  }
  return { ...plan, endDetail: () => `${plan.detail}: ${notes.join('; ')}` };
}

// A leadership-transfer storm: every `everyMs`, ask the leader to hand over to another node.
async function transferStorm(
  ctl: ClusterControl,
  everyMs: number,
  step: ScheduleStep,
  context: StepContext,
): Promise<AppliedFault> {
  const outcomes: string[] = [];
  const hold = async () => {
    const endMs = ctl.nowMs() + step.durationMs;
    for (let i = 0; i < transfersPerStepMax && ctl.nowMs() < endMs; i++) {
      const leader = await ctl.leader();
      const others = ctl.nodes().filter((n) => n !== leader);
      const to = others[Math.floor(context.hooks.random() * others.length)]!;
      outcomes.push(await ctl.transferLeader(to));
      await ctl.sleep(Math.max(1, Math.min(everyMs, endMs - ctl.nowMs())));
    }
  };
  const detail = `transfer storm every ${everyMs} ms`;
  const endDetail = () => `${detail}: ${outcomes.join('; ') || 'no transfer asked'}`;
  return { detail, nodes: [], hold, undo: async () => undefined, endDetail };
}

/** Transfers one storm step may ask for (bounds the loop whatever the clock does). */
const transfersPerStepMax = 100;

// Graceful: SIGTERM the leader and start it again at once. Rolling: every node in turn, waiting
// for a leader between nodes, within the step's duration.
async function restartFault(
  ctl: ClusterControl,
  mode: 'rolling' | 'graceful',
  step: ScheduleStep,
  context: StepContext,
): Promise<AppliedFault> {
  const leader = await ctl.leader();
  const order =
    mode === 'graceful'
      ? [leader ?? ctl.nodes()[0]!]
      : ctl.nodes().filter((n) => !context.held.has(n));
  const hold = async () => {
    const endMs = ctl.nowMs() + step.durationMs;
    for (const id of order) {
      await ctl.stop(id);
      await ctl.start(id);
      await waitForLeader(ctl, context.hooks.leaderWaitMs);
    }
    const restMs = endMs - ctl.nowMs();
    if (restMs > 0) await ctl.sleep(restMs);
  };
  return {
    detail: `${mode} restart of ${order.join(',')}`,
    nodes: order,
    hold,
    undo: async () => undefined,
  };
}

async function killTargets(
  ctl: ClusterControl,
  target: 'leader' | 'random' | 'minority' | 'all',
  held: ReadonlySet<number>,
  random: () => number,
): Promise<number[]> {
  const free = ctl.nodes().filter((n) => !held.has(n));
  const pickOne = (): number | undefined => free[Math.floor(random() * free.length)];
  switch (target) {
    case 'all':
      return [...ctl.nodes()];
    case 'leader': {
      const leader = await ctl.leader();
      const id = leader !== undefined && !held.has(leader) ? leader : pickOne();
      return id === undefined ? [] : [id];
    }
    case 'random': {
      const id = pickOne();
      return id === undefined ? [] : [id];
    }
    case 'minority': {
      const count = Math.floor((ctl.nodes().length - 1) / 2);
      const shuffled = [...free].sort(() => random() - 0.5);
      return shuffled.slice(0, count);
    }
  }
}

/** Polls for a leader every 100 ms until `timeoutMs` passes; returns it or undefined. */
export async function waitForLeader(
  ctl: ClusterControl,
  timeoutMs: number,
): Promise<number | undefined> {
  const deadlineMs = ctl.nowMs() + timeoutMs;
  while (ctl.nowMs() < deadlineMs) {
    const leader = await ctl.leader();
    if (leader !== undefined) return leader;
    await ctl.sleep(100);
  }
  return undefined;
}

async function healEverything(ctl: ClusterControl): Promise<void> {
  await ctl.heal();
  for (const id of ctl.nodes()) {
    await ctl.resume(id);
    await ctl.start(id);
  }
}
