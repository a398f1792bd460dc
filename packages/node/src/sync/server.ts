/**
 * The serving side of the `sync` channel: answers other nodes' requests for blocks (block sync), headers
 * and state chunks (state sync) from this node's ledger. It answers every well-formed request, with an
 * empty list when it has nothing, so the asker moves on to another peer at once instead of timing out.
 */
import { blockHeaderCodec, commitCodec, validatorSetCodec } from '@hanglian/core';
import type { Chain } from '../chain/chain.js';
import type { PeerTransport } from '../consensus/transport.js';
import { SNAPSHOT_CHUNK_ENTRIES, type SyncWire, syncWireCodec } from './wire.js';

// Below the network's 8 MiB cap on a sync message, with room for the framing.
const SYNC_ANSWER_MAX_BYTES = 6 * 1024 * 1024;

type SyncRequest = Extract<SyncWire, { kind: 'blocks-request' | 'headers-request' | 'snapshot-request' }>;

export function isSyncRequest(message: SyncWire): message is SyncRequest {
  return (
    message.kind === 'blocks-request' ||
    message.kind === 'headers-request' ||
    message.kind === 'snapshot-request'
  );
}

export function answerSyncRequest(
  chain: Chain,
  transport: PeerTransport,
  peer: string,
  message: SyncRequest,
): void {
  switch (message.kind) {
    case 'blocks-request': {
      const items: Array<{ block: Uint8Array; commit: Uint8Array; results?: Uint8Array }> = [];
      let bytes = 0;
      for (let h = message.from; h < message.from + message.count && h <= chain.height; h++) {
        const block = chain.storage.blocks.getBlock(h);
        const commit = chain.getCommit(h);
        if (block === undefined || commit === undefined) break;
        bytes += block.byteLength;
        if (items.length > 0 && bytes > SYNC_ANSWER_MAX_BYTES) break;
        const results = chain.storage.blocks.getResults(h);
        items.push({
          block,
          commit: commitCodec.encode(commit),
          ...(results === undefined ? {} : { results }),
        });
      }
      transport.send(peer, 'sync', syncWireCodec.encode({ kind: 'blocks', items }));
      return;
    }
    case 'headers-request': {
      const items: Array<{ header: Uint8Array; commit: Uint8Array; validators: Uint8Array }> = [];
      for (let h = message.from; h < message.from + message.count && h <= chain.height; h++) {
        const block = chain.getBlock(h);
        const commit = chain.getCommit(h);
        const validators = chain.validatorsAt(h);
        if (block === undefined || commit === undefined || validators === undefined) break;
        items.push({
          header: blockHeaderCodec.encode(block.header),
          commit: commitCodec.encode(commit),
          validators: validatorSetCodec.encode(validators),
        });
      }
      transport.send(peer, 'sync', syncWireCodec.encode({ kind: 'headers', items }));
      return;
    }
    case 'snapshot-request': {
      // A height this node pruned (it keeps recent heights and snapshots) is not served, like one it lacks.
      if (message.height < 1 || message.height > chain.height || chain.isStatePruned(message.height)) return;
      const { entries, proof } = chain.storage.state.snapshotRange(
        message.height,
        message.after,
        Math.min(message.limit, SNAPSHOT_CHUNK_ENTRIES),
        message.until,
      );
      transport.send(
        peer,
        'sync',
        syncWireCodec.encode({
          kind: 'snapshot-chunk',
          height: message.height,
          entries: entries.map((e) => ({ key: e.key, value: e.value })),
          proof,
        }),
      );
      return;
    }
  }
}
