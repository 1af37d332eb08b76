// Test support shipped as `@kvraft/raft-core/testing`: the contract suites every adapter runs.
//
// A third-party Persister adapter runs the suites with one import each, in a vitest test file:
//   persisterContractSuite('MyPersister', { open, reopen, dispose })   // semantics of the port
//   crashSuite('MyPersister', { childModule, killCount })               // SIGKILL consistency
//   lockSuite('MyPersister', { open, childModule })                    // one process at a time
//   watermarkStoreContractSuite('MyStore', { open, reopen })         // an ack watermark store
// `childModule` is a module exporting `openPersister(dir: string): Promise<Persister>`; see
// crash-suite.ts. PersistModel and nextSaveUpdate serve differential and random tests.

// TEST ONLY bug switches (bugs.ts): the one place the symbol that turns them on is exported.
export { type RaftBugs, raftBugsKey } from '../bugs.ts';
export type { CrashChildModule } from './crash-child.ts';
export type { CrashSuiteOptions } from './crash-suite.ts';
export { crashSuite } from './crash-suite.ts';
export { type LockSuiteOptions, lockSuite } from './lock-suite.ts';
export {
  diffPersistedState,
  PersistModel,
  sameBytes,
  validatePersistUpdate,
} from './persist-model.ts';
export type { SaveWorkloadOptions } from './persist-workload.ts';
export { nextSaveUpdate, randomBytes } from './persist-workload.ts';
export type { PersisterFactory } from './persister-contract.ts';
export { makeEntries, persisterContractSuite } from './persister-contract.ts';
export { raftBugNames, withRaftBugs } from './raft-bugs.ts';
export {
  type WatermarkStoreFactory,
  watermarkStoreContractSuite,
} from './watermark-store-contract.ts';
