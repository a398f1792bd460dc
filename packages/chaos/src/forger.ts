/**
 * A forging member: a process holding a genuine member node key (a full node of the manifest that never
 * runs) that links with one node and lies to it on the sync channel. It sends answers nobody asked for:
 * each pairs a genuine commit certificate (certificates are public through /v1/headers) with garbage
 * block bytes, for the heights the victim is about to sync; it also replays every consensus message it
 * overhears. An honest node must drop the lies and carry on with its honest peers.
 */
import { commitCodec, hexToBytes, type SigningKey } from '@hanglian/core';
import type { Network } from '@hanglian/network';
import { type SyncWire, syncWireCodec } from '@hanglian/node';
import { httpJson } from './cluster.js';
import { runnerMemberNetwork } from './member.js';
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
    const network = runnerMemberNetwork(args.key, [args.victim], 300);
    const forger = new ForgingMember(network, hexToBytes(args.victim.publicKey), args.random);
    network.handle('consensus', (_peer, payload) => {
      // Replayed at once to the victim, which must treat the copy as a duplicate.
      if (network.send(forger.victimKey, 'consensus', payload)) forger.counts.replayed++;
      return true;
    });
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

/**
 * A member in the middle of a state sync: it links with the victim and with one honest node, relays the
 * honest node's height announcements to the victim (so the victim counts it among the peers that have the
 * state) and every sync request of the victim to the honest node, and relays the answers back, honest
 * except for state chunks: from each it leaves out an entry (or, in a chunk of one, changes the value).
 * Headers and blocks it relays verify, so the victim asks it for chunks; the first one it gets does not
 * prove against the header's state root, and an honest node drops this peer and completes the state from
 * the others.
 */
export class StateSyncLiar {
  readonly counts = { relayed: 0, chunksTampered: 0 };
  /** Requests of the victim relayed to the honest node and not answered yet. */
  #asked = 0;

  private constructor(
    readonly network: Network,
    readonly victimKey: Uint8Array,
    readonly honestKey: Uint8Array,
  ) {}

  static async start(args: {
    key: SigningKey;
    victim: { publicKey: string; p2pPort: number };
    honest: { publicKey: string; p2pPort: number };
  }): Promise<StateSyncLiar> {
    const network = runnerMemberNetwork(args.key, [args.victim, args.honest], 300);
    const liar = new StateSyncLiar(
      network,
      hexToBytes(args.victim.publicKey),
      hexToBytes(args.honest.publicKey),
    );
    const same = (a: Uint8Array, b: Uint8Array) => Buffer.compare(a, b) === 0;
    network.handle('sync', (peer, payload) => {
      let message: SyncWire;
      try {
        message = syncWireCodec.decode(payload);
      } catch {
        return true;
      }
      if (same(peer, liar.victimKey)) {
        if (
          message.kind === 'blocks-request' ||
          message.kind === 'headers-request' ||
          message.kind === 'snapshot-request'
        ) {
          if (network.send(liar.honestKey, 'sync', payload)) liar.#asked++;
        }
        return true;
      }
      if (!same(peer, liar.honestKey)) return true;
      if (message.kind === 'status') {
        network.send(liar.victimKey, 'sync', payload);
        return true;
      }
      // An answer of the honest node: to the victim's oldest request (the honest node answers in order).
      if (liar.#asked === 0 || !['blocks', 'headers', 'snapshot-chunk'].includes(message.kind)) return true;
      liar.#asked--;
      let answer = payload;
      if (message.kind === 'snapshot-chunk' && message.entries.length > 0) {
        const entries = message.entries.slice();
        if (entries.length > 1) entries.splice(entries.length >> 1, 1);
        else entries[0] = { key: entries[0]!.key, value: Uint8Array.of(...entries[0]!.value, 0x2a) };
        answer = syncWireCodec.encode({ ...message, entries });
        liar.counts.chunksTampered++;
      }
      if (network.send(liar.victimKey, 'sync', answer)) liar.counts.relayed++;
      return true;
    });
    await network.start();
    return liar;
  }

  async stop(): Promise<void> {
    await this.network.stop();
  }
}
