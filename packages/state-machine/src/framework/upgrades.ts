/**
 * Software upgrades in state (docs/decisions/0012-upgrades-with-migrations.md). Governance schedules an
 * upgrade by name and height; at the first block of that height the state machine runs each module's
 * migration for it (in module order, before any block hook) and records here that it took effect. From
 * then on a module reads `upgradeApplied` to choose the new behaviour. A chain whose genesis names the
 * upgrade is born with it (recorded at height 0) and never migrates.
 *
 * The record is the executor's own store, like the nonces: modules read it, only the executor writes it.
 */
import { createCodec, UintSchema } from '@hanglian/core';
import { Type } from '@sinclair/typebox';
import type { StateReader } from './state.js';
import { Store } from './store.js';

/** One upgrade a release of the state machine carries. */
export interface UpgradeDescription {
  /** The name governance schedules (`scheduleUpgrade`); part of consensus once scheduled. */
  readonly name: string;
  /** What changes, for operators (`hanglian` and the docs). */
  readonly summary: string;
}

/** `upgrades/applied/<name>` → the height whose block first ran with it (0: the chain was born with it). */
export const appliedUpgradeStore = new Store(
  'upgrades',
  'applied',
  createCodec('AppliedUpgrade', Type.Object({ height: UintSchema }, { additionalProperties: false }), {
    maxBytes: 32,
  }),
);

/** Whether upgrade `name` is in effect in `state`. */
export function upgradeApplied(state: StateReader, name: string): boolean {
  return appliedUpgradeStore.has(state, name);
}

/** Every upgrade in effect, with the height it took effect at, in name order. */
export function appliedUpgrades(state: StateReader): Array<{ name: string; height: number }> {
  return [...appliedUpgradeStore.entries(state)].map(([name, { height }]) => ({ name, height }));
}
