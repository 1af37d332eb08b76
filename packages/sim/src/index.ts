// @kvraft/sim: the deterministic simulator. Virtual time (scheduler, clock), a labrpc-faithful
// network, simulated disk latency, the Raft scenario harness, and the randomized swarm.

export { AppliedLogs, snapshotInterval, type TakeSnapshot } from './applied-logs.ts';
export type { AppliedValue, Command, TesterSnapshot } from './command-codec.ts';
export {
  decodeCommand,
  decodeTesterSnapshot,
  encodeCommand,
  encodeTesterSnapshot,
} from './command-codec.ts';
export { type DemoSummary, runDemo } from './demo-story.ts';
export { diskLatency } from './disk-latency.ts';
export { EventQueue, type ScheduledEvent } from './event-queue.ts';
export {
  describeFaultMix,
  drawFaultMix,
  type FaultMix,
  type FaultMixOptions,
  type StorageFaultMix,
} from './fault-mix.ts';
export { appendItem, checkClientAppends, checkConcurrentAppends } from './kv/append-checks.ts';
export { type ClientHandler, ClientNetwork, clientNetworkTiming } from './kv/client-network.ts';
export { type GenericTestOptions, genericTest, genericTestSpeed } from './kv/generic-test.ts';
export { KvCluster, type KvClusterOptions } from './kv/kv-cluster.ts';
export {
  describeKvFaultMix,
  type KvFaultMix,
  kvFaultMixOf,
  kvScenarioOptionsOf,
} from './kv/kv-fault-mix.ts';
export { KvHistory, type KvOutcome } from './kv/kv-history.ts';
export {
  type KvScenarioOptions,
  type KvScenarioResult,
  kvCheckStepsMaxDefault,
  runKvScenario,
} from './kv/kv-scenario.ts';
export { kvTiming } from './kv/kv-timing.ts';
export {
  checkValue,
  onePartition,
  snapshotRpc,
  snapshotSize,
  unreliableOneKey,
} from './kv/scripted-tests.ts';
export {
  type WipedVoterOutcome,
  wipedVoterAppends,
  wipedVoterSchedule,
} from './kv/storage-loss.ts';
export { TestClerk, type TestClerkHost } from './kv/test-clerk.ts';
export { runOnSim, type SimRunOptions } from './nemesis/run-on-sim.ts';
export {
  SimClusterControl,
  type SimDiskOutcome,
  type SimLink,
  type SimLinkFaults,
} from './nemesis/sim-cluster-control.ts';
export {
  assertFaults,
  faultsReliable,
  faultsUnreliable,
  type NetworkFaults,
} from './network-faults.ts';
export {
  clusterTiming,
  type DetectedLoss,
  RaftCluster,
  type RaftClusterOptions,
  type RaftKnobs,
  type StartResult,
} from './raft-cluster.ts';
export { RaftInvariants } from './raft-invariants.ts';
export {
  type RaftScenarioOptions,
  type RaftScenarioResult,
  runRaftScenario,
  SimulationFailure,
} from './raft-scenario.ts';
export {
  type RunStats,
  Scheduler,
  type SchedulerLimits,
  SimulationError,
  schedulerLimitsDefault,
} from './scheduler.ts';
export { SimClock } from './sim-clock.ts';
export {
  type DropReason,
  type NetworkEvent,
  type NetworkStats,
  SimNetwork,
} from './sim-network.ts';
export {
  damageStore,
  describeStorageFault,
  type StorageDamage,
  type StorageFault,
  type StorageFaultKind,
  storageFaultKinds,
} from './storage-faults.ts';
export {
  faultMixOf,
  runSwarmSeed,
  type SwarmOptions,
  type SwarmResult,
  swarmLimits,
  swarmReplayCommand,
} from './swarm.ts';
export { type WatermarkedStoreOptions, watermarkedStore } from './watermarked-store.ts';
