// The identity file of a data dir: which cluster and node id it belongs to. A node refuses to
// start on a data dir of another cluster or node id, so a typo in --id or --data-dir can never
// mix two nodes' Raft state.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** The file name, inside the data dir. */
export const identityFileName = 'kvraft-identity.json';

/** What a data dir belongs to. */
export interface DataDirIdentity {
  readonly cluster: string;
  readonly nodeId: number;
}

/** The data dir belongs to another cluster or node. */
export class DataDirIdentityError extends Error {
  override readonly name = 'DataDirIdentityError';
}

/** Writes the identity on first use, or checks it matches; throws DataDirIdentityError. */
export function claimDataDir(dir: string, identity: DataDirIdentity): void {
  mkdirSync(dir, { recursive: true });
  const path = join(dir, identityFileName);
  if (!existsSync(path)) {
    writeFileSync(path, `${JSON.stringify(identity)}\n`, { flag: 'wx' });
    return;
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
}
