import type { ConsensusSigner } from '../interface.js';
import { type LastSigned, type SignRequest, signRefused, signVerdict } from '../signGuard.js';
import type { Proposal, Vote } from '../types.js';

/**
 * A simulated node's key behind the same double-sign guard as the node's (`signVerdict`). Its memory of
 * the last signature lives in the simulated node, not in the machine, so it survives the node's crashes
 * as the node's signer-state file does; a crash that loses the WAL's unsynced tail then leaves the key
 * ahead of the WAL, exactly as a SIGKILL between the signer's fsync and the WAL append does on a real node.
 */
export class GuardedSimSigner implements ConsensusSigner {
  readonly address: string;
  last: LastSigned | undefined;
  refused = 0;

  constructor(private readonly inner: ConsensusSigner) {
    this.address = inner.address;
  }

  signVote(vote: Vote): Uint8Array {
    const wanted = { height: vote.height, round: vote.round, step: vote.type, blockHash: vote.blockHash };
    return this.guard(wanted, () => this.inner.signVote(vote));
  }

  signProposal(proposal: Proposal): Uint8Array {
    const wanted = {
      height: proposal.height,
      round: proposal.round,
      step: 'proposal' as const,
      blockHash: proposal.blockHash,
      polRound: proposal.polRound,
    };
    return this.guard(wanted, () => this.inner.signProposal(proposal));
  }

  private guard(wanted: SignRequest, sign: () => Uint8Array): Uint8Array {
    const verdict = signVerdict(this.last, wanted);
    if (verdict === 'refuse') {
      this.refused++;
      throw signRefused(wanted, this.last!);
    }
    const signature = sign();
    if (verdict === 'sign') this.last = { ...wanted, signature };
    return signature;
  }
}
