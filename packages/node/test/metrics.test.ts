// The node's metrics read from their source when scraped: the mempool's ready transactions apart from
// those waiting, and the peer messages the transport dropped, by channel and reason.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { DroppedMessages } from '../src/consensus/transport.js';
import { NodeMetrics } from '../src/metrics/metrics.js';

describe('node metrics', () => {
  it('report the ready transactions and the dropped peer messages as the source says when scraped', async () => {
    let dropped: DroppedMessages[] = [
      { channel: 'tx', reason: 'queue-full', count: 3 },
      { channel: 'tx', reason: 'rate-limited', count: 0 },
      { channel: 'consensus', reason: 'rate-limited', count: 2 },
    ];
    const metrics = new NodeMetrics(
      {
        dataDir: '/nonexistent',
        height: () => 7,
        round: () => 0,
        peers: () => 3,
        unlinkedValidators: () => 0,
        mempool: () => ({ size: 12, bytes: 4_000, ready: 5 }),
        signatureCache: () => ({ hits: 0, misses: 0 }),
        droppedMessages: () => dropped,
      },
      { node: 'node0', chainId: 'test' },
    );
    const series = async (name: string, labels = '') => {
      const text = await metrics.registry.metrics();
      const line = text.split('\n').find((l) => l.startsWith(`${name}{`) && l.includes(labels));
      return line === undefined ? undefined : Number(line.slice(line.lastIndexOf(' ') + 1));
    };
    assert.equal(await series('hanglian_mempool_ready_transactions'), 5);
    assert.equal(await series('hanglian_mempool_transactions'), 12);
    assert.equal(await series('hanglian_peer_messages_dropped_total', 'channel="tx",reason="queue-full"'), 3);
    assert.equal(
      await series('hanglian_peer_messages_dropped_total', 'channel="consensus",reason="rate-limited"'),
      2,
    );
    assert.equal(
      await series('hanglian_peer_messages_dropped_total', 'channel="tx",reason="rate-limited"'),
      undefined,
      'none dropped: no series',
    );
    // A later scrape gives the transport's counts then, not their sum with the last ones.
    dropped = [{ channel: 'tx', reason: 'queue-full', count: 4 }];
    assert.equal(await series('hanglian_peer_messages_dropped_total', 'channel="tx",reason="queue-full"'), 4);
  });
});
