/**
 * The SDK's one error class. It carries the API's stable code (or one of the SDK's own codes below), the
 * HTTP status when a node answered, the structured details, and the cause chain, like viem's BaseError:
 * match on `code`, never on the message.
 */
import { defineErrorCodes, HanglianError } from '@hanglian/core';

/** Codes the SDK raises itself (the node's codes, e.g. TX_NONCE_TOO_LOW, pass through unchanged). */
export const SdkErrors = defineErrorCodes('sdk', {
  SDK_NETWORK: {
    kind: 'unavailable',
    summary: 'The node could not be reached (connection refused, DNS, aborted).',
  },
  SDK_BAD_RESPONSE: {
    kind: 'internal',
    summary: 'The node answered something that is not the API response.',
  },
  SDK_TIMEOUT: { kind: 'unavailable', summary: 'The operation did not finish in the time allowed.' },
  SDK_SENDER_CLOSED: {
    kind: 'unavailable',
    summary:
      'The account sender was closed, or lost its commit stream for good: what it still held was not sent, or its commit not seen.',
  },
  SDK_VERIFY_FAILED: {
    kind: 'forbidden',
    summary: 'A node answer did not verify (proof, header hash, commit signatures or validator set).',
  },
  SDK_KEYSTORE_WRONG_PASSWORD: {
    kind: 'unauthorized',
    summary: 'The keystore cannot be opened with this password (or it was altered).',
  },
  SDK_KEYSTORE_INVALID: { kind: 'invalid', summary: 'The keystore is not one this SDK wrote.' },
  SDK_MNEMONIC_INVALID: {
    kind: 'invalid',
    summary: 'The backup phrase has an unknown word or a wrong checksum.',
  },
  SDK_SEALED_INVALID: {
    kind: 'invalid',
    summary: 'The sealed envelope is not well formed, or the details to seal are not acceptable.',
  },
  SDK_SEALED_TOO_LARGE: {
    kind: 'too_large',
    summary: 'The content to seal is longer than an envelope carries (every envelope has one fixed size).',
  },
  SDK_SEALED_NOT_RECIPIENT: {
    kind: 'forbidden',
    summary: 'The envelope is not sealed to this organisation (or to this key of it).',
  },
  SDK_SEALED_OPEN_FAILED: {
    kind: 'forbidden',
    summary: 'The envelope does not open with this key and context (wrong key, wrong order, or altered).',
  },
  SDK_SHARE_INVALID: {
    kind: 'forbidden',
    summary: 'A share package does not verify (signature, ownership, scope or a state proof).',
  },
  SDK_LOCAL_CODE_MISMATCH: {
    kind: 'forbidden',
    summary: 'Code fetched for a local run does not hash to what the registry names for the implementation.',
  },
  SDK_LOCAL_NOT_FOUND: {
    kind: 'not_found',
    summary: 'No implementation (or standard, or method) of that id is registered on the chain.',
  },
  SDK_LOCAL_STATE_READ: {
    kind: 'invalid',
    summary:
      'A locally run method read chain state or another contract, which a wallet does not hold: its answer could differ from the chain’s, so none is given.',
  },
  SDK_HISTORY_INVALID: {
    kind: 'invalid',
    summary:
      'A kept search history is neither an encrypted history record nor a history ({purchases, reviews, grants}).',
  },
  SDK_HISTORY_UNREADABLE: {
    kind: 'forbidden',
    summary:
      'An encrypted search history does not open with this wallet and scope (another wallet, another chain, or altered).',
  },
  SDK_GRANT_INACTIVE: {
    kind: 'forbidden',
    summary: 'The grant is unknown, revoked or expired on chain, so nothing more is shared under it.',
  },
});

export interface HanglianSdkErrorOptions {
  readonly details?: Record<string, unknown>;
  /** The HTTP status of the node's answer, when there was one. */
  readonly status?: number;
  /** The endpoint called (`GET /v1/txs/:id`), when the error comes from a request. */
  readonly endpoint?: string;
  readonly cause?: unknown;
}

/**
 * Every error the SDK throws.
 *
 * @example
 * ```ts
 * try {
 *   await client.getBlock({ height: 999_999 });
 * } catch (error) {
 *   if (error instanceof HanglianSdkError && error.code === 'NOT_FOUND') console.log('not yet');
 *   else throw error;
 * }
 * ```
 */
export class HanglianSdkError extends HanglianError {
  readonly status: number | undefined;
  readonly endpoint: string | undefined;

  constructor(code: string, message: string, options: HanglianSdkErrorOptions = {}) {
    super(code, options.endpoint === undefined ? message : `${message} (${options.endpoint})`, {
      ...(options.details === undefined ? {} : { details: options.details }),
      ...(options.cause === undefined ? {} : { cause: options.cause }),
    });
    this.name = 'HanglianSdkError';
    this.status = options.status;
    this.endpoint = options.endpoint;
  }

  /**
   * The first error in the cause chain (this one included) that `predicate` accepts, else undefined.
   *
   * @example
   * ```ts
   * const network = error.walk((e) => e instanceof TypeError); // the fetch failure underneath
   * ```
   */
  walk(predicate: (error: unknown) => boolean): unknown {
    let current: unknown = this;
    for (let depth = 0; current !== undefined && current !== null && depth < 16; depth++) {
      if (predicate(current)) return current;
      current = (current as { cause?: unknown }).cause;
    }
    return undefined;
  }
}
