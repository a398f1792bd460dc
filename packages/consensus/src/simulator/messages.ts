import type { CommitCertificate, ConsensusMessage, Height } from '../types.js';

/** A decided block as block sync carries it. */
export interface SyncedCommit {
  readonly certificate: CommitCertificate;
  readonly payload: Uint8Array;
}

/** What simulated nodes send each other: consensus messages plus a minimal block sync. */
export type WireMessage =
  | { readonly kind: 'consensus'; readonly message: ConsensusMessage }
  | { readonly kind: 'sync-request'; readonly height: Height }
  | { readonly kind: 'sync-response'; readonly commits: readonly SyncedCommit[] };

export function messageHeight(message: ConsensusMessage): Height {
  return message.kind === 'vote' ? message.vote.height : message.proposal.height;
}

/** A short stable description for the trace. */
export function describe(wire: WireMessage): string {
  switch (wire.kind) {
    case 'sync-request':
      return `sync? ${wire.height}`;
    case 'sync-response':
      return `sync! ${wire.commits.map((c) => c.certificate.height).join(',')}`;
    case 'consensus': {
      const m = wire.message;
      if (m.kind === 'proposal') {
        const p = m.proposal;
        return `P ${p.height}/${p.round} ${p.blockHash.slice(0, 8)} pol=${p.polRound} by ${p.proposer}`;
      }
      const v = m.vote;
      return `${v.type === 'prevote' ? 'PV' : 'PC'} ${v.height}/${v.round} ${v.blockHash?.slice(0, 8) ?? 'nil'} by ${v.validator}`;
    }
  }
}
