/**
 * Consensus signatures with the chain's crypto suite. A validator's consensus address is the hex of its
 * public key, so certificates convert to the core `Commit` (public key bytes) without a lookup, and every
 * precommit signature is over core's `voteSignBytes`: the same bytes a light client checks.
 */

import type { ConsensusSigner, Proposal, SignatureVerifier, Vote } from '@hanglian/consensus';
import {
  bytesToHex,
  type CryptoSuite,
  hexToBytes,
  proposalSignBytes,
  type SigningKey,
  VOTE_PRECOMMIT,
  VOTE_PREVOTE,
  voteSignBytes,
} from '@hanglian/core';

const HEX_KEY = /^[0-9a-f]{64}$/;

function voteBytes(chainId: string, vote: Vote): Uint8Array {
  return voteSignBytes({
    chainId,
    type: vote.type === 'prevote' ? VOTE_PREVOTE : VOTE_PRECOMMIT,
    height: vote.height,
    round: vote.round,
    blockHash: vote.blockHash === null ? null : hexToBytes(vote.blockHash),
  });
}

function proposalBytes(chainId: string, proposal: Proposal): Uint8Array {
  return proposalSignBytes({
    chainId,
    height: proposal.height,
    round: proposal.round,
    blockHash: hexToBytes(proposal.blockHash),
    polRound: proposal.polRound,
  });
}

export function consensusAddressOf(publicKey: Uint8Array): string {
  return bytesToHex(publicKey);
}

export class Ed25519ConsensusSigner implements ConsensusSigner {
  readonly address: string;
  readonly #key: SigningKey;
  readonly #chainId: string;

  constructor(chainId: string, key: SigningKey) {
    this.#chainId = chainId;
    this.#key = key;
    this.address = consensusAddressOf(key.publicKey);
  }

  signVote(vote: Vote): Uint8Array {
    return this.#key.sign(voteBytes(this.#chainId, vote));
  }

  signProposal(proposal: Proposal): Uint8Array {
    return this.#key.sign(proposalBytes(this.#chainId, proposal));
  }
}

export class Ed25519ConsensusVerifier implements SignatureVerifier {
  readonly #suite: CryptoSuite;
  readonly #chainId: string;

  constructor(chainId: string, suite: CryptoSuite) {
    this.#chainId = chainId;
    this.#suite = suite;
  }

  verifyVote(vote: Vote, signature: Uint8Array): boolean {
    if (!HEX_KEY.test(vote.validator)) return false;
    if (vote.blockHash !== null && !HEX_KEY.test(vote.blockHash)) return false;
    return this.#suite.verify(hexToBytes(vote.validator), voteBytes(this.#chainId, vote), signature);
  }

  verifyProposal(proposal: Proposal, signature: Uint8Array): boolean {
    if (!HEX_KEY.test(proposal.proposer) || !HEX_KEY.test(proposal.blockHash)) return false;
    return this.#suite.verify(
      hexToBytes(proposal.proposer),
      proposalBytes(this.#chainId, proposal),
      signature,
    );
  }
}
