// The one place the simulator touches the real event loop. Between virtual-time events the
// runner must let every pending promise continuation run (the driver awaits saves, scripts await
// sleeps); a macrotask boundary is the only portable way to drain the whole microtask queue.
// It never observes wall time, so it cannot change what a seed does, only when it happens.

/** Resolves after every microtask queued so far (and every one they queue) has run. */
export function settle(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
