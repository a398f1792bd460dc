import { createHmac, timingSafeEqual } from 'node:crypto';
import type { ConsensusSigner, SignatureVerifier } from '../interface.js';
import { proposalSignText, voteSignText } from '../signBytes.js';
import type { Proposal, ValidatorAddress, Vote } from '../types.js';

/**
 * Fake signatures for the simulator: HMAC-SHA256 with a per-validator secret derived from the seed. Only
 * the keyring (the simulated world) knows the secrets, so a node can only sign for keys it was given,
 * which is all that consensus needs from signatures; it is about 50x faster than Ed25519.
 */
export class HmacKeyring implements SignatureVerifier {
  private readonly secrets = new Map<ValidatorAddress, Buffer>();

  constructor(
    private readonly seed: number,
    addresses: readonly ValidatorAddress[],
  ) {
    for (const address of addresses) this.secrets.set(address, this.secretOf(address));
  }

  private secretOf(address: ValidatorAddress): Buffer {
    return createHmac('sha256', `hanglian-sim-${this.seed}`).update(address).digest();
  }

  signerFor(address: ValidatorAddress): ConsensusSigner {
    const secret = this.secrets.get(address);
    if (secret === undefined) throw new Error(`no key for ${address}`);
    const sign = (text: string): Uint8Array =>
      new Uint8Array(createHmac('sha256', secret).update(text).digest());
    return {
      address,
      signVote: (vote: Vote) => sign(voteSignText(vote)),
      signProposal: (proposal: Proposal) => sign(proposalSignText(proposal)),
    };
  }

  verifyVote(vote: Vote, signature: Uint8Array): boolean {
    return this.check(vote.validator, voteSignText(vote), signature);
  }

  verifyProposal(proposal: Proposal, signature: Uint8Array): boolean {
    return this.check(proposal.proposer, proposalSignText(proposal), signature);
  }

  private check(address: ValidatorAddress, text: string, signature: Uint8Array): boolean {
    const secret = this.secrets.get(address);
    if (secret === undefined || signature.length !== 32) return false;
    return timingSafeEqual(createHmac('sha256', secret).update(text).digest(), signature);
  }
}
