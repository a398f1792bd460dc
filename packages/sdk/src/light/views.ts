/** From the API's JSON views (bytes as hex) back to core's types, so core's hashing and checks apply. */
import type { CommitView, HeaderView } from '@hanglian/api';
import { type BlockHeader, type Commit, hexToBytes, type StateProof } from '@hanglian/core';
import type { Static } from '@sinclair/typebox';

/**
 * A header from its JSON view (hex fields back to bytes), ready for `blockHash` and commit checks.
 *
 * @example
 * ```ts
 * const { header } = await getHeader(client, { height: 7 });
 * const hash = blockHash(headerFromView(header));
 * ```
 */
export function headerFromView(view: Static<typeof HeaderView>): BlockHeader {
  return {
    v: view.v,
    chainId: view.chainId,
    height: view.height,
    time: view.time,
    previousBlockHash: hexToBytes(view.previousBlockHash),
    txRoot: hexToBytes(view.txRoot),
    txCount: view.txCount,
    stateRoot: hexToBytes(view.stateRoot),
    resultsRoot: hexToBytes(view.resultsRoot),
    proposer: view.proposer,
    validatorSetHash: hexToBytes(view.validatorSetHash),
    nextValidatorSetHash: hexToBytes(view.nextValidatorSetHash),
    lastCommitHash: hexToBytes(view.lastCommitHash),
  };
}

/**
 * A commit certificate from its JSON view.
 *
 * @example
 * ```ts
 * const { commit } = await getHeader(client, { height: 7 });
 * if (commit) verifyCommit(commitFromView(commit), chainId, hash, validators, ed25519Sha256);
 * ```
 */
export function commitFromView(view: Static<typeof CommitView>): Commit {
  return {
    height: view.height,
    round: view.round,
    blockHash: hexToBytes(view.blockHash),
    signatures: view.signatures.map((s) => ({
      validator: hexToBytes(s.validator),
      signature: hexToBytes(s.signature),
    })),
  };
}

/**
 * A state proof from its JSON view.
 *
 * @example
 * ```ts
 * const answer = await getStateProof(client, { path: 'items/products/isbn-1' });
 * verifyStateProof(hexToBytes(answer.root), utf8('items/products/isbn-1'), value, proofFromView(answer.proof));
 * ```
 */
export function proofFromView(view: {
  siblings: string[];
  leaf: { keyHash: string; valueHash: string } | null;
}): StateProof {
  return {
    siblings: view.siblings.map(hexToBytes),
    leaf:
      view.leaf === null
        ? null
        : { keyHash: hexToBytes(view.leaf.keyHash), valueHash: hexToBytes(view.leaf.valueHash) },
  };
}
