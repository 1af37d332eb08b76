// How a fault proxy mistreats the frames of one link: loss, duplication, reordering, delay with
// jitter, a bandwidth cap, and a cut. The same value is data in a schedule (JSON) and is applied
// by the real proxies and, as closely as it can, by the simulator's network.

/** The faults of one link; every rate is a probability in [0, 1]. */
export interface LinkFaults {
  /** Chance a frame is dropped. */
  readonly dropRate: number;
  /** Chance a frame is delivered twice. */
  readonly duplicateRate: number;
  /** Chance a frame is held back and delivered after the next one. */
  readonly reorderRate: number;
  /** Fixed delay added to every frame. */
  readonly delayMs: number;
  /** Extra uniform delay in [0, jitterMs] per frame. */
  readonly jitterMs: number;
  /** Bytes per second the link carries; 0 means unlimited. */
  readonly bandwidthBytesPerSecond: number;
  /** Drop every frame (the link is cut, the TCP connection stays up). */
  readonly cut: boolean;
}

/** A clean link. */
export const linkFaultsNone: LinkFaults = {
  dropRate: 0,
  duplicateRate: 0,
  reorderRate: 0,
  delayMs: 0,
  jitterMs: 0,
  bandwidthBytesPerSecond: 0,
  cut: false,
};

/** The original lab network's unreliable mode, frame by frame: 10% loss, 0–26 ms delay. */
export const linkFaultsUnreliable: LinkFaults = {
  ...linkFaultsNone,
  dropRate: 0.1,
  duplicateRate: 0.05,
  reorderRate: 0.05,
  jitterMs: 26,
};

/** Largest delay a schedule may ask for (longer is a partition, and should say so). */
export const linkDelayMsMax = 10_000;

/** Returns why `faults` is invalid, or undefined when every knob is in range. */
export function linkFaultsProblem(faults: LinkFaults): string | undefined {
  for (const key of ['dropRate', 'duplicateRate', 'reorderRate'] as const) {
    const rate = faults[key];
    if (!(rate >= 0 && rate <= 1)) return `${key} ${rate} is outside [0, 1]`;
  }
  for (const key of ['delayMs', 'jitterMs'] as const) {
    const ms = faults[key];
    if (!(ms >= 0 && ms <= linkDelayMsMax)) return `${key} ${ms} is outside [0, ${linkDelayMsMax}]`;
  }
  if (!(faults.bandwidthBytesPerSecond >= 0)) return 'bandwidthBytesPerSecond must be >= 0';
  if (typeof faults.cut !== 'boolean') return 'cut must be a boolean';
  return undefined;
}
