/**
 * A transaction before it is bound to a chain and a signer: which command, with which parameters. The
 * builders in this folder make these; `buildTxBody` and `signAndSubmit` add the rest of the `TxBody`.
 */
import type { TxBody } from '@hanglian/core';

/** One kernel command with its parameters, ready to become a `TxBody`. */
export interface TxCall<P = unknown> {
  readonly module: string;
  readonly command: string;
  readonly params: P;
  /** A free text visible on chain (at most 256 characters): never put personal data here. */
  readonly memo?: string;
}

/** What turns a call into a `TxBody`: the chain, who submits, the nonce, the expiry, the co-signers. */
export interface TxContext {
  readonly chainId: string;
  /** The submitter's public key: a member identity (it signs first). */
  readonly submitter: Uint8Array;
  readonly nonce: number;
  /** Last height at which the transaction may be included (at most 10,000 blocks ahead). */
  readonly expiresAt: number;
  /** Public keys of co-signers, e.g. a consumer's one-time order key, in signing order. */
  readonly actors?: readonly Uint8Array[];
}

/**
 * Binds a call to a chain, a submitter, a nonce and an expiry: the `TxBody` that `signTx` signs.
 *
 * @example
 * ```ts
 * const body = buildTxBody(settlement.transfer({ to, amount: 1200 }), {
 *   chainId: 'hanglian-local',
 *   submitter: key.publicKey,
 *   nonce: 0,
 *   expiresAt: 1_000,
 * });
 * const tx = signTx(body, key);
 * ```
 */
export function buildTxBody(call: TxCall, context: TxContext): TxBody {
  const body: TxBody = {
    v: 1,
    chainId: context.chainId,
    module: call.module,
    command: call.command,
    params: call.params,
    submitter: context.submitter,
    nonce: context.nonce,
    expiresAt: context.expiresAt,
    actors: [...(context.actors ?? [])],
  };
  if (call.memo !== undefined) body.memo = call.memo;
  return body;
}

/**
 * Drops keys whose value is undefined: the canonical encoding refuses `undefined`.
 *
 * @example
 * ```ts
 * definedOnly({ to: 'hl…', memo: undefined }); // { to: 'hl…' }
 * ```
 */
export function definedOnly<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}
