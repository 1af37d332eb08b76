// @kvraft/persister-memory: the Persister port in process memory, for tests, the simulator and
// single-process use. Everything is lost when the process dies.
export type { MemoryPersisterOptions } from './memory-persister.ts';
export { MemoryPersister } from './memory-persister.ts';
