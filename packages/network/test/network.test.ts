import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ed25519Sha256 } from '@hanglian/core';
import type { Network } from '../src/index.js';
import { defaultChannels } from '../src/index.js';
import { addressOf, createMembership, hex, sleep, stopAll, testNetwork, waitFor } from './harness.js';

describe('a full mesh of four member nodes', () => {
  it('links every pair exactly once, broadcasts to all and sends to one', async () => {
    const membership = createMembership(4);
    const nodes = membership.keys.map((key) => testNetwork(key, membership));
    try {
      await Promise.all(nodes.map((node) => node.start()));
      // Everyone dials everyone: simultaneous dials that must collapse to one link per pair.
      for (const node of nodes) {
        for (const other of nodes) if (other !== node) node.dial(addressOf(other));
      }
      // Settled: three peers each and no handshake in flight, so no duplicate link is still to be replaced.
      await waitFor('full mesh', () =>
        nodes.every((node) => node.peers().length === 3 && node.pendingHandshakes() === 0),
      );

      const received = nodes.map(() => [] as Array<{ from: string; text: string }>);
      nodes.forEach((node, i) => {
        node.handle('consensus', (from, payload) => {
          received[i]!.push({ from: hex(from), text: Buffer.from(payload).toString() });
          return undefined;
        });
      });
      nodes.forEach((node, i) => {
        assert.equal(node.broadcast('consensus', Buffer.from(`vote from ${i}`)), 3);
      });
      await waitFor('all broadcasts', () => received.every((messages) => messages.length === 3));
      nodes.forEach((_, i) => {
        const expected = nodes
          .map((node, j) => ({ from: hex(node.publicKey), text: `vote from ${j}` }))
          .filter((_, j) => j !== i);
        assert.deepEqual(
          [...received[i]!].sort((a, b) => a.text.localeCompare(b.text)),
          expected.sort((a, b) => a.text.localeCompare(b.text)),
        );
      });

      const direct: string[] = [];
      nodes[2]!.handle('sync', (from, payload) => {
        direct.push(`${hex(from)}:${Buffer.from(payload).toString()}`);
        return undefined;
      });
      assert.equal(nodes[0]!.send(nodes[2]!.publicKey, 'sync', Buffer.from('blocks 1..10')), true);
      await waitFor('direct message', () => direct.length === 1);
      assert.equal(direct[0], `${hex(nodes[0]!.publicKey)}:blocks 1..10`);

      // Still one link per pair once redials have settled, and nobody saw a duplicate link as a peer.
      await sleep(300);
      for (const node of nodes) {
        const identities = node.peers().map((peer) => hex(peer.publicKey));
        assert.equal(new Set(identities).size, 3);
        assert.equal(identities.length, 3);
      }
      const nodeInfo = nodes[0]!.peers()[0]!;
      assert.match(nodeInfo.address, /^hl[0-9a-f]{40}$/);
    } finally {
      await stopAll(nodes);
    }
  });
});

describe('admission', () => {
  it('refuses a node whose key is not a member, at both ends, before any message', async () => {
    const membership = createMembership(1);
    const member = testNetwork(membership.keys[0]!, membership);
    // The outsider would accept anyone; the member must refuse it.
    const outsider = testNetwork(ed25519Sha256.generateSigningKey(), membership, { isMember: () => true });
    const refusedAtMember: string[] = [];
    const refusedAtOutsider: string[] = [];
    let outsiderConnected = false;
    member.on('peer:refused', (event) => refusedAtMember.push(event.reason));
    outsider.on('peer:refused', (event) => refusedAtOutsider.push(event.reason));
    outsider.on('peer:connected', () => {
      outsiderConnected = true;
    });
    try {
      await member.start();
      await outsider.start();
      outsider.dial(addressOf(member));
      await waitFor('refusal', () => refusedAtMember.length >= 1 && refusedAtOutsider.length >= 1);
      assert.equal(refusedAtMember[0], 'not-member');
      assert.equal(refusedAtOutsider[0], 'not-member', 'the refused side learns why');
      assert.equal(member.peers().length, 0);
      assert.equal(outsider.peers().length, 0);
      assert.equal(outsiderConnected, false);
    } finally {
      await stopAll([member, outsider]);
    }
  });

  it('refuses a node of another chain in the hello', async () => {
    const membership = createMembership(2);
    const a = testNetwork(membership.keys[0]!, membership);
    const b = testNetwork(membership.keys[1]!, membership, { chainId: 'another-chain' });
    const refused: Array<{ reason: string; key: Uint8Array | null }> = [];
    a.on('peer:refused', (event) => refused.push({ reason: event.reason, key: event.publicKey }));
    try {
      await a.start();
      await b.start();
      b.dial(addressOf(a));
      await waitFor('refusal', () => refused.length >= 1);
      assert.equal(refused[0]!.reason, 'wrong-chain');
      assert.equal(refused[0]!.key, null, 'refused before any identity was exchanged');
      assert.equal(a.peers().length, 0);
      assert.equal(b.peers().length, 0);
    } finally {
      await stopAll([a, b]);
    }
  });

  it('refuses a peer that proves a different key than the one configured', async () => {
    const membership = createMembership(3);
    const a = testNetwork(membership.keys[0]!, membership);
    const b = testNetwork(membership.keys[1]!, membership);
    const refused: string[] = [];
    a.on('peer:refused', (event) => refused.push(event.reason));
    try {
      await a.start();
      await b.start();
      // b listens there, but a expects the key of the third member.
      a.dial({ ...addressOf(b), publicKey: membership.keys[2]!.publicKey });
      await waitFor('refusal', () => refused.includes('unexpected-key'));
      assert.equal(a.peers().length, 0);
    } finally {
      await stopAll([a, b]);
    }
  });
});

