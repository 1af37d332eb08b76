// The identity file of a data dir: which cluster and node id it belongs to. A node refuses to
// start on a data dir of another cluster or node id, so a typo in --id or --data-dir can never
// mix two nodes' Raft state. It also records whether the node joined a running cluster (thesis
// §4.3), so a restart keeps taking its configuration from the log, not from --peers.
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** The file name, inside the data dir. */
export const identityFileName = 'kvraft-identity.json';

/** What a data dir belongs to. */
export interface DataDirIdentity {
  readonly cluster: string;
  readonly nodeId: number;
  /** Started with `join`: its configuration comes only from the cluster's log. */
  readonly joined?: boolean;
  /**
   * The dir keeps an ack watermark (ack-watermark-file.ts) and has since it was first used, so a
   * missing watermark file is damage. Absent on dirs from before the watermark existed.
   */
  readonly watermark?: boolean;
}

/** A claimed data dir's identity, and whether this start created it. */
export interface ClaimedDataDir extends DataDirIdentity {
  /** The identity file did not exist: the dir is new to this node. */
  readonly fresh: boolean;
}

/** The data dir belongs to another cluster or node. */
export class DataDirIdentityError extends Error {
  override readonly name = 'DataDirIdentityError';
}

/**
 * Writes the identity on first use, or checks its cluster and node id match; returns the identity
 * the dir holds (`joined` as first written). Throws DataDirIdentityError.
 */
export function claimDataDir(dir: string, identity: DataDirIdentity): ClaimedDataDir {
  mkdirSync(dir, { recursive: true });
  const path = join(dir, identityFileName);
  if (!existsSync(path)) {
    const written = { ...identity, joined: identity.joined === true, watermark: true };
    writeFileSync(path, `${JSON.stringify(written)}\n`, { flag: 'wx' });
    return { ...written, fresh: true };
  }
  let found: Partial<DataDirIdentity>;
  try {
    found = JSON.parse(readFileSync(path, 'utf8')) as Partial<DataDirIdentity>;
  } catch (error) {
    throw new DataDirIdentityError(`${path} is unreadable: ${(error as Error).message}`);
  }
  if (found.cluster !== identity.cluster || found.nodeId !== identity.nodeId) {
    throw new DataDirIdentityError(
      `data dir ${dir} belongs to cluster '${found.cluster}' node ${found.nodeId}, ` +
        `not cluster '${identity.cluster}' node ${identity.nodeId}`,
    );
  }
  return { ...(found as DataDirIdentity), fresh: false };
}

/**
 * Records in the identity file that the dir now keeps an ack watermark (a dir from before the
 * watermark, once its first watermark is durable). Written to a temporary file and renamed, so a
 * crash leaves the old identity or the new one, never a torn one.
 */
export function markWatermarked(dir: string): void {
  const path = join(dir, identityFileName);
  const found = JSON.parse(readFileSync(path, 'utf8')) as DataDirIdentity;
  const temporary = `${path}.tmp`;
  writeFileSync(temporary, `${JSON.stringify({ ...found, watermark: true })}\n`);
  renameSync(temporary, path);
}
