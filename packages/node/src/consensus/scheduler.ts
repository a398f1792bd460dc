/**
 * The timers the consensus driver and block sync run on. In a node they are the event loop's; the driver
 * simulation (../simulation) gives them virtual ones, so several drivers, their WALs and their block
 * sync run in one process on a seeded, replayable schedule.
 */
export type TimerHandle = { readonly __timer: unique symbol } | NodeJS.Timeout;

export interface Scheduler {
  setTimeout(fn: () => void, ms: number): TimerHandle;
  clearTimeout(handle: TimerHandle): void;
  /** Runs `fn` after what is already queued: the next turn of the loop. */
  setImmediate(fn: () => void): void;
}

export const eventLoopScheduler: Scheduler = {
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout),
  setImmediate: (fn) => {
    setImmediate(fn);
  },
};
