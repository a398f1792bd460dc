/**
 * The validator's signer as the consensus machine sees it: Ed25519 behind a guard that cannot double-sign.
 * Before a signature leaves, the guard compares (height, round, step) with the last one it signed, which
 * it keeps on disk (SignerStateFile, fsynced before the signature is returned):
 * - later than the last: signs, records, returns;
 * - the same step for the same block (and, for a proposal, the same proof-of-lock round): returns the
 *   signature it gave before (Ed25519 is deterministic, so it is the same bytes);
 * - the same step for anything else, or an earlier step: refuses (CONSENSUS_SIGN_REFUSED).
 * The ledger and the WAL play no part, so a wiped or restored node signs nothing that conflicts with
 * what this key signed before, as long as this file is kept (docs/operations.md).
 */
import {
  type ConsensusSigner,
  type LastSigned,
  type Proposal,
  type SignRequest,
  signRefused,
  signVerdict,
  type Vote,
} from '@hanglian/consensus';
import { bytesEqual } from '@hanglian/core';
import type { Ed25519ConsensusSigner } from './ed25519Signer.js';
import type { SignerStateFile } from './signerState.js';

export interface SignRefusal extends SignRequest {
  readonly last: LastSigned;
}

export class GuardedSigner implements ConsensusSigner {
  readonly address: string;
  readonly #inner: Ed25519ConsensusSigner;
  readonly #state: SignerStateFile;
  readonly #onRefused: (refusal: SignRefusal) => void;

  constructor(
    inner: Ed25519ConsensusSigner,
    state: SignerStateFile,
    onRefused: (refusal: SignRefusal) => void,
  ) {
    this.#inner = inner;
    this.#state = state;
    this.#onRefused = onRefused;
    this.address = inner.address;
  }

  signVote(vote: Vote): Uint8Array {
    return this.#guard(
      { height: vote.height, round: vote.round, step: vote.type, blockHash: vote.blockHash },
      () => this.#inner.signVote(vote),
    );
  }

  signProposal(proposal: Proposal): Uint8Array {
    return this.#guard(
      {
        height: proposal.height,
        round: proposal.round,
        step: 'proposal',
        blockHash: proposal.blockHash,
        polRound: proposal.polRound,
      },
      () => this.#inner.signProposal(proposal),
    );
  }

  #guard(wanted: SignRequest, sign: () => Uint8Array): Uint8Array {
    const last = this.#state.last;
    const verdict = signVerdict(last, wanted);
    if (verdict === 'same') {
      const signature = sign();
      // Deterministic signatures: the same message gives the same bytes; anything else is a wrong key.
      if (bytesEqual(signature, last!.signature)) return signature;
    }
    if (verdict !== 'sign') {
      this.#onRefused({ ...wanted, last: last! });
      throw signRefused(wanted, last!);
    }
    const signature = sign();
    this.#state.record({ ...wanted, signature });
    return signature;
  }
}
