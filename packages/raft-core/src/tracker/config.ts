// A cluster configuration as plain data (thesis §4.3, etcd's ConfState as reference design): the
// incoming voters, the outgoing voters while joint, learners, and each member's opaque address.
// Everything here is pure and canonical (ids sorted, no duplicates), so two replicas that hold the
// same configuration hold byte-identical encodings; the core never interprets an address.
import { assert } from '../assert.ts';
import type { NodeId } from '../types.ts';

/** The opaque network address a member announced in the change that added it. */
export interface MemberAddress {
  readonly id: NodeId;
  readonly address: string;
}

/**
 * One configuration. Outside joint consensus `outgoingVoters` is empty; during it both voter sets
 * must agree (thesis §4.3). Invariants: the four id lists are sorted and pairwise disjoint except
 * that `outgoingVoters` may overlap `voters` and `learnersNext`; `learnersNext` is empty unless joint.
 */
export interface ConfigState {
  /** Voters of the incoming (or only) configuration, C_new. */
  readonly voters: readonly NodeId[];
  /** Voters of the outgoing configuration C_old while joint; empty otherwise. */
  readonly outgoingVoters: readonly NodeId[];
  /** Members that receive the log and snapshots but never vote, count or campaign. */
  readonly learners: readonly NodeId[];
  /** Outgoing voters that become learners when the joint state is left (a demotion). */
  readonly learnersNext: readonly NodeId[];
  /** Whether the leader leaves the joint state by itself once it is applied. */
  readonly autoLeave: boolean;
  /** The address of every member that has one, sorted by id. */
  readonly addresses: readonly MemberAddress[];
}

/** The configuration a cluster boots with: `voters` alone, not joint. */
export function bootstrapConfig(
  voters: readonly NodeId[],
  addresses: readonly MemberAddress[] = [],
): ConfigState {
  return canonicalConfig({
    voters,
    outgoingVoters: [],
    learners: [],
    learnersNext: [],
    autoLeave: false,
    addresses,
  });
}

/** Whether `config` is a joint configuration (C_old,new of thesis §4.3). */
export function isJoint(config: ConfigState): boolean {
  return config.outgoingVoters.length > 0;
}

/** Every member: voters of both halves and learners, sorted and distinct. */
export function memberIds(config: ConfigState): NodeId[] {
  return sortedIds([
    ...config.voters,
    ...config.outgoingVoters,
    ...config.learners,
    ...config.learnersNext,
  ]);
}

/** Whether `id` votes in either half of `config`. */
export function isVoterIn(config: ConfigState, id: NodeId): boolean {
  return config.voters.includes(id) || config.outgoingVoters.includes(id);
}

/** Returns `config` with ids sorted and deduplicated and addresses kept only for members. */
export function canonicalConfig(config: ConfigState): ConfigState {
  const canonical = {
    voters: sortedIds(config.voters),
    outgoingVoters: sortedIds(config.outgoingVoters),
    learners: sortedIds(config.learners),
    learnersNext: sortedIds(config.learnersNext),
    autoLeave: config.outgoingVoters.length > 0 && config.autoLeave,
  };
  const members = new Set(memberIds({ ...canonical, addresses: [] }));
  const byId = new Map<NodeId, string>();
  for (const { id, address } of config.addresses) if (members.has(id)) byId.set(id, address);
  const addresses = sortedIds([...byId.keys()]).map((id) => ({ id, address: byId.get(id)! }));
  const result = { ...canonical, addresses };
  assertConfigShape(result);
  return result;
}

/** Crashes unless `config` keeps the invariants written on ConfigState. */
export function assertConfigShape(config: ConfigState): void {
  for (const learner of config.learners) {
    assert(!isVoterIn(config, learner), `node ${learner} is both a voter and a learner`);
  }
  for (const next of config.learnersNext) {
    assert(config.outgoingVoters.includes(next), `next learner ${next} is not an outgoing voter`);
    assert(!config.voters.includes(next), `next learner ${next} is an incoming voter`);
  }
  assert(
    config.learnersNext.length === 0 || isJoint(config),
    'learnersNext outside a joint config',
  );
}

/** Whether two configurations are equal (both canonical). */
export function sameConfig(a: ConfigState, b: ConfigState): boolean {
  return configKey(a) === configKey(b);
}

/** A canonical string for `config`: equal strings mean equal configurations. */
export function configKey(config: ConfigState): string {
  return JSON.stringify(config);
}

/** Renders `config` as etcd does: `voters=(1 2 3)&&(1 2) learners=(4)`. */
export function describeConfig(config: ConfigState): string {
  const ids = (list: readonly NodeId[]) => `(${list.join(' ')})`;
  let text = `voters=${ids(config.voters)}`;
  if (isJoint(config)) text += `&&${ids(config.outgoingVoters)}`;
  if (config.learners.length > 0) text += ` learners=${ids(config.learners)}`;
  if (config.learnersNext.length > 0) text += ` learners_next=${ids(config.learnersNext)}`;
  if (config.autoLeave) text += ' autoleave';
  return text;
}

/** Encodes `config` as canonical UTF-8 JSON: the data of a config entry and snapshot metadata. */
export function encodeConfigState(config: ConfigState): Uint8Array {
  return new TextEncoder().encode(configKey(canonicalConfig(config)));
}

/** Decodes what encodeConfigState wrote; crashes on anything else (log and metadata are trusted). */
export function decodeConfigState(bytes: Uint8Array): ConfigState {
  const value = JSON.parse(new TextDecoder().decode(bytes)) as Record<string, unknown>;
  const ids = (name: string): NodeId[] => {
    const list = value[name];
    assert(Array.isArray(list), `config field ${name} is not a list`);
    for (const id of list) assert(Number.isSafeInteger(id) && id >= 0, `bad node id in ${name}`);
    return list as NodeId[];
  };
  const addresses = value['addresses'];
  assert(Array.isArray(addresses), 'config addresses is not a list');
  for (const item of addresses as MemberAddress[]) {
    assert(Number.isSafeInteger(item.id) && typeof item.address === 'string', 'bad address');
  }
  const config: ConfigState = {
    voters: ids('voters'),
    outgoingVoters: ids('outgoingVoters'),
    learners: ids('learners'),
    learnersNext: ids('learnersNext'),
    autoLeave: value['autoLeave'] === true,
    addresses: addresses as MemberAddress[],
  };
  assert(sameConfig(config, canonicalConfig(config)), 'config encoding is not canonical');
  return config;
}

function sortedIds(ids: readonly NodeId[]): NodeId[] {
  return [...new Set(ids)].sort((a, b) => a - b);
}
