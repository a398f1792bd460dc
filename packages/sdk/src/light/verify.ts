/**
 * Light-client verification of one state read (architecture.md, step 7): the value is proven by the
 * Merkle proof under the header's state root; the header is the block the commit certificate signs;
 * the certificate carries more than 2/3 of the power of a validator set the app trusts, and that set
 * is the one the header names. Nothing the node says is believed without one of these checks.
 */

import {
  type BlockHeader,
  blockHash,
  bytesEqual,
  bytesToHex,
  type CryptoSuite,
  ed25519Sha256,
  hexToBytes,
  utf8,
  type Validator,
  validatorSetHash,
  verifyCommit,
  verifyStateProof,
} from '@hanglian/core';
import type { GetStateProofReturnType } from '../actions/getStateProof.js';
import { HanglianSdkError, SdkErrors } from '../errors.js';
import { commitFromView, headerFromView, proofFromView } from './views.js';

/** Which check refused an answer (`details.check` of the `SDK_VERIFY_FAILED` error). */
export type VerificationCheck = 'key' | 'chain' | 'proof' | 'header' | 'validatorSet' | 'commit';

/** A state value the SDK has verified, with the header it was proven under. */
export interface VerifiedState {
  readonly key: Uint8Array;
  /** The value's bytes (canonical CBOR, see the module READMEs), or null: the key is proven absent. */
  readonly value: Uint8Array | null;
  readonly height: number;
  readonly header: BlockHeader;
  /** The verified header's hash, as hex. */
  readonly blockHash: string;
}

export interface TrustedValidators {
  readonly chainId: string;
  /** The validator set trusted to sign the header (in the chain's order: sorted by address). */
  readonly validators: readonly Validator[];
  readonly suite?: CryptoSuite;
}

export type StateKey = { readonly path: string } | { readonly key: Uint8Array | string };

/**
 * The bytes of a state key given as a text path or as bytes (hex accepted).
 *
 * @example
 * ```ts
 * stateKeyBytes({ path: 'settlement/totals/all' }); // UTF-8 bytes of the path
 * ```
 */
export function stateKeyBytes(key: StateKey): Uint8Array {
  if ('path' in key) return utf8(key.path);
  return typeof key.key === 'string' ? hexToBytes(key.key) : key.key;
}

function refuse(check: VerificationCheck, message: string, details: Record<string, unknown> = {}): never {
  throw new HanglianSdkError(SdkErrors.SDK_VERIFY_FAILED, `${check}: ${message}`, {
    details: { check, ...details },
  });
}

/**
 * Verifies a `getStateProof` answer for the key you asked for against validators you trust, and
 * returns the proven value. Throws `SDK_VERIFY_FAILED` (with `details.check`) on any mismatch: another
 * key, another chain, a value the proof does not prove, a root that is not the header's, a header that
 * names another validator set, or a commit without more than 2/3 of the trusted power.
 *
 * @example
 * ```ts
 * const path = `settlement/balances/${address}`;
 * const answer = await client.getStateProof({ path });
 * const { value } = verifyQueryResult(answer, { path }, { chainId, validators });
 * ```
 */
export function verifyQueryResult(
  answer: GetStateProofReturnType,
  key: StateKey,
  trusted: TrustedValidators,
): VerifiedState {
  const suite = trusted.suite ?? ed25519Sha256;
  const keyBytes = stateKeyBytes(key);
  // A node could prove some other key truthfully: bind the answer to the question.
  if (answer.key !== bytesToHex(keyBytes))
    refuse('key', 'the answer is about another key', { got: answer.key });
  if (answer.header === null || answer.commit === null) {
    refuse('header', 'the answer carries no signed header (the genesis state cannot be verified this way)', {
      height: answer.height,
    });
  }
  const header = headerFromView(answer.header);
  const commit = commitFromView(answer.commit);
  if (header.chainId !== trusted.chainId) refuse('chain', `header of chain ${header.chainId}`);
  if (header.height !== answer.height) refuse('header', 'the header is not at the answer height');
  if (!bytesEqual(header.stateRoot, hexToBytes(answer.root)))
    refuse('proof', "the root is not the header's state root");

  const value = answer.value === null ? null : hexToBytes(answer.value);
  if (!verifyStateProof(header.stateRoot, keyBytes, value, proofFromView(answer.proof))) {
    refuse('proof', 'the proof does not prove this value under the state root');
  }

  if (!bytesEqual(header.validatorSetHash, validatorSetHash(trusted.validators))) {
    refuse('validatorSet', 'the header names a validator set other than the trusted one', {
      headerSet: bytesToHex(header.validatorSetHash),
    });
  }
  const hash = blockHash(header);
  if (commit.height !== header.height) refuse('commit', 'the commit is for another height');
  const check = verifyCommit(commit, header.chainId, hash, trusted.validators, suite);
  if (!check.ok) {
    refuse('commit', check.reason ?? 'the commit does not verify', {
      signedPower: check.signedPower,
      totalPower: check.totalPower,
    });
  }
  return { key: keyBytes, value, height: header.height, header, blockHash: bytesToHex(hash) };
}
