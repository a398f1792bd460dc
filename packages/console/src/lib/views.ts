/**
 * The API's JSON block views (bytes as hex) as core's types, so core's own hashing and commit checks run
 * on what the explorer shows. (The SDK does the same inside its light client but does not export it.)
 */
import { type BlockHeader, type Commit, hexToBytes } from '@hanglian/core';
import type { getBlock } from '@hanglian/sdk';

type BlockAnswer = Awaited<ReturnType<typeof getBlock>>;

export function headerOf(view: BlockAnswer['header']): BlockHeader {
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

export function commitOf(view: NonNullable<BlockAnswer['commit']>): Commit {
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
