// Goal: no acknowledged save is lost and no save is half-applied when the process dies.
// Method: the shared crash suite SIGKILLs a real child process saving random updates, hundreds
// of times, and checks the reopened store against the seeded save sequence.
import { join } from 'node:path';
import { crashSuite } from '@kvraft/raft-core/testing';

crashSuite('SqlitePersister', {
  childModule: join(import.meta.dirname, 'fixtures/crash-child-sqlite.ts'),
});
