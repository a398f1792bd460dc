/**
 * Builders for the registry module's commands (packages/state-machine/src/modules/registry/README.md):
 * deploying contract code, registering it as an implementation of a standard, and calling it.
 */
import type { TxCall } from './call.js';

export interface DeployCodeParams {
  /** The contract's bundled JavaScript (at most 1 MiB); its id is the SHA-256 of the source, in hex. */
  source: string;
}
export interface RegisterImplementationParams {
  /** New for every version (`carrier-a.quote.v2` beside `carrier-a.quote.v1`). */
  id: string;
  /** The standard it implements, e.g. `commerce.logistics/1`. */
  standard: string;
  /** Hex SHA-256 of deployed code. */
  codeHash: string;
  /** 1..128 characters. */
  displayName: string;
}
export interface RegistryCallParams {
  /** The implementation called: switching implementation is naming another one next time. */
  implementation: string;
  method: string;
  /** At most 16 JSON arguments. */
  args: unknown[];
}

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