describe('peer manager', () => {
  it('reconnects after the remote restarts on the same port', async () => {
    const membership = createMembership(2);
    const a = testNetwork(membership.keys[0]!, membership);
    let b: Network = testNetwork(membership.keys[1]!, membership);
    try {
      await a.start();
      await b.start();
      const bAddress = addressOf(b);
      a.dial(bAddress);
      await waitFor('first link', () => a.isConnected(b.publicKey));
      await b.stop();
      await waitFor('link loss seen', () => !a.isConnected(b.publicKey));
      await sleep(150); // a few failed redials against a closed port

      b = testNetwork(membership.keys[1]!, membership, {
        listen: { host: '127.0.0.1', port: bAddress.port },
      });
      const got: string[] = [];
      b.handle('tx', (_from, payload) => {
        got.push(Buffer.from(payload).toString());
        return undefined;
      });
      await b.start();
      await waitFor('reconnect', () => a.isConnected(b.publicKey) && b.isConnected(a.publicKey));
      a.broadcast('tx', Buffer.from('after restart'));
      await waitFor('message after restart', () => got.length === 1);
      assert.equal(got[0], 'after restart');
    } finally {
      await stopAll([a, b]);
    }
  });

  it('caps the number of peers', async () => {
    const membership = createMembership(3);
    const hub = testNetwork(membership.keys[0]!, membership, { maxPeers: 1 });
    const spokes = [1, 2].map((i) => testNetwork(membership.keys[i]!, membership));
    const refused: string[] = [];
    hub.on('peer:refused', (event) => refused.push(event.reason));
    try {
      await hub.start();
      await Promise.all(spokes.map((spoke) => spoke.start()));
      for (const spoke of spokes) spoke.dial(addressOf(hub));
      await waitFor('one spoke linked and one refused', () => hub.peers().length === 1 && refused.length > 0);
      assert.equal(refused[0], 'too-many-peers');
      await sleep(200);
      assert.equal(hub.peers().length, 1);
    } finally {
      await stopAll([hub, ...spokes]);
    }
  });

  it('delivers what a node sends on a link the remote is replacing with a duplicate', async () => {
    // Both dial at once: each end sees one link open, sends on it at once, and the two ends then keep the
    // same one of the two links. A message sent on the one dropped must still arrive.
    const membership = createMembership(2);
    for (let round = 0; round < 12; round++) {
      const a = testNetwork(membership.keys[0]!, membership);
      const b = testNetwork(membership.keys[1]!, membership);
      const gotAtA: string[] = [];
      const gotAtB: string[] = [];
      a.handle('consensus', (_from, payload) => void gotAtA.push(Buffer.from(payload).toString()));
      b.handle('consensus', (_from, payload) => void gotAtB.push(Buffer.from(payload).toString()));
      try {
        await Promise.all([a.start(), b.start()]);
        a.dial(addressOf(b));
        b.dial(addressOf(a));
        let sentByA = 0;
        let sentByB = 0;
        // Send on whatever link each end holds, every millisecond, until the two ends have settled.
        await waitFor('settled link while sending', () => {
          sentByA += a.broadcast('consensus', Buffer.from(`a${sentByA}`));
          sentByB += b.broadcast('consensus', Buffer.from(`b${sentByB}`));
          return (
            a.isConnected(b.publicKey) &&
            b.isConnected(a.publicKey) &&
            a.pendingHandshakes() + b.pendingHandshakes() === 0
          );
        });
        await waitFor(`round ${round}: every message (${sentByA} and ${sentByB} sent)`, () => {
          return gotAtB.length >= sentByA && gotAtA.length >= sentByB;
        });
        assert.deepEqual(
          gotAtB,
          Array.from({ length: sentByA }, (_, i) => `a${i}`),
        );
        assert.deepEqual(
          gotAtA,
          Array.from({ length: sentByB }, (_, i) => `b${i}`),
        );
      } finally {
        await stopAll([a, b]);
      }
    }
  });

  it('block cuts a link both ways until unblock restores it', async () => {
    const membership = createMembership(2);
    const a = testNetwork(membership.keys[0]!, membership);
    const b = testNetwork(membership.keys[1]!, membership);
    const gotAtB: string[] = [];
    b.handle('consensus', (_from, payload) => {
      gotAtB.push(Buffer.from(payload).toString());
      return undefined;
    });
    try {
      await a.start();
      await b.start();
      a.dial(addressOf(b));
      b.dial(addressOf(a)); // b keeps trying to come back while blocked
      await waitFor(
        'settled link',
        () =>
          a.isConnected(b.publicKey) &&
          b.isConnected(a.publicKey) &&
          a.pendingHandshakes() + b.pendingHandshakes() === 0,
      );

      a.block(b.publicKey);
      assert.equal(a.isConnected(b.publicKey), false);
      await waitFor('b sees the cut', () => !b.isConnected(a.publicKey));
      await sleep(400); // b redials several times and is refused each time
      assert.equal(a.isConnected(b.publicKey), false);
      assert.equal(b.isConnected(a.publicKey), false);
      assert.equal(a.broadcast('consensus', Buffer.from('into the void')), 0);

      a.unblock(b.publicKey);
      await waitFor('restored link', () => a.isConnected(b.publicKey) && b.isConnected(a.publicKey));
      a.broadcast('consensus', Buffer.from('healed'));
      await waitFor('message after heal', () => gotAtB.length === 1);
      assert.deepEqual(gotAtB, ['healed']);

      a.blockAll();
      await waitFor('isolated', () => a.peers().length === 0 && b.peers().length === 0);
      a.unblockAll();
      await waitFor('rejoined', () => a.isConnected(b.publicKey));
    } finally {
      await stopAll([a, b]);
    }
  });
});

