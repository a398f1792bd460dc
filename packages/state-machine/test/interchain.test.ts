/**
 * Verified messages between two chains in memory: a packet proven against a verified header is delivered
 * once and in order to its module, its receipt proven back closes it; forged proofs, replays (a second
 * relayer), packets out of order and packets past their timeout are each handled with their code, and
 * nothing is lost: a module's refusal and a timeout both reach the source as a receipt.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { HanglianError, RESULT_OK } from '@hanglian/core';
import {
  HeaderSigner,
  type InterchainApp,
  InterchainErrors,
  type OutboxEntry,
  type Receipt,
  testAddress,
  testKey,
} from '../src/index.js';
import { assertFails, assertOk } from './helpers.js';
import { admit, newChain, REMOTE_SET, relayPacket, relayReceipt } from './linkedChains.helpers.js';

/** A module of the destination that records what it is told, and refuses `{refuse: true}`. */
function recorder() {
  const seen: unknown[] = [];
  const acknowledged: string[] = [];
  const app: InterchainApp = {
    onReceive(ctx) {
      const payload = ctx.packet.payload as { refuse?: boolean };
      ctx.state.set(new TextEncoder().encode(`recorder/${ctx.packet.sequence}`), new Uint8Array([1]));
      if (payload.refuse === true) throw new HanglianError('TX_FORBIDDEN', 'refused by the recorder');
      seen.push(ctx.packet.payload);
      ctx.emit('recorded', { sequence: ctx.packet.sequence });
    },
    onAcknowledge(ctx) {
      acknowledged.push(`${ctx.packet.sequence}:${ctx.receipt.status}`);
    },
  };
  return { app, seen, acknowledged };
}

function linkedPair() {
  const dest = recorder();
  const source = recorder();
  const logistics = newChain('logistics', { recorder: source.app });
  const commerce = newChain('commerce', { recorder: dest.app });
  const logisticsSigner = new HeaderSigner(logistics, REMOTE_SET);
  const commerceSigner = new HeaderSigner(commerce, [
    'commerce/v1',
    'commerce/v2',
    'commerce/v3',
    'commerce/v4',
  ]);
  admit(commerce, logistics, logisticsSigner);
  admit(logistics, commerce, commerceSigner);
  return { logistics, commerce, logisticsSigner, commerceSigner, dest, source };
}

const carrier = testKey('shop/clerk');
const send = (chain: ReturnType<typeof newChain>, payload: unknown, extra: object = {}) =>
  chain.submit(carrier, 'interchain', 'send', {
    destChain: 'commerce',
    destModule: 'recorder',
    payload,
    timeoutHeight: 1_000,
    ...extra,
  });

describe('interchain: send', () => {
  it('writes the packet with the next sequence, naming the sender and its organisation', () => {
    const { logistics } = linkedPair();
    assertOk(send(logistics, { n: 1 }));
    assertOk(send(logistics, { n: 2 }));
    const outbox = logistics.query<OutboxEntry[]>('interchain', 'outbox', { chainId: 'commerce' });
    assert.deepEqual(
      outbox.map((e) => [e.packet.sequence, e.packet.sender.org, e.status.status]),
      [
        [1, 'shop', 'pending'],
        [2, 'shop', 'pending'],
      ],
    );
  });

  it('refuses a chain not admitted and a message without a timeout', () => {
    const { logistics } = linkedPair();
    assertFails(send(logistics, {}, { destChain: 'nowhere' }), InterchainErrors.INTERCHAIN_UNKNOWN_CHAIN);
    assertFails(send(logistics, {}, { timeoutHeight: 0 }), InterchainErrors.INTERCHAIN_NO_TIMEOUT);
  });
});

