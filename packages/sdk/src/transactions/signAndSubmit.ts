import { bytesToHex, signedTxCodec, txBodyCodec, txIdOf, txSignBytes } from '@hanglian/core';
import { getAccount } from '../actions/getAccount.js';
import { getStatus } from '../actions/getStatus.js';
import { type SubmitTransactionReturnType, submitTransaction } from '../actions/submitTransaction.js';
import type { BaseClient } from '../baseClient.js';
import { HanglianSdkError } from '../errors.js';
import type { Signer } from '../signer.js';
import { buildTxBody, type TxCall } from './call.js';

/** Blocks ahead of the current height that a transaction stays valid by default. */
export const DEFAULT_EXPIRY_BLOCKS = 1_000;
/** The node refuses expiries further ahead than this (the state machine's limit). */
export const MAX_EXPIRY_BLOCKS = 10_000;

export interface SignAndSubmitParameters extends TxCall {
  /** The member identity that submits (signs first, pays the nonce). */
  readonly signer: Signer;
  /** Co-signers, e.g. the consumer's one-time order key paying from its address. */
  readonly actors?: readonly Signer[];
  /** The submitter's nonce; default: fetched (`nextNonce`). Give it when sending several in a row. */
  readonly nonce?: number;
  /** The last height of inclusion; default: the node's height + `expiresInBlocks`. */
  readonly expiresAt?: number;
  /** Default 1,000 blocks; at most 10,000. */
  readonly expiresInBlocks?: number;
  /** Default: the node's chain id. */
  readonly chainId?: string;
  /** Wait for the commit (default true) and throw when the transaction is rejected or its command fails. */
  readonly waitForCommit?: boolean;
  readonly timeoutMs?: number;
}

export interface SignAndSubmitReturnType {
  readonly txId: string;
  readonly nonce: number;
  readonly expiresAt: number;
  /** The node's answer: `committed` with result `OK` when waiting, else `pending`. */
  readonly status: SubmitTransactionReturnType;
}

/**
 * Builds, signs and submits a transaction: fetches the chain id, height and nonce it was not given, sets
 * the expiry, signs with the submitter then each actor, and by default waits for the commit. A refusal
 * throws the node's code (e.g. `TX_NONCE_TOO_LOW`); a committed transaction whose command failed throws
 * the command's code (e.g. `SETTLEMENT_INSUFFICIENT_BALANCE`) with `details.committed = true`.
 *
 * @example
 * ```ts
 * const { txId, status } = await signAndSubmit(client, {
 *   signer: memberSigner(key),
 *   ...settlement.transfer({ to: 'hl…', amount: 1200 }),
 * });
 * ```
 */
export async function signAndSubmit(
  client: BaseClient,
  parameters: SignAndSubmitParameters,
): Promise<SignAndSubmitReturnType> {
  const { signer, actors = [] } = parameters;
  const needsStatus = parameters.chainId === undefined || parameters.expiresAt === undefined;
  const [status, nonce] = await Promise.all([
    needsStatus ? getStatus(client) : undefined,
    parameters.nonce ?? getAccount(client, { address: signer.address }).then((a) => a.nextNonce),
  ]);
  const expiresInBlocks = Math.min(parameters.expiresInBlocks ?? DEFAULT_EXPIRY_BLOCKS, MAX_EXPIRY_BLOCKS);
  const expiresAt = parameters.expiresAt ?? (status?.height ?? 0) + expiresInBlocks;
  const chainId = parameters.chainId ?? status?.chainId ?? '';
  const body = buildTxBody(parameters, {
    chainId,
    submitter: signer.publicKey,
    nonce,
    expiresAt,
    actors: actors.map((a) => a.publicKey),
  });
  const bodyBytes = txBodyCodec.encode(body);
  const tx = await signBodyBytes(bodyBytes, signer, actors);
  const txId = bytesToHex(txIdOf(bodyBytes));

  const waitForCommit = parameters.waitForCommit ?? true;
  const answer = await submitTransaction(client, {
    tx,
    waitForCommit,
    ...(parameters.timeoutMs === undefined ? {} : { timeoutMs: parameters.timeoutMs }),
  });
  if (answer.status === 'rejected') {
    throw new HanglianSdkError(answer.code, answer.message, { details: { txId, committed: false } });
  }
  if (answer.status === 'committed' && answer.result.code !== 'OK') {
    throw new HanglianSdkError(answer.result.code, answer.result.message, {
      details: { txId, committed: true, height: answer.height, index: answer.index },
    });
  }
  return { txId, nonce, expiresAt, status: answer };
}

/**
 * Signs a transaction's encoded body: the submitter first, then each actor in the body's order (the order
 * the executor checks them in), and returns the signed transaction's bytes.
 *
 * @example
 * ```ts
 * const bodyBytes = txBodyCodec.encode(buildTxBody(call, context));
 * const tx = await signBodyBytes(bodyBytes, gateway, [orderKey]);
 * ```
 */
export async function signBodyBytes(
  bodyBytes: Uint8Array,
  submitter: Signer,
  actors: readonly Signer[] = [],
): Promise<Uint8Array> {
  const message = txSignBytes(bodyBytes);
  const signatures = await Promise.all([submitter, ...actors].map((s) => s.sign(message)));
  return signedTxCodec.encode({ body: bodyBytes, signatures });
}
