// Where the Porcupine fixtures live (copied into the package with their MIT licence), resolved
// from this file so tests run from any cwd.

import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The folder holding Porcupine's six KV histories (MIT, see ../fixtures/porcupine/LICENSE). */
export const porcupineKvDir = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  '../fixtures/porcupine/kv',
);

/** This package's own fixtures folder. */
export const fixturesDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), 'fixtures');
