// @kvraft/server: run a kvraft node inside your own process (the embedding API), or as the
// `kvraft-server` process that `kvraft serve` and local clusters use.

export {
  openWatermarkFile,
  WatermarkCorruptError,
  watermarkFileName,
  watermarkPath,
} from './ack-watermark-file.ts';
export {
  guardWithWatermark,
  replaceNodeRecipe,
  testOnlyNoWatermarkEnv,
  WatermarkMissingError,
} from './ack-watermark-guard.ts';
export {
  fatalStorageLine,
  type StorageError,
  type StorageErrorKind,
  type StorageErrorWatch,
  storageErrorExitCode,
  storageErrorOf,
  watchStorageErrors,
} from './cli/fatal-storage-error.ts';
export {
  addServeCommand,
  runServe,
  type ServeDeps,
  type ServeLogger,
  type ServeOptions,
  serveUntilSignalled,
} from './cli/serve-command.ts';
export * from './config/index.ts';
export {
  claimDataDir,
  type DataDirIdentity,
  DataDirIdentityError,
  identityFileName,
} from './data-dir-identity.ts';
export {
  type NodeConfig,
  type NodeOptions,
  NodeOptionsError,
  nodeTimingDefaults,
  resolveNodeOptions,
} from './node-options.ts';
export { realClock } from './real-clock.ts';
export { type KvNode, startNode } from './start-node.ts';
export {
  TestOnlyGateError,
  testOnlyBugNames,
  testOnlyBugs,
  testOnlyBugsEnv,
  testOnlyGateEnv,
  testOnlyGatePhrase,
} from './test-only-bugs.ts';
export {
  type DiskIoFault,
  diskFaultFileName,
  testOnlyDiskFaultsEnv,
  wrapForTestOnlyDiskFaults,
} from './test-only-disk-faults.ts';
