/**
 * A forging member: a process holding a genuine member node key (a full node of the manifest that never
 * runs) that links with one node and lies to it on the sync channel. It sends answers nobody asked for:
 * each pairs a genuine commit certificate (certificates are public through /v1/headers) with garbage
 * block bytes, for the heights the victim is about to sync; it also replays every consensus message it
 * overhears. An honest node must drop the lies and carry on with its honest peers.
 */
import { commitCodec, hexToBytes, type SigningKey } from '@hanglian/core';
import { createNetwork, type Network } from '@hanglian/network';
import { syncWireCodec } from '@hanglian/node';
import { CHAOS_CHAIN_ID, httpJson } from './cluster.js';
import type { SeededRandom } from './random.js';

export interface ForgedAnswerCounts {
  /** Sync answers sent, and forged blocks inside them. */
  answers: number;
  blocks: number;
  /** Consensus messages overheard and replayed. */
  replayed: number;
}

/** A commit as the API shows it (hex strings), back to the wire encoding. */
export function commitFromJson(json: any): Uint8Array {
  return commitCodec.encode({
    height: json.height,
    round: json.round,
    blockHash: hexToBytes(json.blockHash),
    signatures: (json.signatures as Array<{ validator: string; signature: string }>).map((s) => ({
      validator: hexToBytes(s.validator),
      signature: hexToBytes(s.signature),
    })),
  });
}

export class ForgingMember {
  readonly counts: ForgedAnswerCounts = { answers: 0, blocks: 0, replayed: 0 };
  readonly #certificates = new Map<number, Uint8Array>();

  private constructor(
    readonly network: Network,
    readonly victimKey: Uint8Array,
    readonly random: SeededRandom,
  ) {}

  static async start(args: {
    key: SigningKey;
    victim: { publicKey: string; p2pPort: number };
    random: SeededRandom;
  }): Promise<ForgingMember> {
    const network = createNetwork({
      chainId: CHAOS_CHAIN_ID,
      nodeKey: args.key,
      isMember: () => true,
      listen: null,
      peers: [{ host: '127.0.0.1', port: args.victim.p2pPort, publicKey: hexToBytes(args.victim.publicKey) }],
      reconnect: { initialDelayMs: 100, maxDelayMs: 300 },
    });
    const forger = new ForgingMember(network, hexToBytes(args.victim.publicKey), args.random);
    network.handle('consensus', (_peer, payload) => {
      // Replayed at once to the victim, which must treat the copy as a duplicate.
      if (network.send(forger.victimKey, 'consensus', payload)) forger.counts.replayed++;
      return true;
    });
    network.handle('sync', () => true);
    network.handle('tx', () => true);
    await network.start();
    return forger;
  }

  get linked(): boolean {
    return this.network.isConnected(this.victimKey);
  }

  /** Fetches (once) the genuine certificates of heights from..to from an honest node's API. */
  async learnCertificates(api: string, from: number, to: number): Promise<void> {
    for (let h = from; h <= to; h++) {
      if (this.#certificates.has(h)) continue;
      const response = await httpJson(`${api}/v1/headers/${h}`, { timeoutMs: 5_000 });
      if (response.status !== 200 || response.body?.commit == null) break;
      this.#certificates.set(h, commitFromJson(response.body.commit));
    }
  }

  /**
   * Sends one unsolicited `blocks` answer for the heights after `victimHeight` whose certificates are
   * known: each item a genuine certificate with garbage bytes where the block should be.
   */
  sendForgedBlocks(victimHeight: number): boolean {
    const items: Array<{ block: Uint8Array; commit: Uint8Array }> = [];
    for (let h = victimHeight + 1; items.length < 20; h++) {
      const commit = this.#certificates.get(h);
      if (commit === undefined) break;
      const garbage = new Uint8Array(64 + this.random.int(0, 1_024));
      for (let i = 0; i < garbage.length; i++) garbage[i] = this.random.int(0, 255);
      items.push({ block: garbage, commit });
    }
    if (items.length === 0) return false;
    const sent = this.network.send(this.victimKey, 'sync', syncWireCodec.encode({ kind: 'blocks', items }));
    if (sent) {
      this.counts.answers++;
      this.counts.blocks += items.length;
    }
    return sent;
  }

  async stop(): Promise<void> {
    await this.network.stop();
  }
}
