// The fault knobs of the simulated network, and the labrpc presets the Raft scenarios use
// (SCENARIOS.md §3). All rates are probabilities in [0, 1]; all delays are inclusive maxima.
import { assert } from '@kvraft/raft-core';

/** How the network mistreats messages; switchable mid-run. */
export interface NetworkFaults {
  /** Each request waits U[0, requestDelayMsMax] ms before delivery (labrpc unreliable: 26). */
  readonly requestDelayMsMax: number;
  /** Chance a request is lost after its delay (labrpc unreliable: 0.1). */
  readonly requestLossRate: number;
  /** Each reply waits U[0, replyDelayMsMax] ms when not held by long reordering (labrpc: 0). */
  readonly replyDelayMsMax: number;
  /** Chance a reply is lost (labrpc unreliable: 0.1). */
  readonly replyLossRate: number;
  /** Chance a message is delivered twice, each copy with its own delay (labrpc: 0). */
  readonly duplicationRate: number;
  /** labrpc long reordering: a reply is held 200 + U[0, U[0,1999]] ms with chance 2/3. */
  readonly longReordering: boolean;
}

/** labrpc with reliable=true: no delay, no loss. */
export const faultsReliable: NetworkFaults = {
  requestDelayMsMax: 0,
  requestLossRate: 0,
  replyDelayMsMax: 0,
  replyLossRate: 0,
  duplicationRate: 0,
  longReordering: false,
};

/** labrpc with reliable=false: requests delayed 0–26 ms, 10% of requests and replies lost. */
export const faultsUnreliable: NetworkFaults = {
  requestDelayMsMax: 26,
  requestLossRate: 0.1,
  replyDelayMsMax: 0,
  replyLossRate: 0.1,
  duplicationRate: 0,
  longReordering: false,
};

/** labrpc long reordering: the chance a reply is held back. */
export const longReorderingRate = 2 / 3;
/** labrpc long reordering: the fixed part of the hold. */
export const longReorderingBaseMs = 200;
/** labrpc long reordering: the bound of the nested uniform draw (U[0, U[0, 1999]]). */
export const longReorderingSpreadMs = 2000;

/** Crashes unless every knob of `faults` is in range. */
export function assertFaults(faults: NetworkFaults): void {
  assert(faults.requestDelayMsMax >= 0, 'faults: requestDelayMsMax must be >= 0');
  assert(faults.replyDelayMsMax >= 0, 'faults: replyDelayMsMax must be >= 0');
  for (const rate of [faults.requestLossRate, faults.replyLossRate, faults.duplicationRate]) {
    assert(rate >= 0 && rate <= 1, `faults: rate ${rate} outside [0, 1]`);
  }
}
