/**
 * `@hanglian/state-machine/registry-local`: what a wallet needs to run a registered implementation's
 * read-only method itself, with exactly the chain's checks (arguments and output against the standard's
 * schemas) and gas: `runContractCall` over a throw-away state. It imports nothing of Node, storage or the
 * execution thread, so it bundles for browsers (`@hanglian/sdk/local` uses it).
 */

export { MemoryState, type StateEntry, StateOverlay, type StateReader } from './framework/state.js';
export { CONFORMANCE_CALLER, type ContractOutcome, runContractCall } from './modules/registry/calls.js';
export { RegistryErrors } from './modules/registry/errors.js';
export type { ContractExecutor } from './modules/registry/executor.js';
export type { SettlementForRegistry } from './modules/registry/expected.js';
export { contractAccount } from './modules/registry/host.js';
export {
  DEFAULT_REGISTRY_PARAMETERS,
  type DeployedCode,
  type Implementation,
  type RegistryParameters,
  type Standard,
} from './modules/registry/stores.js';
