import { endpoints } from '@hanglian/api';
import { bytesToHex } from '@hanglian/core';
import type { BaseClient } from '../baseClient.js';
import type { ResponseOf } from '../transport.js';

export type GetStateProofParameters = (
  | {
      /** The state key as text, e.g. `settlement/balances/hl…` (module READMEs give the layouts). */
      readonly path: string;
      readonly key?: undefined;
    }
  | { readonly key: Uint8Array | string; readonly path?: undefined }
) & {
  /** The height whose state to read (default: the latest). */
  readonly height?: number;
};
export type GetStateProofReturnType = ResponseOf<typeof endpoints.getStateProof>;

/**
 * A state value (or its absence) with its Merkle proof, the header whose state root it checks against,
 * and that header's commit certificate, as the node sent them. Not verified: pass the answer to
 * `verifyQueryResult`, or use `getVerifiedState`.
 *
 * @example
 * ```ts
 * const answer = await getStateProof(client, { path: `settlement/balances/${address}` });
 * ```
 */
export function getStateProof(
  client: BaseClient,
  parameters: GetStateProofParameters,
): Promise<GetStateProofReturnType> {
  const height = parameters.height === undefined ? {} : { height: parameters.height };
  const query =
    parameters.path !== undefined
      ? { path: parameters.path, ...height }
      : {
          key: typeof parameters.key === 'string' ? parameters.key.toLowerCase() : bytesToHex(parameters.key),
          ...height,
        };
  return client.request(endpoints.getStateProof, { query });
}
