/**
 * A Byzantine validator that equivocates: the runner holds the validator's key (its node key, read from
 * the network directory) and, while the validator's own process runs honestly, signs a second vote for
 * heights and rounds the validator votes in, for a block nobody proposed, and sends it to half of the
 * nodes (a nil vote, or another invented block, to the other half). That is one validator voting three
 * ways at once: within the f faulty validators the protocol tolerates, so the chain must neither fork
 * nor stall, and the honest nodes must prove the double vote and record it on chain (`evidence` module).
 *
 * It links as another member identity (the manifest's spare full node that never runs), so the wire
 * observer, which counts only what arrives on a validator's own link, keeps judging the honest validators
 * alone.
 */
import { bytesToHex, hexToBytes, type SigningKey } from '@hanglian/core';
import type { Network } from '@hanglian/network';
import { decodeConsensusMessage, Ed25519ConsensusSigner, encodeConsensusMessage } from '@hanglian/node';
import { CHAOS_CHAIN_ID } from './cluster.js';
import { runnerMemberNetwork } from './member.js';
import type { SeededRandom } from './random.js';

export interface EquivocationCounts {
  /** Height, round and vote type slots the equivocator double-voted in. */
  slots: number;
  /** Forged votes sent (each to one node). */
  votesSent: number;
}

export class Equivocator {
  readonly counts: EquivocationCounts = { slots: 0, votesSent: 0 };
  readonly #signer: Ed25519ConsensusSigner;
  readonly #done = new Set<string>();
  readonly #peers: Uint8Array[];
  #active = true;

  private constructor(
    readonly network: Network,
    validatorKey: SigningKey,
    peers: readonly Uint8Array[],
    readonly random: SeededRandom,
    /** At most this many slots per fault: each one becomes an evidence record on chain. */
    readonly maxSlots: number,
  ) {
    this.#signer = new Ed25519ConsensusSigner(CHAOS_CHAIN_ID, validatorKey);
    this.#peers = [...peers];
  }

  static async start(args: {
    /** The member identity the equivocator links as. */
    memberKey: SigningKey;
    /** The key of the validator that turns Byzantine. */
    validatorKey: SigningKey;
    /** The running nodes it sends its votes to (directly, not through the runner's proxies). */
    nodes: ReadonlyArray<{ publicKey: string; p2pPort: number }>;
    random: SeededRandom;
    maxSlots?: number;
  }): Promise<Equivocator> {
    const network = runnerMemberNetwork(args.memberKey, args.nodes, 500);
    const equivocator = new Equivocator(
      network,
      args.validatorKey,
      args.nodes.map((n) => hexToBytes(n.publicKey)),
      args.random,
      args.maxSlots ?? 40,
    );
    network.handle('consensus', (_peer, payload) => {
      equivocator.#overheard(payload);
      return true;
    });
    await network.start();
    return equivocator;
  }

  /** Nodes linked now. */
  get linked(): number {
    return this.network.peers().length;
  }

  /** Another validator's vote shows the slot the network is in: vote in it twice more. */
  #overheard(payload: Uint8Array): void {
    if (!this.#active || this.counts.slots >= this.maxSlots) return;
    let message: ReturnType<typeof decodeConsensusMessage>;
    try {
      message = decodeConsensusMessage(payload);
    } catch {
      return;
    }
    if (message.kind !== 'vote' || message.vote.validator === this.#signer.address) return;
    const { type, height, round } = message.vote;
    const slot = `${height}/${round}/${type}`;
    if (this.#done.has(slot)) return;
    this.#done.add(slot);
    this.counts.slots++;
    const invented = () => bytesToHex(Uint8Array.from({ length: 32 }, () => this.random.int(0, 255)));
    const first = invented();
    const second = this.random.chance(0.5) ? null : invented();
    const order = this.random.shuffle(this.#peers);
    order.forEach((peer, i) => {
      const vote = {
        type,
        height,
        round,
        blockHash: i % 2 === 0 ? first : second,
        validator: this.#signer.address,
      };
      const bytes = encodeConsensusMessage({ kind: 'vote', vote, signature: this.#signer.signVote(vote) });
      if (this.network.send(peer, 'consensus', bytes)) this.counts.votesSent++;
    });
  }

  async stop(): Promise<void> {
    this.#active = false;
    await this.network.stop();
  }
}
