/**
 * Builders for the registry module's commands (packages/state-machine/src/modules/registry/README.md):
 * deploying contract code, registering it as an implementation of a standard, and calling it.
 */
import type * as Chain from '@hanglian/state-machine/client';
import type { TxCall } from './call.js';

export type DeployCodeParams = Chain.DeployCodeParams;
export type RegisterImplementationParams = Chain.RegisterImplementationParams;
export type RegistryCallParams = Chain.CallParams;

const call = <P extends object>(command: string, params: P): TxCall<P> => ({
  module: 'registry',
  command,
  params,
});

export const registry = {
  /**
   * Deploys contract code (an admin of an organisation whose role may deploy).
   *
   * @example
   * ```ts
   * registry.deployCode({ source: bundledContract });
   * ```
   */
  deployCode: (params: DeployCodeParams): TxCall<DeployCodeParams> => call('deployCode', params),
  /**
   * Registers deployed code as the organisation's implementation of a standard (its conformance vectors
   * run on chain).
   *
   * @example
   * ```ts
   * registry.registerImplementation({
   *   id: 'carrier-a.express',
   *   standard: 'commerce.logistics/1',
   *   codeHash,
   *   displayName: 'Swift Logistics express',
   * });
   * ```
   */
  registerImplementation: (params: RegisterImplementationParams): TxCall<RegisterImplementationParams> =>
    call('registerImplementation', params),
  /**
   * Calls a method of an implementation in a transaction (its writes and events are kept).
   *
   * @example
   * ```ts
   * registry.call({ implementation: 'carrier-a.express', method: 'book', args: [{ parcel: 'p-1' }] });
   * ```
   */
  call: (params: RegistryCallParams): TxCall<RegistryCallParams> =>
    call('call', { implementation: params.implementation, method: params.method, args: params.args }),
} as const;
