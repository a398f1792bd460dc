import { endpoints } from '@hanglian/api';
import type { BaseClient } from '../baseClient.js';
import type { ResponseOf } from '../transport.js';

export interface GetAccountParameters {
  /** An account address (`hl` + 40 hex digits). */
  readonly address: string;
}
export type GetAccountReturnType = ResponseOf<typeof endpoints.getAccount>;

/**
 * The next nonce a submitter must use (the number of its committed transactions).
 *
 * @example
 * ```ts
 * const { nextNonce } = await getAccount(client, { address: addressFromPublicKey(key.publicKey) });
 * ```
 */
export function getAccount(
  client: BaseClient,
  parameters: GetAccountParameters,
): Promise<GetAccountReturnType> {
  return client.request(endpoints.getAccount, { params: { address: parameters.address } });
}
