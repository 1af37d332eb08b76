// @kvraft/cluster: local process clusters on 127.0.0.1 and a clerk over TCP, for tools that
// start, fault and talk to real clusters (the CLI's `cluster up` and `demo`, the nemesis, the
// benchmark); and the nemesis's library: frame-aware fault proxies, the ClusterControl interface
// both runtimes implement, fault schedules as data, and the runner that plays them.
export type {
  ClusterControl,
  ControlNodeStatus,
  DiskFaultOutcome,
  DiskIoFault,
} from './cluster-control.ts';
export {
  applyDiskDamage,
  type DiskDamage,
  damageAppliesTo,
  diskDamages,
} from './disk-damage.ts';
export { FaultProxy, type FaultProxyOptions, type ProxyStats } from './fault-proxy.ts';
export { FrameSplitter } from './frame-splitter.ts';
export {
  cooldownMs,
  generateSchedule,
  type ScheduleRequest,
  unsupportedFamilies,
  warmupMs,
} from './generate-schedule.ts';
export {
  type LinkFaults,
  linkDelayMsMax,
  linkFaultsNone,
  linkFaultsProblem,
  linkFaultsUnreliable,
} from './link-faults.ts';
export {
  type NamedScheduleRequest,
  namedSchedule,
  namedScheduleDurationMsMin,
  type ScenarioName,
  scenarioNames,
} from './named-schedules.ts';
export { type PartitionShape, partitionLinks } from './partition-shapes.ts';
export {
  freePort,
  type NodeExit,
  type PidFileNode,
  ProcessCluster,
  type ProcessClusterOptions,
  pidFileName,
  processClusterNodesMax,
  serverEntry,
} from './process-cluster.ts';
export {
  alive,
  checkIdentity,
  type IdentityCheck,
  type ProcessIdentity,
  processArgv,
  processStartTime,
} from './process-identity.ts';
export { type Link, ProxyMesh, type ProxyMeshOptions } from './proxy-mesh.ts';
export {
  assertPortsFree,
  portsNeeded,
  RealCluster,
  type RealClusterOptions,
} from './real-cluster.ts';
export {
  runSchedule,
  type ScheduleHooks,
  type TimelineEvent,
  waitForLeader,
} from './run-schedule.ts';
export {
  type FaultFamily,
  type FaultSpec,
  faultFamilies,
  nodeCounts,
  nodesDown,
  partitionShapes,
  type Schedule,
  type ScheduleStep,
  scheduleProblems,
  type WorkloadName,
  workloadNames,
} from './scenario.ts';
export { createTcpClerk, cryptoRandom, realClerkClock } from './tcp-clerk.ts';
