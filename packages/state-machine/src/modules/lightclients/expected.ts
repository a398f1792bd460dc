/**
 * What the lightclients module needs from other modules: nothing. It is admitted by governance, which
 * calls `admitLightClient` (admission.ts) when a proposal passes, as it calls the registry's functions.
 */
export type {};
