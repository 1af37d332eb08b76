// Puts a node's persister behind the data dir's ack watermark (WatermarkedPersister), so a store
// that comes back with less than the node acknowledged (a damaged WAL, a truncated or deleted
// LevelDB log, a wiped store, a memory persister after a restart) is found at load: the node
// then withholds its vote until a leader has brought its log back (docs/ARCHITECTURE.md,
// "Storage faults"). A dir that has kept a watermark since its first use and now lacks one is
// refused: without it the node cannot tell what it acknowledged.
import { existsSync } from 'node:fs';
import type { Persister } from '@kvraft/raft-core';
import { type StoreAssessment, WatermarkedPersister } from '@kvraft/raft-core/persister-kit';
import { openWatermarkFile, WatermarkCorruptError, watermarkPath } from './ack-watermark-file.ts';
import { type ClaimedDataDir, markWatermarked } from './data-dir-identity.ts';
import { TestOnlyGateError, testOnlyGateEnv, testOnlyGatePhrase } from './test-only-bugs.ts';

/** TEST ONLY: `1` (with the test-only gate) runs a node without its watermark, to show the loss. */
export const testOnlyNoWatermarkEnv = 'KVRAFT_TEST_ONLY_NO_WATERMARK';

/** Where docs/operations.md says how to replace a node whose state cannot be trusted. */
export const replaceNodeRecipe = 'docs/operations.md, "Replace a dead node"';

/** The data dir cannot vouch for what the node acknowledged, so the node does not start. */
export class WatermarkMissingError extends Error {
  override readonly name = 'WatermarkMissingError';
}

/** What the guard logs through. */
export interface GuardLogger {
  warn(fields: object, message: string): void;
}

/**
 * Wraps `inner` with the watermark of `dataDir`; returns `inner` as is without a data dir (there
 * is nowhere to keep one) or when the test-only switch asks so. Throws WatermarkMissingError.
 */
export async function guardWithWatermark(
  inner: Persister,
  dataDir: string | undefined,
  identity: ClaimedDataDir | undefined,
  logger: GuardLogger,
  env: Readonly<Record<string, string | undefined>> = process.env,
): Promise<Persister> {
  if (env[testOnlyNoWatermarkEnv] !== undefined) {
    if (env[testOnlyGateEnv] !== testOnlyGatePhrase) {
      throw new TestOnlyGateError(
        `${testOnlyNoWatermarkEnv} is set but ${testOnlyGateEnv} is not: refusing to start`,
      );
    }
    return inner;
  }
  if (dataDir === undefined || identity === undefined) return inner;
  const store = await openWatermark(dataDir, identity);
  // A dir from before the watermark adopts one: the store as it stands is all it can vouch for.
  if (identity.watermark !== true) markWatermarked(dataDir);
  const onLoss = (assessment: StoreAssessment) =>
    logger.warn(
      { dataDir, losses: assessment.losses, recoveryFloor: assessment.state.recovery ?? null },
      'the store lost acknowledged state: this node rejoins without a vote until a leader has restored its log',
    );
  return new WatermarkedPersister(inner, store, { onLoss });
}

async function openWatermark(dataDir: string, identity: ClaimedDataDir) {
  const path = watermarkPath(dataDir);
  const create = identity.fresh || identity.watermark !== true;
  if (!create && !existsSync(path)) {
    throw new WatermarkMissingError(
      `${path} is missing, so this node cannot tell what it acknowledged and will not start ` +
        `(it could vote away committed writes); replace the node: ${replaceNodeRecipe}`,
    );
  }
  try {
    return await openWatermarkFile(dataDir, create);
  } catch (error) {
    if (!(error instanceof WatermarkCorruptError)) throw error;
    throw new WatermarkMissingError(`${error.message}; replace the node: ${replaceNodeRecipe}`);
  }
}
