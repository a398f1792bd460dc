// A node re-sends its own consensus messages (every second, byte for byte: signatures are deterministic)
// so that a peer which missed or could not use one gets it again. On a channel that does not relay, the
// seen-set must not stand in the way: it exists to stop relay echoes, and there are none. Before, a vote
// that reached a restarting node before its consensus handler was registered was marked seen and dropped,
// and so was every later copy of it: the vote was lost to that node for good (issue 12).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { addressOf, createMembership, sleep, stopAll, testNetwork, waitFor } from './harness.js';

async function linkedPair() {
  const membership = createMembership(2);
  const [a, b] = membership.keys.map((key) => testNetwork(key, membership)) as [
    ReturnType<typeof testNetwork>,
    ReturnType<typeof testNetwork>,
  ];
  await Promise.all([a.start(), b.start()]);
  a.dial(addressOf(b));
  await waitFor('link', () => a.isConnected(b.publicKey) && b.isConnected(a.publicKey));
  return [a, b] as const;
}

describe('re-sent messages on a channel that does not relay', () => {
  it('a message that arrived before its handler existed is handled when the peer sends it again', async () => {
    const [a, b] = await linkedPair();
    try {
      const vote = Buffer.from('prevote h=7 r=0 by a');
      a.broadcast('consensus', vote);
      await waitFor(
        'b to receive the first copy',
        () => b.counters().channels.consensus!.receivedMessages === 1,
      );
      const handled: string[] = [];
      b.handle('consensus', (_from, payload) => {
        handled.push(Buffer.from(payload).toString());
        return undefined;
      });
      a.broadcast('consensus', vote);
      await waitFor('b to handle the re-sent copy', () => handled.length === 1);
      assert.deepEqual(handled, ['prevote h=7 r=0 by a']);
      assert.equal(b.counters().channels.consensus!.duplicates, 0);
    } finally {
      await stopAll([a, b]);
    }
  });

  it('every copy reaches the handler, which decides what a duplicate is', async () => {
    const [a, b] = await linkedPair();
    try {
      let handled = 0;
      b.handle('consensus', () => {
        handled++;
        return undefined;
      });
      const vote = Buffer.from('precommit h=7 r=0 by a');
      for (let i = 0; i < 3; i++) {
        a.broadcast('consensus', vote);
        await sleep(20);
      }
      await waitFor('three copies handled', () => handled === 3);
    } finally {
      await stopAll([a, b]);
    }
  });
});
