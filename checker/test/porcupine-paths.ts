// Where the shared Porcupine fixtures live, resolved from this file so tests run from any cwd.

import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The folder holding Porcupine's six KV histories (read-only, shared by the project). */
export const porcupineKvDir = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  '../../../shared/histories/porcupine/kv',
);

/** This package's own fixtures folder. */
export const fixturesDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), 'fixtures');