describe('interchain: receive and acknowledge', () => {
  it('delivers a proven packet once to its module; the receipt proven back closes it', () => {
    const { logistics, commerce, logisticsSigner, commerceSigner, dest, source } = linkedPair();
    assertOk(send(logistics, { parcel: 'p-1' }));
    const relayed = relayPacket(logisticsSigner, commerce, 1, 0);
    assertOk(relayed.update);
    const received = assertOk(relayed.receive);
    assert.deepEqual(dest.seen, [{ parcel: 'p-1' }]);
    assert.deepEqual(
      received.events.map((e) => `${e.module}.${e.name}`),
      ['recorder.recorded', 'interchain.received'],
    );
    const receipt = commerce.query<Receipt>('interchain', 'receipt', { chainId: 'logistics', sequence: 1 });
    assert.equal(receipt.status, 'delivered');
    assert.equal(receipt.code, RESULT_OK);
    // A second relayer with the same packet and proof: refused, delivered once.
    const again = commerce.submit(testKey('brand/clerk'), 'interchain', 'receive', {
      packet: logistics.query<OutboxEntry[]>('interchain', 'outbox', { chainId: 'commerce' })[0]!.packet,
      proofHeight: relayed.proofHeight,
      proof: logisticsSigner.prove('interchain/outbox/commerce/000000000000001'),
    });
    assertFails(again, InterchainErrors.INTERCHAIN_ALREADY_RECEIVED);
    assert.equal(dest.seen.length, 1);
    // Back to the source.
    const verified = commerce.height;
    const back = relayReceipt(commerceSigner, logistics, 1, 0);
    assertOk(back.update);
    assertOk(back.acknowledge);
    const [entry] = logistics.query<OutboxEntry[]>('interchain', 'outbox', { chainId: 'commerce' });
    assert.equal(entry!.status.status, 'delivered');
    assert.deepEqual(
      source.acknowledged,
      [],
      'a member message is the interchain module’s, not the recorder’s',
    );
    commerce.advance();
    const twice = relayReceipt(commerceSigner, logistics, 1, verified);
    assertOk(twice.update);
    assertFails(twice.acknowledge, InterchainErrors.INTERCHAIN_ALREADY_ACKNOWLEDGED);
  });

  it('refuses a forged packet (the proof does not prove it) and changes nothing', () => {
    const { logistics, commerce, logisticsSigner, dest } = linkedPair();
    assertOk(send(logistics, { parcel: 'p-1', amount: 10 }));
    const relayed = relayPacket(logisticsSigner, commerce, 1, 0, (p) => ({
      ...p,
      payload: { parcel: 'p-1', amount: 10_000 },
    }));
    assertOk(relayed.update);
    assertFails(relayed.receive, InterchainErrors.INTERCHAIN_BAD_PROOF);
    assert.deepEqual(dest.seen, []);
    assert.equal(commerce.query('interchain', 'receipt', { chainId: 'logistics', sequence: 1 }), null);
  });

  it('refuses a proof against a height the client never verified', () => {
    const { logistics, commerce, logisticsSigner } = linkedPair();
    assertOk(send(logistics, { parcel: 'p-1' }));
    const [entry] = logistics.query<OutboxEntry[]>('interchain', 'outbox', { chainId: 'commerce' });
    const result = commerce.submit(testKey('reg/clerk'), 'interchain', 'receive', {
      packet: entry!.packet,
      proofHeight: logistics.height,
      proof: logisticsSigner.prove('interchain/outbox/commerce/000000000000001'),
    });
    assertFails(result, 'LIGHTCLIENT_UNKNOWN_HEIGHT');
  });

  it('delivers in sequence order only', () => {
    const { logistics, commerce, logisticsSigner, dest } = linkedPair();
    assertOk(send(logistics, { n: 1 }));
    assertOk(send(logistics, { n: 2 }));
    const second = relayPacket(logisticsSigner, commerce, 2, 0);
    assertFails(second.receive, InterchainErrors.INTERCHAIN_OUT_OF_ORDER);
    const first = commerce.submit(testKey('reg/clerk'), 'interchain', 'receive', {
      packet: logistics.query<OutboxEntry[]>('interchain', 'outbox', { chainId: 'commerce' })[0]!.packet,
      proofHeight: second.proofHeight,
      proof: logisticsSigner.prove('interchain/outbox/commerce/000000000000001'),
    });
    assertOk(first);
    assert.deepEqual(dest.seen, [{ n: 1 }]);
  });

  it("a module's refusal is a receipt with its code: its writes dropped, the source told", () => {
    const { logistics, commerce, logisticsSigner, commerceSigner, dest } = linkedPair();
    assertOk(send(logistics, { refuse: true }));
    const relayed = relayPacket(logisticsSigner, commerce, 1, 0);
    assertOk(relayed.receive);
    assert.deepEqual(dest.seen, []);
    assert.equal(commerce.state.get(new TextEncoder().encode('recorder/1')), undefined, 'writes dropped');
    const receipt = commerce.query<Receipt>('interchain', 'receipt', { chainId: 'logistics', sequence: 1 });
    assert.deepEqual([receipt.status, receipt.code], ['failed', 'TX_FORBIDDEN']);
    assertOk(relayReceipt(commerceSigner, logistics, 1, 0).acknowledge);
    const [entry] = logistics.query<OutboxEntry[]>('interchain', 'outbox', { chainId: 'commerce' });
    assert.deepEqual([entry!.status.status, entry!.status.code], ['failed', 'TX_FORBIDDEN']);
  });

  it('a packet past its timeout is not delivered: the timed-out receipt reaches the source, the next packet flows', () => {
    const { logistics, commerce, logisticsSigner, commerceSigner, dest } = linkedPair();
    const deadline = commerce.height + 3;
    assertOk(send(logistics, { late: true }, { timeoutHeight: deadline }));
    assertOk(send(logistics, { late: false }));
    commerce.advance(5);
    const relayed = relayPacket(logisticsSigner, commerce, 1, 0);
    assertOk(relayed.receive);
    assert.deepEqual(dest.seen, []);
    const receipt = commerce.query<Receipt>('interchain', 'receipt', { chainId: 'logistics', sequence: 1 });
    assert.deepEqual([receipt.status, receipt.code], ['timedOut', InterchainErrors.INTERCHAIN_TIMED_OUT]);
    // The order of the channel goes on: packet 2, proven under the same header, is delivered.
    const packets = logistics.query<OutboxEntry[]>('interchain', 'outbox', { chainId: 'commerce' });
    const next = commerce.submit(testKey('reg/clerk'), 'interchain', 'receive', {
      packet: packets[1]!.packet,
      proofHeight: relayed.proofHeight,
      proof: logisticsSigner.prove('interchain/outbox/commerce/000000000000002'),
    });
    assertOk(next);
    assertOk(relayReceipt(commerceSigner, logistics, 1, 0).acknowledge);
    const entries = logistics.query<OutboxEntry[]>('interchain', 'outbox', { chainId: 'commerce' });
    assert.equal(entries[0]!.status.status, 'timedOut');
    assert.deepEqual(dest.seen, [{ late: false }]);
  });

  it('a module that sent a packet is told of its receipt (to undo what a lost packet promised)', () => {
    const { logistics, commerce, logisticsSigner, commerceSigner, source } = linkedPair();
    // A module sends through the method (as a command or hook of that module would).
    logistics.advance();
    logistics.kernel.interchain.method.sendPacket(logistics.state, logistics.blockInfo(logistics.height), {
      destChain: 'commerce',
      sourceModule: 'recorder',
      destModule: 'recorder',
      sender: { org: 'shop', address: testAddress('shop/clerk') },
      payload: {},
      timeoutHeight: 1,
      timeoutTime: 0,
    });
    logistics.advance();
    commerce.advance(2);
    assertOk(relayPacket(logisticsSigner, commerce, 1, 0).receive);
    assertOk(relayReceipt(commerceSigner, logistics, 1, 0).acknowledge);
    assert.deepEqual(source.acknowledged, ['1:timedOut']);
  });
});
