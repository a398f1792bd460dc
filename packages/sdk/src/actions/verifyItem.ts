import type { BaseClient } from '../baseClient.js';
import { query } from './query.js';

export interface VerifyItemParameters {
  /** The code printed on the item, `<sku>:<batch>:<serial>`. */
  readonly code: string;
  /** Who the shopper believes owns it (`acct:hl…` for a buyer's order key, `org:<id>` for a seller). */
  readonly claimedOwner?: string;
  /** The ISO 3166 region where it is offered, if known (default: the region it was sold into). */
  readonly region?: string;
}

/** Everything the chain knows that a shopper should hear (items README, `verify`). */
export type ItemVerificationFlag =
  | 'unknown-code'
  | 'recalled'
  | 'destroyed'
  | 'sold'
  | 'sold-to-another'
  | 'outside-channel'
  | 'outside-region'
  | 'abroad';

export interface ItemVerification {
  readonly code: string;
  /**
   * `genuine`; `sold` (genuine, but already sold to someone: a copy offered as new is not); `suspect`
   * (recalled, destroyed, sold to someone other than the claimed owner, or outside its producer's channel
   * or region: 串货); `unknown` (never minted).
   */
  readonly verdict: 'genuine' | 'sold' | 'suspect' | 'unknown';
  readonly flags: readonly ItemVerificationFlag[];
  /** The item's standing with its producer's channels, and whom and which region that judges. */
  readonly channel: {
    readonly channel: 'direct' | 'authorised' | 'outside-channel' | 'outside-region';
    readonly org: string | null;
    readonly region: string | null;
  } | null;
  readonly item: {
    readonly product: { readonly sku: string; readonly name: string; readonly producer: string };
    readonly batch: { readonly batch: string; readonly recalled: boolean; readonly count: number };
    readonly serial: number;
    readonly state: { readonly owner: string; readonly custodian: string; readonly status: string };
    readonly history: ReadonlyArray<{
      readonly bizStep: string;
      readonly time: number;
      readonly height: number;
      readonly where: string;
      readonly why: string;
      readonly by: string;
      readonly region?: string;
      readonly txId: string;
    }>;
  } | null;
}

/**
 * Verifies a scanned item code in one question: whether it was minted, recalled or destroyed, whether it
 * was already sold (to the claimed owner or someone else), and whether it is outside its producer's
 * channel or region (串货). Not proven: prove the item's state with `getVerifiedState` when it matters.
 *
 * @example
 * ```ts
 * const { verdict, flags } = await verifyItem(client, { code: 'isbn-9787020002207:b2026-11:42' });
 * if (verdict === 'sold') console.log('someone already bought this copy: it is not new');
 * ```
 */
export async function verifyItem(
  client: BaseClient,
  parameters: VerifyItemParameters,
): Promise<ItemVerification> {
  const { result } = await query<ItemVerification>(client, {
    module: 'items',
    name: 'verify',
    params: {
      code: parameters.code,
      ...(parameters.claimedOwner === undefined ? {} : { claimedOwner: parameters.claimedOwner }),
      ...(parameters.region === undefined ? {} : { region: parameters.region }),
    },
  });
  return result;
}
