/**
 * A passive member linked to every node that records every consensus message each node sends it. Nodes
 * do not relay consensus messages, so what arrives on the link from a node is what that node signed and
 * sent: a validator that sends two different prevotes (or precommits) for one height and round, or a
 * proposer two different proposals, has double-signed, whatever its ledger or WAL went through. This is
 * issue 12's "no honest double-sign, checked on what each node actually sent".
 */
import { bytesToHex, type SigningKey } from '@hanglian/core';
import type { Network } from '@hanglian/network';
import { decodeConsensusMessage } from '@hanglian/node';
import { runnerMemberNetwork } from './member.js';

export interface DoubleSign {
  readonly validator: string;
  readonly what: string;
  readonly first: string;
  readonly second: string;
}

export class WireObserver {
  /** Distinct signed messages seen (votes and proposals), and copies of them. */
  messages = 0;
  copies = 0;
  readonly doubleSigns: DoubleSign[] = [];
  /** `validator/height/round/type` → block hash (or nil). */
  readonly #signed = new Map<string, string>();
  #lowestKept = 0;

  private constructor(readonly network: Network) {}

  static async start(args: {
    key: SigningKey;
    nodes: ReadonlyArray<{ publicKey: string; p2pPort: number }>;
  }): Promise<WireObserver> {
    const network = runnerMemberNetwork(args.key, args.nodes, 1_000);
    const observer = new WireObserver(network);
    network.handle('consensus', (peer, payload) => {
      observer.#record(bytesToHex(peer), payload);
      return true;
    });
    await network.start();
    return observer;
  }

  #record(peer: string, payload: Uint8Array): void {
    let message: ReturnType<typeof decodeConsensusMessage>;
    try {
      message = decodeConsensusMessage(payload);
    } catch {
      return;
    }
    const [signer, height, round, type, value] =
      message.kind === 'vote'
        ? [
            message.vote.validator,
            message.vote.height,
            message.vote.round,
            message.vote.type,
            message.vote.blockHash ?? 'nil',
          ]
        : [
            message.proposal.proposer,
            message.proposal.height,
            message.proposal.round,
            'proposal',
            message.proposal.blockHash,
          ];
    // Only a node's own messages count against it (a node relays nothing; its validator key is its node key).
    if (signer !== peer || height < this.#lowestKept) return;
    const key = `${signer}/${height}/${round}/${type}`;
    const earlier = this.#signed.get(key);
    if (earlier === undefined) {
      this.#signed.set(key, value);
      this.messages++;
      this.#prune(height);
    } else if (earlier !== value) {
      this.doubleSigns.push({
        validator: signer,
        what: `${type} at height ${height} round ${round}`,
        first: earlier,
        second: value,
      });
    } else this.copies++;
  }

  /** Keeps the last 5,000 heights' records: a conflict further back would need a node that far behind. */
  #prune(height: number): void {
    if (height - this.#lowestKept < 10_000) return;
    this.#lowestKept = height - 5_000;
    for (const key of this.#signed.keys()) {
      if (Number(key.split('/')[1]) < this.#lowestKept) this.#signed.delete(key);
    }
  }

  /** Nodes linked now. */
  get linked(): number {
    return this.network.peers().length;
  }

  async stop(): Promise<void> {
    await this.network.stop();
  }
}