describe('gossip', () => {
  it('relays through a ring once per node, dropping echoes by hash', async () => {
    const membership = createMembership(4);
    const channels = { ...defaultChannels, tx: { ...defaultChannels.tx!, relay: true } };
    const nodes = membership.keys.map((key) => testNetwork(key, membership, { channels }));
    const deliveries = nodes.map(() => 0);
    nodes.forEach((node, i) => {
      node.handle('tx', () => {
        deliveries[i]! += 1;
        return undefined;
      });
    });
    try {
      await Promise.all(nodes.map((node) => node.start()));
      // A ring 0-1-2-3-0: node 2 is two hops from node 0 by both ways round.
      nodes.forEach((node, i) => {
        node.dial(addressOf(nodes[(i + 1) % 4]!));
      });
      await waitFor('ring', () => nodes.every((node) => node.peers().length === 2));

      nodes[0]!.broadcast('tx', Buffer.from('tx-1'));
      await waitFor('relay to all', () => deliveries.slice(1).every((count) => count === 1));
      await sleep(200); // time for any echo to come round again
      assert.deepEqual(deliveries, [0, 1, 1, 1], 'each node handles the message once, the origin never');
      const duplicates = nodes.reduce((sum, node) => sum + node.counters().channels.tx!.duplicates, 0);
      assert.ok(duplicates >= 2, `echoes were dropped as duplicates (${duplicates})`);
      const relayed = nodes.reduce((sum, node) => sum + node.counters().channels.tx!.relayed, 0);
      assert.equal(relayed, 3, 'nodes 1, 2 and 3 each relay once to their other neighbour');
    } finally {
      await stopAll(nodes);
    }
  });

  it('a handler that rejects a payload lowers the sender’s score and stops its relay', async () => {
    const membership = createMembership(3);
    const channels = { ...defaultChannels, tx: { ...defaultChannels.tx!, relay: true } };
    const [a, b, c] = membership.keys.map((key) => testNetwork(key, membership, { channels })) as [
      Network,
      Network,
      Network,
    ];
    let atC = 0;
    b.handle('tx', (_from, payload) => Buffer.from(payload).toString() !== 'bad');
    c.handle('tx', () => {
      atC += 1;
      return undefined;
    });
    try {
      await Promise.all([a.start(), b.start(), c.start()]);
      a.dial(addressOf(b));
      b.dial(addressOf(c));
      await waitFor('line', () => b.peers().length === 2);
      a.broadcast('tx', Buffer.from('bad'));
      a.broadcast('tx', Buffer.from('good'));
      await waitFor('good relayed', () => atC === 1);
      await sleep(100);
      assert.equal(atC, 1, 'the rejected message was not relayed');
      assert.ok(b.score(a.publicKey) < 0);
    } finally {
      await stopAll([a, b, c]);
    }
  });
});
